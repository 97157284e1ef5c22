import { describe, expect, it } from "vitest";
import { foldChecks, foldStepChecks } from "../../../src/render/check-runs.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "../../../src/compile.js";
import { ROOT } from "../../helpers/gen.js";
import { runHostSh } from "../../helpers/host-sh.js";

function jumphostFiles(): Map<string, string> {
  const file = "inventories/jumphost.yaml";
  const r = compile(readFileSync(join(ROOT, file), "utf8"), file, { site: "jumphost", source: file });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return new Map(r.build.files.map((f) => [f.path, f.content]));
}

describe("each check list written once (check-runs)", () => {
  const create = ["check_vlan v.104 v 104", "check_addr v.104 10.0.0.1/24", "check_route 10.0.0.0/24 v.104"];

  it("a later step that checks what an earlier one checked names that step's list", () => {
    const folded = foldStepChecks([create, ["check_unit gw.service", ...create], ["check_file /etc/x"]]);
    expect(folded[0]).toEqual(create.map((line, at) => ({ at, line })));
    expect(folded[1]).toEqual([
      { at: 0, line: "check_unit gw.service" },
      { step: 0, length: 3 },
    ]);
    expect(folded[2]).toEqual([{ at: 0, line: "check_file /etc/x" }]);
  });

  it("folds only a whole list, in order, of foldable lines, and prefers the longest", () => {
    // a part of a list, or its lines in another order, stays as it is
    expect(foldChecks(create.slice(0, 2), [create])).toHaveLength(2);
    expect(foldChecks([...create].reverse(), [create])).toHaveLength(3);
    // a line that holds only after a phase (the final checks' in_phase) keeps its own line
    expect(foldChecks(create, [create], (i) => i !== 1)).toHaveLength(3);
    // one-line lists are not worth a reference
    expect(foldChecks(["check_file /etc/x"], [["check_file /etc/x"]])).toEqual([{ at: 0, line: "check_file /etc/x" }]);
    expect(foldChecks(["a", ...create], [create.slice(0, 2), create])).toEqual([
      { at: 0, line: "a" },
      { step: 1, length: 3 },
    ]);
  });

  it("host.sh and REVIEW.md say the gateway's address check once per list: the unit step and the final verify call step 1's", () => {
    const files = jumphostFiles();
    const host = files.get("hosts/jumphost/host.sh")!;
    expect(host.match(/check_addr virbr1\.104 10\.12\.8\.1\/22/g)).toHaveLength(1);
    expect(host).toMatch(
      /\nverify_2\(\) \{\n {2}local rc=0\n {2}check_unit provider-vip-gw\.service \|\| rc=\$\(\(rc \+ 1\)\)\n {2}verify_0 \|\| rc=\$\(\(rc \+ \$\?\)\)\n/,
    );
    expect(host).toMatch(/\n {2}say '== gateway virbr1\.104'\n {2}verify_0 \|\| failed=\$\(\(failed \+ \$\?\)\)\n/);
    const review = files.get("REVIEW.md")!;
    expect(review).toContain("Verified by: `check_unit provider-vip-gw.service`, step 1's checks.");
    expect(review).toContain("- gateway virbr1.104: step 1's checks\n");
    expect(review).toContain("Step 1: create virbr1.104 (VLAN 104 on virbr1) with provider-vip's gateway address and bring it up.");
  });

  it("host.sh check STEP runs one step's checks (Ansible's probe and verification); a step it lacks is a usage error", () => {
    const host = jumphostFiles().get("hosts/jumphost/host.sh")!;
    expect(runHostSh(host, "jumphost", "help").stdout).toContain("  check STEP                                 one step's checks (its number, 1-3)");
    for (const bad of ["0", "4", "x", ""]) {
      const r = runHostSh(host, "jumphost", "check", bad);
      expect(r.code, bad).toBe(2);
      expect(r.stdout, bad).toMatch(/^usage: .*host\.sh check STEP \(a step's number, 1-3\)\n$/);
    }
  });
});
