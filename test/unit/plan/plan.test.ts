// The plan's own refusals: what a bundle could not run is refused before anything is rendered.
import { describe, expect, it } from "vitest";
import { program } from "../../../src/plan/actions.js";
import { check } from "../../../src/plan/checks.js";
import { buildPlan, PlanError } from "../../../src/plan/build.js";
import { fileNames, installed } from "../../../src/plan/files.js";
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
    expect(f.artifact).toEqual({ path: "hosts/h/files/x.yaml", content: "y\n", mode: 0o644, installs: { host: "h", dest: "/etc/netplan/x.yaml" } });
    expect(f.install).toEqual({ kind: "install", dest: "/etc/netplan/x.yaml", mode: 0o600, src: "x.yaml" });
    expect(installed("h", "/usr/x.sh", "", 0o755).artifact.mode).toBe(0o755);
  });

  it("names a host's copies flat: the basename, or the whole path written out when basenames meet (or it holds %)", () => {
    const names = fileNames(["/etc/a/x.conf", "/etc/b/x.conf", "/etc/y.service", "/etc/c/50%.conf", "/etc/x.conf%2Fa"]);
    expect(Object.fromEntries(names)).toEqual({
      "/etc/a/x.conf": "etc%2Fa%2Fx.conf",
      "/etc/b/x.conf": "etc%2Fb%2Fx.conf",
      "/etc/y.service": "y.service",
      "/etc/c/50%.conf": "etc%2Fc%2F50%25.conf",
      "/etc/x.conf%2Fa": "etc%2Fx.conf%252Fa",
    });
    expect(new Set(names.values()).size).toBe(names.size);
  });

  it("renames the copies and installs of a host whose basenames meet, and only that host's", () => {
    const two = (host: string, dests: string[]): Target => ({
      name: host,
      summary: "",
      checkedBy: [],
      plan: () => {
        const fs = dests.map((d) => installed(host, d, `${d}\n`));
        return { steps: [{ ...step, host, apply: fs.map((f) => f.install), inverse: fs.map((f) => f.remove) }], artifacts: fs.map((f) => f.artifact) };
      },
    });
    const plan = buildPlan(site, [two("h", ["/etc/a/x.conf", "/etc/b/x.conf"]), two("g", ["/etc/a/x.conf", "/etc/y.conf"])]);
    expect(plan.artifacts.map((a) => [a.path, a.content])).toEqual([
      ["hosts/h/files/etc%2Fa%2Fx.conf", "/etc/a/x.conf\n"],
      ["hosts/h/files/etc%2Fb%2Fx.conf", "/etc/b/x.conf\n"],
      ["hosts/g/files/x.conf", "/etc/a/x.conf\n"],
      ["hosts/g/files/y.conf", "/etc/y.conf\n"],
    ]);
    expect(plan.steps.flatMap((s) => s.apply.map((a) => (a.kind === "install" ? `${s.host} ${a.src}` : "")))).toEqual([
      "h etc%2Fa%2Fx.conf",
      "h etc%2Fb%2Fx.conf",
      "g x.conf",
      "g y.conf",
    ]);
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
