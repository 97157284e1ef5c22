import type { Path } from "../../model/source.js";
import type { VrouterDoc } from "../../model/types.js";
import type { Rule, RuleContext } from "../context.js";
import { didYouMean } from "../names.js";
import { eachVrouter, legs, type LegRef } from "../vrouter-lookup.js";

/**
 * A virtual router names real hosts and networks: members exist and appear once, the primary is a
 * member, each leg's network exists and every member is attached to it, the two legs differ, and
 * the upstream gateway is known (given, or the public network's gateway).
 */
export const vrouterReferences: Rule = (ctx) => {
  const hosts = ctx.doc.hosts.map((h) => h.name);
  const seenNames = new Map<string, number>();
  eachVrouter(ctx, (v, i) => {
    const base = ["vrouters", i];
    const prev = seenNames.get(v.name);
    if (prev !== undefined) {
      ctx.report([...base, "name"], "duplicate-name", `vrouter '${v.name}' is defined twice (first as entry ${prev + 1})`, "give each vrouter its own name");
    } else seenNames.set(v.name, i);
    checkMembers(ctx, v, base, hosts);
    const ls = legs(ctx, v, i);
    for (const l of ls) checkLeg(ctx, v, l, hosts);
    const [mg, pub] = ls;
    if (mg!.net && mg!.net === pub!.net) {
      ctx.report(
        [...pub!.path, "network"],
        "vrouter-same-network",
        `the public leg is on ${pub!.leg.network}, the same network as the management leg`,
        "the router NATs from the management network out of the public one: name two different networks",
      );
    }
    if (v.gateway === undefined && pub!.net && pub!.net !== mg!.net && !pub!.net.gateway) {
      const name = pub!.net.name;
      ctx.report(
        [...base, "public", "network"],
        "vrouter-no-gateway",
        `network ${name} has no gateway, so vrouter ${v.name} has no upstream default route`,
        `add 'gateway: <address>' to vrouter ${v.name}, or a 'gateway:' (on: router) to network ${name}`,
      );
    }
  });
};

/** Members are defined hosts, each listed once, and the primary is one of them. */
function checkMembers(ctx: RuleContext, v: VrouterDoc, base: Path, hosts: string[]): void {
  const members = new Set<string>();
  v.members.forEach((m, j) => {
    if (!hosts.includes(m.host)) {
      ctx.report(
        [...base, "members", j, "host"],
        "unknown-host",
        `host '${m.host}' is not defined`,
        didYouMean(m.host, hosts) ?? `define it under 'hosts:' (known: ${hosts.join(", ")})`,
      );
    } else if (members.has(m.host)) {
      ctx.report([...base, "members", j, "host"], "vrouter-duplicate-member", `host ${m.host} is listed twice as a member`, "list each controller once");
    }
    members.add(m.host);
  });
  if (v.primary !== undefined && !members.has(v.primary)) {
    ctx.report(
      [...base, "primary"],
      "vrouter-primary-not-member",
      `primary '${v.primary}' is not a member of vrouter ${v.name}`,
      didYouMean(v.primary, members) ?? `use one of: ${[...members].join(", ")}`,
    );
  }
}

/** A leg's network exists and every (defined) member is attached to it. */
function checkLeg(ctx: RuleContext, v: VrouterDoc, l: LegRef, hosts: string[]): void {
  const net = l.net;
  if (!net) {
    const nets = ctx.doc.networks.map((n) => n.name);
    ctx.report(
      [...l.path, "network"],
      "unknown-network",
      `network '${l.leg.network}' is not defined`,
      didYouMean(l.leg.network, nets) ?? `define it under 'networks:' (known: ${nets.join(", ")})`,
    );
    return;
  }
  const attached = new Set((net.attach ?? []).map((a) => a.host));
  v.members.forEach((m) => {
    if (hosts.includes(m.host) && !attached.has(m.host)) {
      const message = `member ${m.host} is not attached to network ${net.name}, so its namespace has no bridge for the ${l.role} leg`;
      const help = `add '{ host: ${m.host}, bridge: <its bridge> }' under network ${net.name}'s 'attach:'`;
      ctx.report([...l.path, "network"], "vrouter-leg-unattached", message, help);
    }
  });
}
