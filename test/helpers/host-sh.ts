// A host.sh run beside the engine's lib.sh, as out/ lays them out, for what changes nothing and needs no root
// (SITEGEN_ROOT set): usage, a refused command, a verify without checks.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { engineFiles } from "../../src/bundles/engine.js";
import { HOST_SH, hostArgv } from "./gen.js";
import { run } from "./tools.js";
import { tempDir } from "./tree.js";

export function runHostSh(hostSh: string, host: string, ...words: string[]) {
  const tmp = tempDir("host-sh");
  const dir = join(tmp, "site/hosts", host);
  mkdirSync(join(tmp, "engine"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(tmp, "engine/lib.sh"), engineFiles().find((f) => f.path === "lib.sh")!.content);
  writeFileSync(join(dir, HOST_SH), hostSh);
  const [cmd, ...args] = hostArgv(dir, ...words);
  try {
    return run(cmd!, args, { env: { ...process.env, SITEGEN_ROOT: tmp } });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
