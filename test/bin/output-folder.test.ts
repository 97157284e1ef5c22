// The output folder's errors (src/emit): what is and is not an output fault, in one thread and in
// gen --all's second (the bin's worker), and the fault point write-atomic.test.ts kills at.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { halves, runSites } from "../../src/cli/all.js";
import { OutputError, outputError } from "../../src/emit/leftovers.js";
import { writeSite } from "../../src/emit/write.js";
import { gen, HOST_SH, installedCopies, ROOT } from "../helpers/gen.js";
import { snapshotTree } from "../helpers/tree.js";

describe("the output folder", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.SITEGEN_FAULT;
  });

  it("an error that is not a failed system call passes through, not blamed on the --out folder", () => {
    const bug = Object.assign(new TypeError("bad argument"), { code: "ERR_INVALID_ARG_TYPE" });
    expect(outputError(bug, "/o", "/o/s")).toBe(bug);
    const full = Object.assign(new Error("no space"), { code: "ENOSPC", syscall: "write", path: "/o/s.tmp/x" });
    const e = outputError(full, "/o", "/o/s");
    expect(e).toBeInstanceOf(OutputError);
    expect((e as Error).message).toBe(
      "cannot write /o/s: no space left on the device holding /o; free some space and run gen again (ENOSPC); " + "nothing was written to /o/s",
    );
  });

  it("an output fault in the second thread (gen --all) is still an output fault, not a usage error", async () => {
    const out = mkdtempSync(join(tmpdir(), "sitegen-meaning-"));
    process.env.SITEGEN_THREADS = "2";
    try {
      const sites = ["jumphost", "roosevelt"];
      const [, theirs] = halves(sites, (s) => statSync(join(ROOT, `inventories/${s}.yaml`)).size);
      writeFileSync(join(out, theirs[0]!), "not a folder\n");
      const run = runSites("gen", { inventory: join(ROOT, "inventories"), out }, sites, pathToFileURL(join(ROOT, "dist/gen.cjs")));
      const message = `${out}/${theirs[0]} is a file, not a folder gen wrote; move it away or delete it, then run gen again`;
      await expect(run).rejects.toThrow(new OutputError(message));
      await expect(run).rejects.toBeInstanceOf(OutputError);
    } finally {
      delete process.env.SITEGEN_THREADS;
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("the tree-half-written fault kills gen after four files (write-atomic.test.ts kills it there)", () => {
    const out = mkdtempSync(join(tmpdir(), "sitegen-meaning-"));
    try {
      process.env.SITEGEN_FAULT = "tree-half-written";
      let written: string[][] = [];
      // what is on disk at the instant of the kill: the half-written working tree, nothing else
      vi.spyOn(process, "kill").mockImplementation(() => {
        written = readdirSync(out).map((d) => [d.replace(/-\d+-\d+$/, ""), ...readdirSync(join(out, d)).sort()]);
        throw new Error("killed");
      });
      const files = ["a", "b", "c", "d", "e", "f"].map((n) => ({ path: `${n}.txt`, content: `${n}\n`, mode: 0o644 as const }));
      expect(() => writeSite(out, "s", files)).toThrow("killed");
      expect(written).toEqual([[".s.tmp", "a.txt", "b.txt", "c.txt", "d.txt"]]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("a tree of the six-script layout (audit.sh, apply.sh, ... per host) becomes one host.sh per host, with no orphan left", () => {
    const out = mkdtempSync(join(tmpdir(), "sitegen-layout-"));
    try {
      expect(gen(["--site", "fuel-env", "--out", out, "-q"]).code).toBe(0);
      const hosts = join(out, "fuel-env/hosts");
      const old = ["audit.sh", "apply.sh", "rollback.sh", "confirm.sh", "verify.sh", "drift.sh"];
      for (const h of readdirSync(hosts)) {
        rmSync(join(hosts, h, HOST_SH));
        for (const f of old) writeFileSync(join(hosts, h, f), "#!/usr/bin/env bash\n# the old layout\n", { mode: 0o755 });
      }
      const check = gen(["--site", "fuel-env", "--out", out, "--check"]);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain("unexpected: hosts/ctrl1/apply.sh");
      expect(check.stderr).toContain("missing:    hosts/ctrl1/host.sh");
      expect(gen(["--site", "fuel-env", "--out", out, "-q"]).code).toBe(0);
      for (const h of readdirSync(hosts)) {
        expect(
          old.filter((f) => existsSync(join(hosts, h, f))),
          h,
        ).toEqual([]);
        expect(existsSync(join(hosts, h, HOST_SH)), h).toBe(true);
      }
      expect(snapshotTree(join(out, "fuel-env"))).toEqual(snapshotTree(join(ROOT, "out/fuel-env")));
      expect(gen(["--site", "fuel-env", "--out", out, "--check"]).code).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("a tree of the nested files/ layout (files/<path on the host>) becomes flat files/<name>, with no orphan folder left", () => {
    const out = mkdtempSync(join(tmpdir(), "sitegen-layout-"));
    try {
      expect(gen(["--site", "fuel-env", "--out", out, "-q"]).code).toBe(0);
      const hosts = join(out, "fuel-env/hosts");
      for (const h of readdirSync(hosts)) {
        for (const [dest, copy] of installedCopies(join(hosts, h))) {
          const nested = join(hosts, h, "files", dest);
          mkdirSync(dirname(nested), { recursive: true });
          renameSync(copy, nested);
        }
      }
      const check = gen(["--site", "fuel-env", "--out", out, "--check"]);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain("unexpected: hosts/ctrl1/files/etc/sitegen/vrouter/keepalived.conf");
      expect(check.stderr).toContain("missing:    hosts/ctrl1/files/keepalived.conf");
      expect(gen(["--site", "fuel-env", "--out", out, "-q"]).code).toBe(0);
      for (const h of readdirSync(hosts)) {
        const files = join(hosts, h, "files");
        if (existsSync(files))
          expect(
            readdirSync(files).filter((f) => statSync(join(files, f)).isDirectory()),
            h,
          ).toEqual([]);
      }
      expect(snapshotTree(join(out, "fuel-env"))).toEqual(snapshotTree(join(ROOT, "out/fuel-env")));
      expect(gen(["--site", "fuel-env", "--out", out, "--check"]).code).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
