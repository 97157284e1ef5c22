import type { Path } from "../../model/source.js";
import { defaultPeer, DEFAULT_NAMESPACE, LINK_DEFAULTS } from "../../model/defaults.js";
import type { Rule, RuleContext } from "../context.js";
import { shorten } from "../names.js";
import { bridgeOn, eachVrouter, IFNAMSIZ, legs } from "../vrouter-lookup.js";

function tooLong(ctx: RuleContext, name: string, path: Path, what: string, onKey = false): boolean {
  if (name.length <= IFNAMSIZ) return false;
  ctx.report(path, "ifname-too-long", `${what} '${name}' is ${name.length} characters; Linux allows ${IFNAMSIZ} (IFNAMSIZ)`,
    `use a shorter name, e.g. '${shorten(name, IFNAMSIZ)}'; sitegen does not shorten names itself (Fuel cut them to 13 characters plus a hash, which nobody could read back)`, onKey);
  return true;
}

/**
 * Namespace and link names fit in IFNAMSIZ (the seed's vr-mgmt / vr-ex style) and do not clash: on
 * each member, the links a router puts on the host side are not its bridges or another router's
 * links, and two routers do not share a namespace.
 */
export const vrouterNames: Rule = (ctx) => {
  const hostSide = new Map<string, string>(); // host/name -> what took it
  const namespaces = new Map<string, string>(); // host/namespace -> router
  eachVrouter(ctx, (v, i) => {
    const ns = v.namespace ?? DEFAULT_NAMESPACE;
    const members = [...new Map(v.members.map((m) => [m.host, m])).values()]; // a host listed twice is vrouter-references' to report
    tooLong(ctx, ns, ["vrouters", i, v.namespace === undefined ? "name" : "namespace"], "namespace name");
    const ls = legs(ctx, v, i);
    const inside = new Map<string, string>();
    for (const l of ls) {
      const link = l.leg.link ?? LINK_DEFAULTS[l.role];
      const linkPath: Path = [...l.path, l.leg.link === undefined ? "network" : "link"];
      if (tooLong(ctx, link, linkPath, `${l.role} link name`)) continue;
      if (inside.has(link)) {
        ctx.report(linkPath, "vrouter-link-clash", `both legs of vrouter ${v.name} are named '${link}' inside namespace ${ns}`, "give the public leg another name (the seed uses vr-ex)");
        continue;
      }
      inside.set(link, l.role);
      const peer = l.leg.peer ?? defaultPeer(link);
      const peerPath: Path = [...l.path, l.leg.peer === undefined ? "link" : "peer"];
      const ovsMembers = members.filter((m) => bridgeOn(ctx, l.net, m.host)?.type === "ovs").map((m) => m.host);
      if (l.leg.peer !== undefined && ovsMembers.length) {
        ctx.report([...l.path, "peer"], "vrouter-peer-on-ovs", `'peer' names a veth end, but on ${ovsMembers.join(", ")} the ${l.role} leg is an internal port of an Open vSwitch bridge, which has no peer`,
          "remove 'peer', or use Linux bridges on every member");
      }
      const linuxMembers = members.filter((m) => (bridgeOn(ctx, l.net, m.host)?.type ?? "linux") === "linux");
      if (linuxMembers.length && tooLong(ctx, peer, l.leg.peer === undefined ? linkPath : peerPath,
        l.leg.peer === undefined ? `the default veth peer name of link '${link}' (<link>-p)` : "veth peer name", false)) continue;
      const clashes: string[] = [];
      let taken = "";
      for (const m of members) {
        const mine = (bridgeOn(ctx, l.net, m.host)?.type ?? "linux") === "linux" ? peer : link; // an OVS internal port is born in the host namespace
        const bridges = ctx.doc.hosts.find((h) => h.name === m.host)?.bridges?.map((b) => b.name) ?? [];
        const key = `${m.host}/${mine}`;
        const t = bridges.includes(mine) ? `'${mine}' is already bridge ${mine}` : hostSide.has(key) ? `'${mine}' is already ${hostSide.get(key)}` : "";
        if (t) { clashes.push(m.host); taken ||= t; } else hostSide.set(key, `the ${l.role} leg of vrouter ${v.name}`);
      }
      if (clashes.length) {
        ctx.report(l.leg.peer !== undefined ? peerPath : linkPath, "vrouter-link-clash", `on ${clashes.join(", ")}, ${taken}`,
          "name the leg (link/peer) so that each host-side interface is unique on its host");
      }
    }
    for (const m of members) {
      const key = `${m.host}/${ns}`;
      const other = namespaces.get(key);
      if (other) {
        ctx.report(["vrouters", i, "namespace"], "vrouter-namespace-clash", `namespace '${ns}' on ${m.host} is already vrouter ${other}'s`, "give each router on a host its own namespace");
      } else namespaces.set(key, v.name);
    }
  });
};
