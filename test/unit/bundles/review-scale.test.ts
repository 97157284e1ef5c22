// REVIEW.md that scales and says only what is true of the site: hosts alike share one section with a
// table of what differs (no host has a runbook file of its own), the cross-host order opens a site of
// several hosts, features the site does not use are not described, and no STOP gate is out of reach.
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticSite } from "../../../bench/synthetic.mjs";
import { filled, masked, slotsOf } from "../../../src/bundles/review-shape.js";
import { byHost } from "../../../src/plan/by-host.js";
import { disruptionContext } from "../../../src/plan/disruption.js";
import { hostBody } from "../../../src/bundles/review-host.js";
import { compile, type Build } from "../../../src/compile.js";
import { ROOT } from "../../helpers/gen.js";
import { runbookOf } from "../../helpers/runbook.js";
import { fuelEnvText } from "../../helpers/variant.js";

function build(text: string, site: string): Build {
  const r = compile(text, `${site}.yaml`, { site, source: `inventories/${site}.yaml` });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.build;
}
const inventory = (s: string) => readFileSync(join(ROOT, "inventories", `${s}.yaml`), "utf8");
const golden = (c: string) => readFileSync(join(ROOT, "test/cases/golden", c, `${c}.yaml`), "utf8");
const file = (b: Build, path: string) => b.files.find((f) => f.path === path)?.content;

/** Every file of the output reachable from REVIEW.md by following its markdown links; a link to a folder must name one the output has. */
function reachable(b: Build): Set<string> {
  const files = new Map(b.files.map((f) => [f.path, f.content]));
  const seen = new Set(["REVIEW.md"]);
  const queue = ["REVIEW.md"];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    for (const m of files.get(path)!.matchAll(/\]\(([^)#]+\.md|[^)#]+\/)\)/g)) {
      const to = posix.normalize(posix.join(posix.dirname(path), m[1]!));
      if (m[1]!.endsWith("/")) {
        if (!b.files.some((f) => f.path.startsWith(to))) expect.fail(`${path} links to folder ${to}, which the output does not have`);
        continue;
      }
      if (!files.has(to)) expect.fail(`${path} links to ${to}, which the output does not have`);
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

/**
 * Each host's STOP gates (id and title) and the rollback of each phase with steps, in its runbook: its section of REVIEW.md,
 * or its group's with its own values, listed in REVIEW.md or one click away (a group too long to list there).
 */
function expectGatesReachable(b: Build) {
  reachable(b);
  const of = <T extends { host: string }>(xs: readonly T[]) => {
    const m = new Map<string, T[]>();
    for (const x of xs) m.set(x.host, [...(m.get(x.host) ?? []), x]);
    return m;
  };
  const gates = of(b.plan.gates);
  const steps = of(b.plan.steps);
  for (const h of b.site.hosts) {
    const { text, clicks } = runbookOf(b, h.name);
    expect(clicks, `${h.name}'s values are more than one click from REVIEW.md`).toBeLessThanOrEqual(1);
    for (const g of gates.get(h.name) ?? []) expect(text).toContain(`| ${g.id} | ${g.title} |`);
    for (const p of new Set((steps.get(h.name) ?? []).map((s) => s.phase))) expect(text).toContain(`\`bash host.sh rollback ${p}\``);
  }
}

const HA_WORDS = /keepalived|pacemaker|vrrp|virtual router|vrouter|takeover|conntrack|failover/i;

describe("REVIEW.md at scale", () => {
  it("the 2,000-host synthetic site's REVIEW.md is at most 100 KB, its two shapes described once, every gate reachable", () => {
    const b = build(syntheticSite("synth2000", 2000), "synth2000");
    const md = file(b, "REVIEW.md")!;
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(100_000);
    expect([...md.matchAll(/^## Hosts? .*$/gm)].map((m) => m[0])).toEqual(["## Hosts like h0 (1000 hosts)", "## Hosts like h1 (1000 hosts)"]);
    // the tables too long to read there are one click away
    for (const f of ["review/networks.md", "review/hosts-like-h0.md", "review/hosts-like-h1.md"]) expect(md).toContain(`](${f})`);
    expect(file(b, "review/hosts-like-h1.md")).toContain("| [h1999](../hosts/h1999/) | 10.200.7.207 | n3998, n3999 |");
    expect(b.files.filter((f) => f.path.endsWith("REVIEW.md")).map((f) => f.path)).toEqual(["REVIEW.md"]);
    expectGatesReachable(b);
  }, 120_000);

  it("two hosts of the same shape share one section with a row each; a host of another shape has its own", () => {
    const b = build(syntheticSite("s3", 3), "s3");
    const md = file(b, "REVIEW.md")!;
    expect(md).toContain("## Hosts like h0 (2 hosts)\n");
    expect(md).toContain("| [h0](hosts/h0/) | 10.200.0.0 | n0, n1 | 10.0.0.1/24, 10.0.1.1/24 |");
    expect(md).toContain("| [h2](hosts/h2/) | 10.200.0.2 | n4, n5 | 10.0.4.1/24, 10.0.5.1/24 |");
    expect(md).toContain("## Host h1 (management 10.200.0.1)\n\nIts files: [hosts/h1/](hosts/h1/).");
    // the shared section is h0's runbook; h2's is exactly it with h2's names and addresses
    expect(md.match(/^### Phase 1: audit/gm)).toHaveLength(2);
    const [h0, , h2] = b.site.hosts;
    const own = (h: string) => hostBody(byHost(b.plan)(h), disruptionContext(b.site));
    expect(filled(masked(own("h0"), slotsOf(b.site, h0!)), slotsOf(b.site, h2!))).toBe(own("h2"));
    expect(masked(own("h1"), slotsOf(b.site, b.site.hosts[1]!))).not.toBe(masked(own("h0"), slotsOf(b.site, h0!)));
    expectGatesReachable(b);
  });

  it("every site keeps every STOP gate and rollback of every host within one click of REVIEW.md", () => {
    for (const s of ["jumphost", "roosevelt", "fuel-env"]) expectGatesReachable(build(inventory(s), s));
    for (const c of ["vrouter-pacemaker", "dual-stack-vlan"]) expectGatesReachable(build(golden(c), c));
  });
});

describe("REVIEW.md says only what is true of the site, each note once", () => {
  it("a site of several hosts opens with the cross-host order; one host has none", () => {
    const fuel = file(build(fuelEnvText(), "fuel-env"), "REVIEW.md")!;
    expect(fuel.match(/^## .*/m)![0]).toBe("## Order across hosts");
    expect(fuel).toMatch(/^1\. vrouter's members: ctrl1 first .*then ctrl2, ctrl3\.\n(?: {3}.*\n)*2\. cmp1, cmp2, after vrouter's members/m);
    const pcs = file(build(golden("vrouter-pacemaker"), "vrouter-pacemaker"), "REVIEW.md")!;
    expect(pcs.match(/^## .*/m)![0]).toBe("## Order across hosts");
    expect(pcs).toMatch(/^1\. \S+'s members: .* first, then \S+ \(the primary\) last: its services phase runs `pacemaker\.sh create`/m);
    expect(file(build(syntheticSite("s3", 3), "s3"), "REVIEW.md")!.match(/^## .*/m)![0]).toBe("## Order across hosts");
    expect(file(build(inventory("jumphost"), "jumphost"), "REVIEW.md")).not.toContain("## Order across hosts");
  });

  it("no failover, virtual-router or node-takeover prose on a site without them; present on fuel-env", () => {
    const jump = build(inventory("jumphost"), "jumphost");
    for (const f of jump.files.filter((x) => x.path.endsWith(".md"))) expect(f.content, f.path).not.toMatch(HA_WORDS);
    const fuel = build(fuelEnvText(), "fuel-env");
    const md = file(fuel, "REVIEW.md")!;
    for (const w of ["keepalived", "VRRP", "## Virtual routers", "takeover", "conntrackd", "## Failover: vrouter"]) expect(md).toContain(w);
    // a site with no host that changes anything says nothing about applying or the confirm window
    const rsv = file(build(inventory("roosevelt"), "roosevelt"), "REVIEW.md")!;
    expect(rsv).not.toMatch(/apply\.sh|confirm/);
  });

  it("the VRRP password's install is described only where the site has one", () => {
    const withPass = file(build(fuelEnvText(), "fuel-env"), "REVIEW.md")!;
    const without = file(build(fuelEnvText().replace(/^ {6}auth_vault_var: .*\n/m, ""), "fuel-env"), "REVIEW.md")!;
    expect(withPass).toContain("the password written by install_secret");
    expect(withPass).toContain("the Ansible tasks that write the password run for real");
    expect(without).not.toMatch(/install_secret|tasks that write the password/);
    expect(without).toContain("none (VRRP adverts are not authenticated)");
  });

  it("each note and test once per host; a note about a bridge names all its VLANs at once", () => {
    for (const [s, text] of [
      ["s4", syntheticSite("s4", 4)],
      ["fuel-env", fuelEnvText()],
      ["jumphost", inventory("jumphost")],
    ] as const) {
      const b = build(text, s);
      // per section: two hosts' sections may rightly say the same of each
      for (const f of b.files.filter((x) => /(^|\/)REVIEW\.md$/.test(x.path))) {
        for (const section of f.content.split(/^## /m)) {
          const items = [...section.matchAll(/^- .*$/gm)].map((m) => m[0]);
          expect(
            items.filter((x, i) => items.indexOf(x) !== i),
            `${s} ${f.path}`,
          ).toEqual([]);
        }
      }
    }
    const s4 = build(syntheticSite("s4", 4), "s4");
    const h1 = runbookOf(s4, "h1").text;
    expect(h1).toContain("- libvirt network prov must be autostart (gate G4), so br0 exists at boot before n2-gw.service and n3-gw.service run.");
    expect(h1).toContain("- Unlike the seed's unit, n2-gw.service and n3-gw.service have no Wants=network-online.target: each needs");
    expect(h1.match(/If prov uses forward mode nat, traffic routed through br0\.100 and br0\.101 may/g)).toHaveLength(1);
    expect(runbookOf(s4, "h0").text).toContain("- netplan only brings br0.100 and br0.101 up if br0 is up");
  });
});
