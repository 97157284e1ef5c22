// Every fault of the output folder is one line naming the path and what to do, exit 2, and leaves
// out/<site> as it was with nothing half-written beside it. Read-only and full file systems are real
// tmpfs mounts inside a private mount namespace (unshare -m), so the machine's mounts are untouched.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, gen, ROOT } from "../helpers/gen.js";
import { requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";

const tmp = tempDir("outfault");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ONE_LINE = /^gen: cannot write [^\n]+\n$/;

/** Run script as root in a private mount namespace; $GEN runs gen on jumphost. */
function inMountNs(script: string): { code: number; stdout: string; stderr: string } {
  requireTool("unshare");
  if (process.getuid?.() !== 0) throw new Error("mounting a tmpfs in a private mount namespace needs root");
  const gen = `${process.execPath} ${CLI} --site jumphost --inventory ${join(ROOT, "inventories")}`;
  return run("unshare", ["-m", "bash", "-c", `set -u; cd ${tmp}; GEN="${gen}"; ${script}`]);
}

describe("output folder faults", () => {
  it("--out naming a file (ENOTDIR)", () => {
    writeFileSync(join(tmp, "afile"), "x\n");
    for (const out of ["afile", "afile/sub"]) {
      const r = gen(["--site", "jumphost", "--out", join(tmp, out)]);
      expect(r.stderr).toBe(
        `gen: cannot write ${join(tmp, out, "jumphost")}: ${join(tmp, "afile")} is a file, not a folder; ` +
          `choose another --out folder (or move that file away) (ENOTDIR); nothing was written to ${join(tmp, out, "jumphost")}\n`,
      );
      expect(r.code).toBe(2);
    }
  });
  it("--out naming a file: the lock file a new allocation would make is not written either", () => {
    const inv = join(tmp, "inv");
    mkdirSync(inv, { recursive: true });
    copyFileSync(join(ROOT, "test/cases/golden/vrouter-auto/vrouter-auto.yaml"), join(inv, "vrouter-auto.yaml"));
    writeFileSync(join(tmp, "afile2"), "x\n");
    const r = gen(["--site", "vrouter-auto", "--inventory", inv, "--out", join(tmp, "afile2")]);
    expect(r.stderr).toMatch(ONE_LINE);
    expect(r.code).toBe(2);
    expect(readdirSync(inv)).toEqual(["vrouter-auto.yaml"]);
  });
  it("a read-only file system (EROFS), existing or new --out folder", () => {
    mkdirSync(join(tmp, "ro"));
    const r = inMountNs(`mount -t tmpfs -o size=1m tmpfs ro && mkdir -p ro/out/jumphost && echo keep > ro/out/jumphost/REVIEW.md && mount -o remount,ro ro
      for o in ro/out ro/new/x; do $GEN --out $o; echo "rc=$?"; done; ls -A ro/out; cat ro/out/jumphost/REVIEW.md`);
    const lines = r.stderr.split("\n");
    const ro = "is on a read-only file system; remount it read-write or choose another --out folder (EROFS)";
    expect(lines[0]).toBe(`gen: cannot write ro/out/jumphost: ro/out ${ro}; ` + "ro/out/jumphost was left as it was");
    expect(lines[1]).toBe(`gen: cannot write ro/new/x/jumphost: ro/new ${ro}; ` + "nothing was written to ro/new/x/jumphost");
    expect(lines.length).toBe(3);
    expect(r.stdout).toBe("rc=2\nrc=2\njumphost\nkeep\n");
  });
  it("a full disk (ENOSPC): the previous tree stays, no working tree is left", () => {
    mkdirSync(join(tmp, "full"));
    const r = inMountNs(`mount -t tmpfs -o size=48k tmpfs full && mkdir -p full/out/jumphost && echo keep > full/out/jumphost/REVIEW.md
      $GEN --out full/out; echo "rc=$?"; ls -A full/out; cat full/out/jumphost/REVIEW.md`);
    expect(r.stderr).toMatch(ONE_LINE);
    expect(r.stderr).toBe(
      "gen: cannot write full/out/jumphost: no space left on the device holding full/out; free some space and run gen again (ENOSPC); " +
        "full/out/jumphost was left as it was\n",
    );
    expect(r.stdout).toBe("rc=2\njumphost\nkeep\n");
  });
});
