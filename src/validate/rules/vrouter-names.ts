import type { Path } from "../../model/source.js";
import type { VrouterDoc, VrouterMemberDoc } from "../../model/types.js";
import { defaultPeer, DEFAULT_NAMESPACE, LINK_DEFAULTS } from "../../model/defaults.js";
import type { Rule, RuleContext } from "../context.js";
import { shorten } from "../names.js";
import { bridgeOn, eachVrouter, IFNAMSIZ, legs, type LegRef } from "../vrouter-lookup.js";

function tooLong(ctx: RuleContext, name: string, path: Path, what: string, onKey = false): boolean {
  if (name.length <= IFNAMSIZ) return false;
  const help =
    `use a shorter name, e.g. '${shorten(name, IFNAMSIZ)}'; sitegen does not shorten names itself ` +
    "(Fuel cut them to 13 characters plus a hash, which nobody could read back)";
  ctx.report(path, "ifname-too-long", `${what} '${name}' is ${name.length} characters; Linux allows ${IFNAMSIZ} (IFNAMSIZ)`, help, onKey);
  return true;
}

/** One router's names as its legs are checked, and the host-side names every router has taken so far. */
interface Names {
  v: VrouterDoc;
  ns: string;
  members: VrouterMemberDoc[];
  /** Link name inside the namespace -> leg role. */
  inside: Map<string, string>;
  /** host/name -> what took it. */
  hostSide: Map<string, string>;
}

/**
 * Namespace and link names fit in IFNAMSIZ (the seed's vr-mgmt / vr-ex style) and do not clash: on
 * each member, the links a router puts on the host side are not its bridges or another router's
 * links, and two routers do not share a namespace.
 */
export const vrouterNames: Rule = (ctx) => {
  const hostSide = new Map<string, string>();
  const namespaces = new Map<string, string>(); // host/namespace -> router
  eachVrouter(ctx, (v, i) => {
    const ns = v.namespace ?? DEFAULT_NAMESPACE;
    const members = [...new Map(v.members.map((m) => [m.host, m])).values()]; // a host listed twice is vrouter-references' to report
    tooLong(ctx, ns, ["vrouters", i, v.namespace === undefined ? "name" : "namespace"], "namespace name");
    const names: Names = { v, ns, members, inside: new Map(), hostSide };
    for (const l of legs(ctx, v, i)) checkLeg(ctx, names, l);
    for (const m of members) {
      const key = `${m.host}/${ns}`;
      const other = namespaces.get(key);
      if (other) {
        ctx.report(
          ["vrouters", i, "namespace"],
          "vrouter-namespace-clash",
          `namespace '${ns}' on ${m.host} is already vrouter ${other}'s`,
          "give each router on a host its own namespace",
        );
      } else namespaces.set(key, v.name);
    }
  });
};

const onLinux = (ctx: RuleContext, l: LegRef, host: string) => (bridgeOn(ctx, l.net, host)?.type ?? "linux") === "linux";

/** One leg: its link and veth peer names fit, the link differs from the other leg's, and its host-side name is free. */
function checkLeg(ctx: RuleContext, names: Names, l: LegRef): void {
  const link = l.leg.link ?? LINK_DEFAULTS[l.role];
  const linkPath: Path = [...l.path, l.leg.link === undefined ? "network" : "link"];
  if (tooLong(ctx, link, linkPath, `${l.role} link name`)) return;
  if (names.inside.has(link)) {
    ctx.report(
      linkPath,
      "vrouter-link-clash",
      `both legs of vrouter ${names.v.name} are named '${link}' inside namespace ${names.ns}`,
      "give the public leg another name (the seed uses vr-ex)",
    );
    return;
  }
  names.inside.set(link, l.role);
  const peer = l.leg.peer ?? defaultPeer(link);
  const peerPath: Path = [...l.path, l.leg.peer === undefined ? "link" : "peer"];
  const ovsMembers = names.members.filter((m) => bridgeOn(ctx, l.net, m.host)?.type === "ovs").map((m) => m.host);
  if (l.leg.peer !== undefined && ovsMembers.length) {
    const message =
      `'peer' names a veth end, but on ${ovsMembers.join(", ")} the ${l.role} leg is an internal port of an Open vSwitch bridge, ` + "which has no peer";
    ctx.report([...l.path, "peer"], "vrouter-peer-on-ovs", message, "remove 'peer', or use Linux bridges on every member");
  }
  const peerWhat = l.leg.peer === undefined ? `the default veth peer name of link '${link}' (<link>-p)` : "veth peer name";
  const linuxMembers = names.members.filter((m) => onLinux(ctx, l, m.host));
  if (linuxMembers.length && tooLong(ctx, peer, l.leg.peer === undefined ? linkPath : peerPath, peerWhat, false)) return;
  claimHostSide(ctx, names, l, link, peer, l.leg.peer !== undefined ? peerPath : linkPath);
}

/** The name each member sees for this leg on the host side must be neither one of its bridges nor another leg's. */
function claimHostSide(ctx: RuleContext, names: Names, l: LegRef, link: string, peer: string, path: Path): void {
  const clashes: string[] = [];
  let taken = "";
  for (const m of names.members) {
    const mine = onLinux(ctx, l, m.host) ? peer : link; // an OVS internal port is born in the host namespace
    const bridges = ctx.doc.hosts.find((h) => h.name === m.host)?.bridges?.map((b) => b.name) ?? [];
    const key = `${m.host}/${mine}`;
    const other = names.hostSide.get(key);
    const t = bridges.includes(mine) ? `'${mine}' is already bridge ${mine}` : names.hostSide.has(key) ? `'${mine}' is already ${other}` : "";
    if (t) {
      clashes.push(m.host);
      taken ||= t;
    } else names.hostSide.set(key, `the ${l.role} leg of vrouter ${names.v.name}`);
  }
  if (clashes.length) {
    ctx.report(
      path,
      "vrouter-link-clash",
      `on ${clashes.join(", ")}, ${taken}`,
      "name the leg (link/peer) so that each host-side interface is unique on its host",
    );
  }
}
