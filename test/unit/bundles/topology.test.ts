// The topology picture in REVIEW.md: accepted by Mermaid's own parser for every site, the whole
// topology drawn (hosts, bridges and owners, sub-interfaces and gateways, namespaces with legs and
// VIPs, routers, nodes), and summarized for large sites.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticSite } from "../../../bench/synthetic.mjs";
import { DETAIL_MAX_HOSTS, topology } from "../../../src/bundles/topology.js";
import { compile } from "../../../src/compile.js";
import { mermaid, mermaidBlocks } from "../../helpers/mermaid.js";
import { ROOT } from "../../helpers/gen.js";

function build(text: string, site: string) {
  const r = compile(text, `${site}.yaml`, { site, source: `inventories/${site}.yaml` });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.build;
}
const review = (text: string, site: string) => build(text, site).files.find((f) => f.path === "REVIEW.md")!.content;
const diagram = (text: string, site: string) => {
  const b = mermaidBlocks(review(text, site));
  expect(b).toHaveLength(1);
  return b[0]!;
};

const inventories = readdirSync(join(ROOT, "inventories"))
  .filter((f) => f.endsWith(".yaml") && !f.endsWith(".lock.yaml"))
  .map((f) => join(ROOT, "inventories", f));
const goldens = readdirSync(join(ROOT, "test/cases/golden")).map((c) => join(ROOT, "test/cases/golden", c, `${c}.yaml`));
const warned = readdirSync(join(ROOT, "test/cases/warning"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => join(ROOT, "test/cases/warning", f));
const site = (p: string) =>
  p
    .split("/")
    .pop()!
    .replace(/\.yaml$/, "");

describe("topology picture", () => {
  it("Mermaid's parser refuses a broken diagram (the check below can fail)", async () => {
    const m = await mermaid();
    await expect(m.parse('flowchart LR\n  a["x"] --- \n  subgraph')).rejects.toThrow();
  });
  it.each([...inventories, ...goldens, ...warned].map((p) => [site(p), p]))("%s: Mermaid parses it as a flowchart", async (name, p) => {
    const m = await mermaid();
    expect((await m.parse(diagram(readFileSync(p, "utf8"), name))).diagramType).toBe("flowchart-v2");
  });
  it("a label with quotes, angle brackets and backticks stays one label", async () => {
    const text = readFileSync(join(ROOT, "inventories/roosevelt.yaml"), "utf8").replace(/router: rsv-core SVI Vlan100/, "router: '\"core\" <sw1> `a`'");
    const d = diagram(text, "roosevelt");
    expect(d).toContain("((\"router: #quot;core#quot; #lt;sw1#gt; 'a'\"))");
    expect((await (await mermaid()).parse(d)).diagramType).toBe("flowchart-v2");
  });
  it("fuel-env: every host, bridge owner, namespace leg with its VIP, the upstream router and the nodes' routes", () => {
    const d = diagram(readFileSync(join(ROOT, "inventories/fuel-env.yaml"), "utf8"), "fuel-env");
    for (const h of ["ctrl1 192.168.0.11, member of vrouter", "cmp1 192.168.0.21, node of vrouter"]) expect(d).toContain(`["${h}"]`);
    expect(d).toContain('"br-mgmt<br>owner: netplan"');
    expect(d.match(/\["netns vrouter: router vrouter, keepalived"\]/g)).toHaveLength(3);
    expect(d).toContain('("vr-mgmt<br>192.168.0.3/24<br>VIP 192.168.0.2 when active")');
    expect(d).toContain('("vr-ex<br>VIP 172.16.0.2 when active<br>default via 172.16.0.1")');
    expect(d).toContain('("router: the environment\'s upstream router")');
    expect(d).toMatch(/\n {2}(\w+) ---\|"gateway 172\.16\.0\.1"\| \w+\n/);
    expect(d.match(/-\.->\|"default route, DNS, NTP via 192\.168\.0\.2"\|/g)).toHaveLength(2);
  });
  it("jumphost: the VLAN sub-interface with its gateway between the bridge and its network", () => {
    const d = diagram(readFileSync(join(ROOT, "inventories/jumphost.yaml"), "utf8"), "jumphost");
    const sub = /\n {4}(\w+)\("virbr1\.104<br>gateway 10\.12\.8\.1\/22<br>systemd"\)/.exec(d)![1];
    const br = /\n {4}(\w+)\["virbr1<br>owner: libvirt 1_provider"\]/.exec(d)![1];
    const net = /\n {2}(\w+)\(\["provider-vip<br>10\.12\.8\.0\/22, VLAN 104"\]\)/.exec(d)![1];
    expect(d).toContain(`\n  ${br} ---|"VLAN 104"| ${sub}\n  ${sub} --- ${net}\n`);
  });
  it(`above ${DETAIL_MAX_HOSTS} hosts, hosts alike are one group and their own networks one node per kind`, async () => {
    const text = syntheticSite("synth", 30);
    const t = topology(build(text, "synth").site);
    expect(t).toMatchObject({ summarized: true, hosts: 30, groups: 2 });
    expect(t.top.map((g) => g.label)).toEqual(["15 hosts: h0 … h8", "15 hosts: h1 … h9"]);
    expect(t.outside).toHaveLength(4);
    expect(t.outside[0]!.label).toBe("15 networks: n0 … n8<br>VLAN 100");
    const d = diagram(text, "synth");
    expect(d.length).toBeLessThan(2000);
    expect((await (await mermaid()).parse(d)).diagramType).toBe("flowchart-v2");
    const small = topology(build(syntheticSite("small", DETAIL_MAX_HOSTS), "small").site);
    expect(small).toMatchObject({ summarized: false, groups: DETAIL_MAX_HOSTS });
  });
  it("the legend names only what the picture has", () => {
    const legend = (f: string, name: string) => /## Topology\n\n([\s\S]*?)\n\n```mermaid/.exec(review(readFileSync(join(ROOT, f), "utf8"), name))![1]!;
    const jump = legend("inventories/jumphost.yaml", "jumphost");
    expect(jump).toContain("sub-interfaces");
    expect(jump).not.toMatch(/circles|dotted|namespace/);
    const fuel = legend("inventories/fuel-env.yaml", "fuel-env");
    expect(fuel).toMatch(/namespace[\s\S]*circles[\s\S]*dotted arrows/);
    expect(fuel).not.toContain("sub-interfaces");
  });
  it("is deterministic: the same inventory gives the same picture", () => {
    const text = readFileSync(join(ROOT, "inventories/fuel-env.yaml"), "utf8");
    expect(diagram(text, "fuel-env")).toBe(diagram(text, "fuel-env"));
  });
});
