// What the disruption rating reads from the site (src/plan/disruption.ts) and how REVIEW.md flags a
// step that can cut the session.
import { describe, expect, it } from "vitest";
import { confirmVm } from "../../../src/bundles/review-confirm.js";
import { netplan, type Action } from "../../../src/plan/actions.js";
import { disruptionContext } from "../../../src/plan/disruption.js";
import type { Step } from "../../../src/plan/types.js";
import { buildFuelEnv } from "../../helpers/compile.js";
import { fuelEnvText } from "../../helpers/variant.js";

describe("disruption", () => {
  it("only the bridge a host's management address is on counts as its management link", () => {
    const ctx = disruptionContext(buildFuelEnv(fuelEnvText()).site);
    expect([...ctx.mgmtLinks.get("ctrl1")!]).toEqual(["br-mgmt"]);
  });

  it("a step cuts the session when its apply or its inverse does", () => {
    const ctx = disruptionContext(buildFuelEnv(fuelEnvText()).site);
    const step = (apply: Action[], inverse: Action[]): Step => ({ id: "s", host: "ctrl1", phase: "runtime", title: "t", apply, inverse, verify: [] });
    const t: Action = { kind: "link-up", link: "x" };
    const vm = confirmVm([step([netplan("apply")], [t]), step([t], [netplan("apply")]), step([t], [])], ctx);
    expect(vm.rows.map((r) => r.cuts)).toEqual([true, true, false]);
  });
});
