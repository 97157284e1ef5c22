// The Pacemaker configuration of a virtual router as data: one list of resources and constraints
// that renders both the reviewable `pcs` commands (pacemaker.sh) and the CIB fragment they produce
// (cib-<router>.xml), so the two cannot drift (test/tools/checkers-ha.test.ts runs the commands against a
// CIB from `cibadmin --empty` and compares).
import type { HaRouter, PacemakerHa, Vrouter } from "../../resolve/vrouter.js";
import { conntrackdConf, conntrackdWrapper } from "../conntrackd/index.js";
import { unitName } from "../netns/service.js";

export interface Op {
  interval: string;
  timeout: string;
  role?: "Promoted" | "Unpromoted";
}
export interface Primitive {
  id: string;
  agent: string;
  params: Array<[string, string]>;
  ops: Op[];
  what: string;
}
export type Resource =
  | { kind: "clone"; id: string; prim: Primitive; meta: Array<[string, string]>; promotable: boolean }
  | { kind: "group"; id: string; prims: Primitive[]; meta: Array<[string, string]>; what: string };
export type Constraint =
  | { kind: "order"; id: string; first: string; firstAction: "start" | "promote"; then: string; why: string }
  | { kind: "colocation"; id: string; rsc: string; withRsc: string; withRole?: "Promoted"; why: string }
  | { kind: "location"; id: string; rsc: string; node: string; score: number; why: string };
export interface Cluster {
  prefix: string;
  resources: Resource[];
  constraints: Constraint[];
  top: string[];
}

const monitor = (interval: string, timeout = "30s"): Op[] => [{ interval, timeout }];
/** The agent's own monitor intervals (ocf:heartbeat:conntrackd metadata). */
const CONNTRACKD_OPS: Op[] = [
  { interval: "20s", timeout: "20s", role: "Unpromoted" },
  { interval: "10s", timeout: "20s", role: "Promoted" },
];

export const systemdAgent = (unit: string) => `systemd:${unit.replace(/\.service$/, "")}`;
export const uplinkUnit = (v: Vrouter) => unitName(v, "uplink");
export const netnsUnit = (v: Vrouter) => unitName(v, "netns");

function clone(id: string, prim: Primitive, promotable = false): Resource {
  const meta: Array<[string, string]> = promotable
    ? [
        ["clone-node-max", "1"],
        ["interleave", "true"],
        ["notify", "true"],
        ["promoted-max", "1"],
        ["promoted-node-max", "1"],
      ]
    : [["interleave", "true"]];
  return { kind: "clone", id: `${id}-clone`, prim, meta, promotable };
}

/** A primitive running one of the router's systemd units, monitored every 30 s. */
const unitPrimitive = (id: string, unit: string, what: string): Primitive => ({ id, agent: systemdAgent(unit), params: [], ops: monitor("30s"), what });
const unitClone = (id: string, unit: string, what: string): Resource => clone(id, unitPrimitive(id, unit, what));

/** IPaddr2 putting a leg's VIP on its link inside the router's namespace. */
function vipPrimitive(v: HaRouter<PacemakerHa>, role: "mgmt" | "pub", l: Vrouter["management"]): Primitive {
  return {
    id: `${v.ha.prefix}-vip-${role}`,
    agent: "ocf:heartbeat:IPaddr2",
    ops: monitor("10s", "20s"),
    what: `${l.role} VIP ${l.vip}/${l.prefix} on ${l.link} inside ${v.namespace}`,
    params: [
      ["cidr_netmask", String(l.prefix)],
      ["ip", l.vip],
      ["network_namespace", v.namespace],
      ["nic", l.link],
    ],
  };
}

export function cluster(v: HaRouter<PacemakerHa>): Cluster {
  const p = v.ha.prefix;
  const netns = unitClone(`${p}-netns`, netnsUnit(v), `namespace ${v.namespace} is present (${netnsUnit(v)})`);
  const ct = clone(
    `${p}-conntrackd`,
    {
      id: `${p}-conntrackd`,
      agent: "ocf:heartbeat:conntrackd",
      ops: CONNTRACKD_OPS,
      what: "conntrackd, promoted where the VIPs are",
      params: [
        ["binary", conntrackdWrapper(v)],
        ["config", conntrackdConf(v)],
      ],
    },
    true,
  );
  const uplink = unitPrimitive(`${p}-uplink`, uplinkUnit(v), `default route via ${v.gateway} out of ${v.public.link} (${uplinkUnit(v)})`);
  const router: Resource = {
    kind: "group",
    id: `${p}-router`,
    what: "the VIPs and the default route out of the public leg, started in this order",
    prims: [vipPrimitive(v, "mgmt", v.management), vipPrimitive(v, "pub", v.public), uplink],
    meta: [["resource-stickiness", v.ha.preempt ? "0" : "1000"]],
  };
  const services: Resource[] = [
    ...(v.dns ? [unitClone(`${p}-dnsmasq`, unitName(v, "dnsmasq"), "dnsmasq on every member (it binds the VIP before holding it)")] : []),
    ...(v.ntp ? [unitClone(`${p}-ntp`, unitName(v, v.ntp.daemon), `${v.ntp.daemon} on every member (already synchronised when the VIP arrives)`)] : []),
  ];
  const resources = [netns, ct, router, ...services];
  return { prefix: p, resources, constraints: constraintsOf(v, netns, ct, router, services), top: resources.map((r) => r.id) };
}

/** The namespace before and under everything; the VIPs with and after conntrackd's promotion; the router where priority says. */
function constraintsOf(v: HaRouter<PacemakerHa>, netns: Resource, ct: Resource, router: Resource, services: Resource[]): Constraint[] {
  const p = v.ha.prefix;
  const afterNetns = [ct, router, ...services].flatMap((r): Constraint[] => {
    const name = r.id.slice(p.length + 1).replace(/-clone$/, "");
    return [
      { kind: "order", id: `${p}-netns-before-${name}`, first: netns.id, firstAction: "start", then: r.id, why: "the namespace first" },
      { kind: "colocation", id: `${r.id}-with-netns`, rsc: r.id, withRsc: netns.id, why: `only where ${v.namespace} exists` },
    ];
  });
  return [
    ...afterNetns,
    {
      kind: "colocation",
      id: `${p}-router-with-promoted`,
      rsc: router.id,
      withRsc: ct.id,
      withRole: "Promoted",
      why: "the VIPs sit where conntrackd is promoted",
    },
    {
      kind: "order",
      id: `${p}-promote-before-router`,
      first: ct.id,
      firstAction: "promote",
      then: router.id,
      why: "the synced states are committed before the VIPs answer",
    },
    ...v.members.map((m): Constraint => ({
      kind: "location",
      id: `${p}-router-on-${m.host}`,
      rsc: router.id,
      node: m.host,
      score: m.priority,
      why: `priority ${m.priority}`,
    })),
  ];
}
