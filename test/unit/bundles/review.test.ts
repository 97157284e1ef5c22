// REVIEW.md follows the plan: each host's phases are numbered in order from the audit (1) to the final
// verify, one section per phase that has steps.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { review } from "../../../src/bundles/review.js";
import { compile } from "../../../src/compile.js";
import { ROOT } from "../../helpers/gen.js";

/** Each site's REVIEW.md, the one runbook of its site (a host has no file of its own). */
function reviews(): string[] {
  const dirs = [
    ...readdirSync(join(ROOT, "out"))
      .filter((s) => s !== "engine")
      .map((s) => join(ROOT, "out", s)),
    ...readdirSync(join(ROOT, "test/cases/golden")).map((c) => join(ROOT, "test/cases/golden", c, "expected")),
  ];
  return dirs.map((d) => join(d, "REVIEW.md"));
}

describe("REVIEW.md", () => {
  it("numbers each host's phases 1..n, audit first and verify last, with no gap or repeat", () => {
    let hosts = 0;
    for (const f of reviews()) {
      for (const section of readFileSync(f, "utf8")
        .split(/^## Hosts? /m)
        .slice(1)) {
        hosts++;
        const phases = [...section.matchAll(/^### Phase (\d+): (\w+)/gm)].map((m) => [Number(m[1]), m[2]] as const);
        expect(
          phases.map(([n]) => n),
          `${f}: ${section.split("\n")[0]}`,
        ).toEqual(phases.map((_, i) => i + 1));
        expect(phases[0]![1]).toBe("audit");
        expect(phases.at(-1)![1]).toBe("verify");
      }
    }
    expect(hosts).toBeGreaterThan(10);
  });

  it("shows the notes and tests the targets contribute, under the host they name", () => {
    const path = join(ROOT, "inventories/jumphost.yaml");
    const r = compile(readFileSync(path, "utf8"), path, { site: "jumphost", source: "inventories/jumphost.yaml" });
    if (!r.ok) throw new Error("jumphost does not compile");
    const { site, plan } = r.build;
    const libvirt = "libvirt network 1_provider must be autostart (gate G4), so virbr1 exists at boot before provider-vip-gw.service runs.";
    expect(plan.notes.map((n) => n.text)).toContain(libvirt);
    expect(plan.tests.map((n) => n.text)).toContain("`ping -c2 10.12.8.1`: the gateway itself answers");
    const notes = [...plan.notes, { host: "jumphost", text: "a note of a new target" }];
    const more = { ...plan, notes, tests: [...plan.tests, { host: "elsewhere", text: "not here" }] };
    const md = review(site, more)[0]!.content;
    expect(md.slice(md.indexOf("### Notes"))).toContain("- a note of a new target\n");
    expect(md).not.toContain("not here");
  });

  it("shows the site sections the targets contribute (a router's failover) after the tables, before the hosts", () => {
    const path = join(ROOT, "inventories/fuel-env.yaml");
    const r = compile(readFileSync(path, "utf8"), path, { site: "fuel-env", source: "inventories/fuel-env.yaml" });
    if (!r.ok) throw new Error("fuel-env does not compile");
    const { site, plan } = r.build;
    expect(plan.sections.map((x) => x.split("\n")[0])).toEqual(["## Failover: vrouter (keepalived)"]);
    const md = review(site, { ...plan, sections: [...plan.sections, "## A new target's section\n\nIts text."] })[0]!.content;
    const at = (h: string) => md.indexOf(h);
    expect(at("## Virtual routers")).toBeLessThan(at("## Failover: vrouter"));
    expect(at("## Failover: vrouter")).toBeLessThan(at("## A new target's section"));
    expect(at("## A new target's section\n\nIts text.\n\n## How the scripts run")).toBeGreaterThan(0);
    expect(at("## How the scripts run")).toBeLessThan(at("## Host "));
  });
});
