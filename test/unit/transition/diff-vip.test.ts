// Transitions by typed content (src/transition/diff.ts): a changed step that lets a VIP go, a step
// whose installed file changed.
import { describe, expect, it } from "vitest";
import { check } from "../../../src/plan/checks.js";
import { type DisruptionContext } from "../../../src/plan/disruption.js";
import type { Step } from "../../../src/plan/types.js";
import { diffHost } from "../../../src/transition/diff.js";

/** A site with no VIPs, management links, gateways or routers. */
const emptyCtx = (): DisruptionContext => ({ vips: new Set(), mgmtLinks: new Map(), gateways: new Map(), routers: new Map() });

describe("transitions", () => {
  it("a changed step drops its VIP when the new one no longer holds it, not when it still does", () => {
    const ctx = { ...emptyCtx(), vips: new Set(["10.0.0.9"]) };
    const addr = (a: string): Step => ({
      id: "leg",
      host: "h",
      phase: "runtime",
      title: "t",
      verify: [],
      inverse: [],
      apply: [
        { kind: "addr-replace", ns: "vr", link: "vr-mgmt", cidr: a, family: 4 },
        { kind: "link-up", ns: "vr", link: "vr-mgmt" },
      ],
    });
    const side = (steps: Step[]) => ({ steps, ctx, file: () => undefined });
    const drops = (to: Step[]) => diffHost(side([addr("10.0.0.9/24")]), side(to)).map((c) => [c.kind, c.dropsVip]);
    expect(drops([addr("10.0.0.5/24")])).toEqual([["changed", true]]);
    expect(drops([{ ...addr("10.0.0.9/24"), title: "u", verify: [check("netns", { ns: "vr" })] }])).toEqual([["changed", false]]);
    expect(drops([])).toEqual([["removed", true]]);
  });
  it("a step whose installed file's content changed is a changed step", () => {
    const ctx = emptyCtx();
    const step: Step = {
      id: "conf",
      host: "h",
      phase: "services",
      title: "t",
      verify: [],
      inverse: [],
      apply: [{ kind: "install", dest: "/etc/x", mode: 0o644, src: "x" }],
    };
    const side = (text: string) => ({ steps: [step], ctx, file: () => text });
    expect(diffHost(side("a\n"), side("b\n")).map((c) => c.kind)).toEqual(["changed"]);
    expect(diffHost(side("a\n"), side("a\n"))).toEqual([]);
  });
});
