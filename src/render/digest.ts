// The one content digest: host.sh's drift model records it per installed file, and drift compares the installed file with it.
import { createHash } from "node:crypto";

export const sha256 = (s: string | Buffer): string => createHash("sha256").update(s).digest("hex");
