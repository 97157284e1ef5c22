// The one content digest: manifest.json lists it per file, host.sh drift compares an installed file with it.
import { createHash } from "node:crypto";

export const sha256 = (s: string | Buffer): string => createHash("sha256").update(s).digest("hex");
