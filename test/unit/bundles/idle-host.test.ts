// A host sitegen does nothing on (attached to a network, no step of its own) gets honest output: its own
// address, when the inventory gives one, is checked by host.sh verify; with nothing to check, host.sh verify
// and REVIEW.md say so instead of "all checks passed" over no check at all.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engineFiles } from "../../../src/bundles/engine.js";
import { compile } from "../../../src/compile.js";
import { HOST_SH, ROOT } from "../../helpers/gen.js";
import { runHostSh } from "../../helpers/host-sh.js";
import { runbookOf } from "../../helpers/runbook.js";

const JUMPHOST = readFileSync(join(ROOT, "inventories/jumphost.yaml"), "utf8");

/** jumphost with one more host, attached to the provider network (untagged) with this attachment's extra keys; "runbook": its REVIEW.md part. */
function withIdleHost(extra: string): Map<string, string> {
  const text = JUMPHOST.replace(
    "\nnetworks:\n",
    "\n  - name: idle\n    management: 10.17.11.247\n    bridges:\n      - { name: br0, owner: unmanaged }\n\nnetworks:\n",
  ).replace("      - { host: jumphost, bridge: virbr1 }\n", `      - { host: jumphost, bridge: virbr1 }\n      - { host: idle, bridge: br0${extra} }\n`);
  const r = compile(text, "j.yaml", { site: "jumphost", source: "inventories/jumphost.yaml" });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return new Map([...r.build.files.map((f) => [f.path, f.content] as const), ["runbook", runbookOf(r.build, "idle").text]]);
}

const runIdle = (hostSh: string, ...words: string[]) => runHostSh(hostSh, "idle", ...words);

describe("a host with nothing to do", () => {
  it("with its own address: host.sh verify checks it on its bridge, first; REVIEW.md says only checks run there", () => {
    const files = withIdleHost(", address: 10.12.4.20");
    const host = files.get("hosts/idle/host.sh")!;
    // the final checks, first the address; lib.sh's verify says "all checks passed" only when they all passed
    expect(host).toMatch(/\nhost_checks\(\) \{\n {2}say .*\n {2}check_addr br0 10\.12\.4\.20\/22 \|\| failed=\$\(\(failed \+ 1\)\)\n/);
    expect(engineFiles().find((f) => f.path === "lib.sh")!.content).toContain('say "verify $host: all checks passed"');
    expect(files.get("runbook")).toContain("Nothing is created or changed on this host: host.sh verify only checks the list above");
    expect(files.get("runbook")).not.toContain("the gateways it uses are held elsewhere");
    // its checks only: no change machinery beside them (the jumphost's own stays)
    for (const f of ["apply_0() {", "inverse_0() {", "titles[0]="]) {
      expect(host, f).not.toContain(f);
      expect(files.get("hosts/jumphost/host.sh"), f).toContain(f);
    }
    expect(host).toContain("# sitegen changes nothing on this host: checks only, no apply, rollback or confirm.");
    for (const cmd of ["apply", "rollback", "confirm", "check"]) {
      const r = runIdle(host, cmd);
      expect(r.code, cmd).toBe(2);
      expect(r.stdout).toBe(`host idle: sitegen changes nothing on this host: no ${cmd} here, only audit, verify and drift (checks only)\n`);
    }
    expect([...files.keys()].filter((p) => p.startsWith("hosts/idle/")).sort()).toEqual(["hosts/idle/host.sh"]);
  });
  it("a site where sitegen changes nothing (roosevelt): checks only, no rollback.yml, no change play, and REVIEW.md says so", () => {
    const r = compile(readFileSync(join(ROOT, "inventories/roosevelt.yaml"), "utf8"), "r.yaml", { site: "roosevelt", source: "inventories/roosevelt.yaml" });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const paths = r.build.files.map((f) => f.path);
    expect(paths.length).toBeLessThanOrEqual(10);
    expect(paths).not.toContain("ansible/rollback.yml");
    const hostShs = r.build.files.filter((f) => f.path.endsWith(`/${HOST_SH}`));
    expect(hostShs.length).toBeGreaterThan(0);
    for (const f of hostShs) expect(f.content, f.path).not.toMatch(/^(apply_\d+|inverse_\d+)\(\) \{|^ids\[\d+\]=/m);
    const apply = r.build.files.find((f) => f.path === "ansible/apply.yml")!.content;
    expect(apply).not.toContain("tasks_from: apply");
    expect(r.build.files.find((f) => f.path === "REVIEW.md")!.content).toContain("Nothing is created or changed on any host");
  });
  it("without one: host.sh verify and REVIEW.md say there is nothing to check, never that checks passed", () => {
    const files = withIdleHost("");
    const host = files.get("hosts/idle/host.sh")!;
    expect(host).not.toContain("check_");
    expect(host).not.toContain("host_checks");
    const r = runIdle(host, "verify");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("verify idle: nothing to check: the inventory gives sitegen nothing to do on this host\n");
    expect(files.get("runbook")).toContain("Nothing is created, changed or checked on this host");
  });
});
