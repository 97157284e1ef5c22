// A host sitegen does nothing on (attached to a network, no step of its own) gets honest output: its own
// address, when the inventory gives one, is checked by verify.sh; with nothing to check, verify.sh and
// REVIEW.md say so instead of "all checks passed" over no check at all.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../../src/compile.js";
import { ROOT } from "../../helpers/gen.js";
import { runbookOf } from "../../helpers/runbook.js";

const JUMPHOST = readFileSync(join(ROOT, "inventories/jumphost.yaml"), "utf8");

/** jumphost with one more host, attached to the provider network (untagged) with this attachment's extra keys; "runbook": its REVIEW.md part. */
function withIdleHost(extra: string): Map<string, string> {
  const text = JUMPHOST.replace("\nnetworks:\n", "\n  - name: idle\n    management: 10.17.11.247\n    bridges:\n      - { name: br0, owner: unmanaged }\n\nnetworks:\n")
    .replace("      - { host: jumphost, bridge: virbr1 }\n", `      - { host: jumphost, bridge: virbr1 }\n      - { host: idle, bridge: br0${extra} }\n`);
  const r = compile(text, "j.yaml", { site: "jumphost", source: "inventories/jumphost.yaml" });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return new Map([...r.build.files.map((f) => [f.path, f.content] as const), ["runbook", runbookOf(r.build, "idle").text]]);
}

describe("a host with nothing to do", () => {
  it("with its own address: verify.sh checks it on its bridge, first; REVIEW.md says only checks run there", () => {
    const files = withIdleHost(", address: 10.12.4.20");
    const verify = files.get("hosts/idle/verify.sh")!;
    expect(verify).toContain("check_addr br0 10.12.4.20/22 || failed=$((failed + 1))");
    expect(verify).toContain('say "verify idle: all checks passed"');
    expect(files.get("runbook")).toContain("Nothing is created or changed on this host: verify.sh only checks the list above");
    expect(files.get("runbook")).not.toContain("the gateways it uses are held elsewhere");
    // its checks only: no change machinery beside them (the jumphost's own stays)
    for (const f of ["apply.sh", "rollback.sh", "confirm.sh"]) {
      expect(files.has(`hosts/idle/${f}`), f).toBe(false);
      expect(files.has(`hosts/jumphost/${f}`), f).toBe(true);
    }
    expect([...files.keys()].filter((p) => p.startsWith("hosts/idle/")).sort()).toEqual(["hosts/idle/audit.sh", "hosts/idle/drift.sh", "hosts/idle/verify.sh"]);
  });
  it("a site where sitegen changes nothing (roosevelt): checks only, no rollback.yml, no change play, and REVIEW.md says so", () => {
    const r = compile(readFileSync(join(ROOT, "inventories/roosevelt.yaml"), "utf8"), "r.yaml", { site: "roosevelt", source: "inventories/roosevelt.yaml" });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const paths = r.build.files.map((f) => f.path);
    expect(paths.length).toBeLessThanOrEqual(10);
    expect(paths).not.toContain("ansible/rollback.yml");
    expect(paths.filter((p) => /\/(apply|rollback|confirm)\.sh$/.test(p))).toEqual([]);
    const apply = r.build.files.find((f) => f.path === "ansible/apply.yml")!.content;
    expect(apply).not.toContain("tasks_from: apply");
    expect(r.build.files.find((f) => f.path === "REVIEW.md")!.content).toContain("Nothing is created or changed on any host");
  });
  it("without one: verify.sh and REVIEW.md say there is nothing to check, never that checks passed", () => {
    const files = withIdleHost("");
    const verify = files.get("hosts/idle/verify.sh")!;
    expect(verify).not.toContain("check_");
    expect(verify).not.toContain("all checks passed");
    expect(verify).toContain('say "verify idle: nothing to check: the inventory gives sitegen nothing to do on this host"');
    expect(files.get("runbook")).toContain("Nothing is created, changed or checked on this host");
  });
});
