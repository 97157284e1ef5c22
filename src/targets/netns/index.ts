// The virtual router's namespace on each member (seed Stage 1): namespace, legs on the bridges,
// VIPs, routes, filter and NAT. Runtime steps, each with its verification and inverse; audit gates
// for what the namespace needs (gates.ts); verify checks for what it delivers.
import type { Action } from "../../plan/actions.js";
import { check } from "../../plan/checks.js";
import { reverify } from "../../plan/final.js";
import type { Artifact, Check, ExtraCheck, Step } from "../../plan/types.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterLeg, VrouterMember } from "../../resolve/vrouter.js";
import type { Target } from "../target.js";
import { memberGates } from "./gates.js";
import { LOW_PRIORITY_METRIC, memberNotes, memberTests } from "./review.js";
import { filterPlan, nftRuleset } from "./ruleset.js";

function namespaceStep(v: Vrouter, m: VrouterMember): Step {
  const sysctl = (key: string, value: string): Action => ({ kind: "sysctl", ns: v.namespace, key, value });
  return {
    id: `vrouter-${v.name}-netns`,
    host: m.host,
    phase: "runtime",
    title: `create network namespace ${v.namespace} with loopback up, IPv4 forwarding and non-local bind on and IPv6 off, inside it only`,
    apply: [
      { kind: "netns-add", ns: v.namespace },
      { kind: "link-up", link: "lo", ns: v.namespace },
      sysctl("net.ipv4.ip_forward", "1"),
      // dnsmasq and the NTP server bind the VIP even on members that do not hold it yet
      sysctl("net.ipv4.ip_nonlocal_bind", "1"),
      // the router is IPv4 only (NAT44): its legs get no IPv6 addresses to answer on
      sysctl("net.ipv6.conf.all.disable_ipv6", "1"),
      sysctl("net.ipv6.conf.default.disable_ipv6", "1"),
    ],
    verify: [
      check("netns", { ns: v.namespace }),
      check("ns-up", { ns: v.namespace, link: "lo" }),
      check("ns-sysctl", { ns: v.namespace, key: "net.ipv4.ip_forward", value: "1" }),
      check("ns-sysctl", { ns: v.namespace, key: "net.ipv4.ip_nonlocal_bind", value: "1" }),
      check("ns-sysctl", { ns: v.namespace, key: "net.ipv6.conf.default.disable_ipv6", value: "1" }),
    ],
    inverse: [{ kind: "netns-del", ns: v.namespace }],
  };
}

/**
 * Addresses this member puts on a leg: its own management address first (primary), then the VIP,
 * on the primary only and only without ha: with ha, keepalived or Pacemaker add the VIPs on the
 * active member and nobody else may hold them.
 */
function legAddresses(v: Vrouter, l: VrouterLeg, m: VrouterMember): string[] {
  const own = l.role === "management" && m.address ? [`${m.address}/${l.prefix}`] : [];
  return [...own, ...(m.holdsVips ? [l.vipAddr] : [])];
}

/** " with ADDR, ..." for a step title, or why the leg has no address on this member. */
function legAddressText(v: Vrouter, addrs: string[]): string {
  if (addrs.length) return ` with ${addrs.join(", ")}`;
  return v.ha ? ` (no address: ${v.ha.manager} adds the VIP on the active member)` : " (no address: the VIP is held elsewhere)";
}

/** What a leg of either kind gets once it is in the namespace: up, with this member's addresses on it. */
function legInside(v: Vrouter, l: VrouterLeg, addrs: string[]): { common: Action[]; checks: Check[] } {
  const common: Action[] = [
    { kind: "link-up", link: l.link, ns: v.namespace },
    ...addrs.map((a): Action => ({ kind: "addr-replace", link: l.link, cidr: a, family: 4, ns: v.namespace })),
  ];
  const addrChecks = addrs.map((a) => check("ns-addr", { ns: v.namespace, link: l.link, cidr: a }));
  return { common, checks: [check("ns-up", { ns: v.namespace, link: l.link }), ...addrChecks] };
}

function legStep(v: Vrouter, m: VrouterMember, l: VrouterLeg): Step {
  const bridge = m.bridges[l.role];
  const addrs = legAddresses(v, l, m);
  const { common, checks } = legInside(v, l, addrs);
  const what = `${l.role} leg ${l.link} on ${bridge.name}${legAddressText(v, addrs)}`;
  if (bridge.type === "ovs") {
    return {
      id: `vrouter-${v.name}-${l.role}-leg`,
      host: m.host,
      phase: "runtime",
      title: `add ${what}: an Open vSwitch internal port moved into ${v.namespace}`,
      apply: [
        { kind: "ovs-port-add", bridge: bridge.name, link: l.link, ...(l.vlan !== undefined ? { vid: l.vlan } : {}) },
        { kind: "link-netns", link: l.link, ns: v.namespace },
        ...common,
      ],
      verify: [check("ovs-port", { bridge: bridge.name, link: l.link }), ...checks],
      inverse: [{ kind: "ovs-port-del", bridge: bridge.name, link: l.link }],
    };
  }
  return {
    id: `vrouter-${v.name}-${l.role}-leg`,
    host: m.host,
    phase: "runtime",
    title: `add ${what}: a veth pair, ${l.peer} enslaved to ${bridge.name}, ${l.link} in ${v.namespace}`,
    apply: [
      { kind: "veth-add", peer: l.peer, link: l.link, ns: v.namespace },
      { kind: "link-master", link: l.peer, bridge: bridge.name },
      { kind: "link-up", link: l.peer },
      ...common,
    ],
    verify: [check("bridge-port", { link: l.peer, bridge: bridge.name }), ...checks],
    // deleting one end of a veth pair deletes both
    inverse: [{ kind: "link-del", link: l.peer }],
  };
}

/**
 * The default route: out of the public leg on the VIP holder, else the low-priority one through it.
 * With ha every member gets the low-priority one; the failover manager adds the route out of the
 * public leg on the active member, beside its VIPs.
 */
function defaultRoute(v: Vrouter, m: VrouterMember): { ns: string; via: string; dev: string; metric?: string } | undefined {
  if (m.holdsVips) return { ns: v.namespace, via: v.gateway, dev: v.public.link };
  if (m.address) return { ns: v.namespace, via: v.management.vip, dev: v.management.link, metric: LOW_PRIORITY_METRIC };
  return undefined;
}

function routeStep(v: Vrouter, m: VrouterMember): Step | undefined {
  const r = defaultRoute(v, m);
  if (!r) return undefined;
  return {
    id: `vrouter-${v.name}-route`,
    host: m.host,
    phase: "runtime",
    title: m.holdsVips
      ? `route ${v.namespace}'s default via the upstream gateway ${v.gateway}`
      : `add the low-priority default route (metric ${LOW_PRIORITY_METRIC}) via the management VIP ${v.management.vip}, ` +
        "for while another member holds the VIPs",
    apply: [{ kind: "route-replace", ...r }],
    verify: [check("ns-default-route", { ns: v.namespace, via: r.via })],
    // absent already when the namespace or the leg is gone: nothing to undo then
    inverse: [{ kind: "route-del", ...r }],
  };
}

/**
 * With ha, a member picks up no TCP flow mid-stream (nf_conntrack_tcp_loose=0) and drops packets of
 * flows it does not track: after a failover a flow continues only through the entry conntrackd
 * synced (NATed as before), never un-NATed or re-NATed to another port.
 */
const TCP_LOOSE = "net.netfilter.nf_conntrack_tcp_loose";

function filterStep(v: Vrouter, m: VrouterMember): Step {
  const f = filterPlan(v);
  const snat =
    `SNAT ${v.management.cidr} to the public VIP ${v.public.vip} out of ${v.public.link} ` +
    "(not MASQUERADE, whose connections die with the VIP on a handover), ";
  const nat = !v.nat.masquerade ? "" : v.ha ? snat : `MASQUERADE ${v.management.cidr} out of ${v.public.link}, `;
  const ha = !v.ha
    ? ""
    : `, drop packets of untracked flows and pick up no TCP flow mid-stream (${TCP_LOOSE}=0: only conntrackd's synced entries survive a failover)`;
  const sysctl = (value: string, onlyIfNs = false): Action => ({ kind: "sysctl", ns: v.namespace, key: TCP_LOOSE, value, ...(onlyIfNs ? { onlyIfNs } : {}) });
  return {
    id: `vrouter-${v.name}-filter`,
    host: m.host,
    phase: "runtime",
    title: `${nat}forward only ${v.management.link} to ${v.public.link}, and let only ${v.management.cidr} reach DNS and NTP (${v.nat.backend})${ha}`,
    apply: [...f.apply, ...(v.ha ? [sysctl("0")] : [])],
    verify: [...f.verify, ...(v.ha ? [check("ns-sysctl", { ns: v.namespace, key: TCP_LOOSE, value: "0" })] : [])],
    // the kernel's default is 1; nothing to restore when the namespace is already gone
    inverse: [...(v.ha ? [sysctl("1", true)] : []), ...f.inverse],
  };
}

export function memberSteps(v: Vrouter, m: VrouterMember): Step[] {
  const route = routeStep(v, m);
  return [namespaceStep(v, m), legStep(v, m, v.management), legStep(v, m, v.public), ...(route ? [route] : []), filterStep(v, m)];
}

/** The final verify re-runs every member step's checks under one title. */
const routerTitle = (v: Vrouter) => `vrouter ${v.name} in namespace ${v.namespace}`;

function memberChecks(v: Vrouter, m: VrouterMember): ExtraCheck[] {
  // with ha only the active member reaches the gateway directly, and which one that is may change
  return m.holdsVips ? [{ ...check("ns-reachable", { ns: v.namespace, address: v.gateway }), host: m.host, title: routerTitle(v) }] : [];
}

const reviewFile = (site: Site, v: Vrouter, m: VrouterMember): Artifact => ({
  path: `hosts/${m.host}/nftables-${v.name}.nft`,
  content: nftRuleset(site, v),
  mode: 0o644,
});

export const netns: Target = {
  name: "netns",
  summary: "virtual router namespace per member: legs (veth or OVS internal port), VIPs, routes, filter and NAT",
  checkedBy: ["nft"],
  plan: (site) => {
    const each = <T>(f: (v: Vrouter, m: VrouterMember) => T[]) => site.vrouters.flatMap((v) => v.members.flatMap((m) => f(v, m)));
    const steps = each((v, m) => memberSteps(v, m).map((step) => ({ step, title: routerTitle(v) })));
    return {
      steps: steps.map((s) => s.step),
      reverify: steps.map((s) => reverify(s.step, s.title)),
      gates: each(memberGates),
      checks: each(memberChecks),
      notes: each(memberNotes),
      tests: each(memberTests),
      artifacts: each((v, m) => (v.nat.backend === "nftables" ? [reviewFile(site, v, m)] : [])),
    };
  },
};
