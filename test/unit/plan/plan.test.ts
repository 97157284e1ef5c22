// The plan's own refusals: what a bundle could not run is refused before anything is rendered.
import { describe, expect, it } from "vitest";
import { program } from "../../../src/plan/actions.js";
import { check } from "../../../src/plan/checks.js";
import { buildPlan, PlanError } from "../../../src/plan/build.js";
import { installed } from "../../../src/plan/files.js";
import type { Step } from "../../../src/plan/types.js";
import type { Site } from "../../../src/resolve/site.js";
import type { Target } from "../../../src/targets/target.js";

const site = { name: "s", source: "inventories/s.yaml", hosts: [], networks: [], vrouters: [] } as unknown as Site;
const target = (step: Step, artifacts = true): Target => {
  const f = installed("h", "/etc/x.conf", "x\n", 0o600);
  return {
    name: "t",
    summary: "",
    checkedBy: [],
    plan: () => ({ steps: [{ ...step, apply: [f.install, ...step.apply], inverse: [f.remove] }], artifacts: artifacts ? [f.artifact] : [] }),
  };
};
const step: Step = {
  id: "s1",
  host: "h",
  phase: "runtime",
  title: "x",
  apply: [{ kind: "netns-add", ns: "x" }],
  verify: [check("netns", { ns: "x" })],
  inverse: [],
};

describe("plan", () => {
  it("an installed file is kept 0644 in out/ and installed with its own mode", () => {
    const f = installed("h", "/etc/netplan/x.yaml", "y\n", 0o600);
    expect(f.artifact).toEqual({ path: "hosts/h/files/etc/netplan/x.yaml", content: "y\n", mode: 0o644 });
    expect(f.install).toEqual({ kind: "install", dest: "/etc/netplan/x.yaml", mode: 0o600 });
    expect(installed("h", "/usr/x.sh", "", 0o755).artifact.mode).toBe(0o755);
  });

  it("refuses an install whose file no target wrote", () => {
    expect(() => buildPlan(site, [target(step, false)])).toThrow(new PlanError("step s1 installs /etc/x.conf, but no target wrote it"));
    expect(buildPlan(site, [target(step)]).steps).toHaveLength(1);
  });

  it("refuses a change without an inverse, and a step without verification", () => {
    const bare: Target = { name: "t", summary: "", checkedBy: [], plan: () => ({ steps: [step] }) };
    expect(() => buildPlan(site, [bare])).toThrow(/s1 \(x\) has no inverse/);
    const blind: Target = {
      name: "t",
      summary: "",
      checkedBy: [],
      plan: () => ({ steps: [{ ...step, verify: [], inverse: [program(["false"], { cls: "none", why: "test" }, { onlyIf: { kind: "file", path: "/x" } })] }] }),
    };
    expect(() => buildPlan(site, [blind])).toThrow(/has no verification/);
  });
});
