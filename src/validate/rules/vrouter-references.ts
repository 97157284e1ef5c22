import type { Rule } from "../context.js";
import { didYouMean } from "../names.js";
import { eachVrouter, legs } from "../vrouter-lookup.js";

/**
 * A virtual router names real hosts and networks: members exist and appear once, the primary is a
 * member, each leg's network exists and every member is attached to it, the two legs differ, and
 * the upstream gateway is known (given, or the public network's gateway).
 */
export const vrouterReferences: Rule = (ctx) => {
  const hosts = ctx.doc.hosts.map((h) => h.name);
  const nets = ctx.doc.networks.map((n) => n.name);
  const seenNames = new Map<string, number>();
  eachVrouter(ctx, (v, i) => {
    const base = ["vrouters", i];
    const prev = seenNames.get(v.name);
    if (prev !== undefined) {
      ctx.report([...base, "name"], "duplicate-name", `vrouter '${v.name}' is defined twice (first as entry ${prev + 1})`, "give each vrouter its own name");
    } else seenNames.set(v.name, i);
    const members = new Set<string>();
    v.members.forEach((m, j) => {
      if (!hosts.includes(m.host)) {
        ctx.report([...base, "members", j, "host"], "unknown-host", `host '${m.host}' is not defined`,
          didYouMean(m.host, hosts) ?? `define it under 'hosts:' (known: ${hosts.join(", ")})`);
      } else if (members.has(m.host)) {
        ctx.report([...base, "members", j, "host"], "vrouter-duplicate-member", `host ${m.host} is listed twice as a member`, "list each controller once");
      }
      members.add(m.host);
    });
    if (v.primary !== undefined && !members.has(v.primary)) {
      ctx.report([...base, "primary"], "vrouter-primary-not-member", `primary '${v.primary}' is not a member of vrouter ${v.name}`,
        didYouMean(v.primary, members) ?? `use one of: ${[...members].join(", ")}`);
    }
    const ls = legs(ctx, v, i);
    for (const l of ls) {
      if (!l.net) {
        ctx.report([...l.path, "network"], "unknown-network", `network '${l.leg.network}' is not defined`,
          didYouMean(l.leg.network, nets) ?? `define it under 'networks:' (known: ${nets.join(", ")})`);
        continue;
      }
      const attached = new Set((l.net.attach ?? []).map((a) => a.host));
      v.members.forEach((m) => {
        if (hosts.includes(m.host) && !attached.has(m.host)) {
          ctx.report([...l.path, "network"], "vrouter-leg-unattached", `member ${m.host} is not attached to network ${l.net!.name}, so its namespace has no bridge for the ${l.role} leg`,
            `add '{ host: ${m.host}, bridge: <its bridge> }' under network ${l.net!.name}'s 'attach:'`);
        }
      });
    }
    const [mg, pub] = ls;
    if (mg!.net && mg!.net === pub!.net) {
      ctx.report([...pub!.path, "network"], "vrouter-same-network", `the public leg is on ${pub!.leg.network}, the same network as the management leg`,
        "the router NATs from the management network out of the public one: name two different networks");
    }
    if (v.gateway === undefined && pub!.net && pub!.net !== mg!.net && !pub!.net.gateway) {
      ctx.report([...base, "public", "network"], "vrouter-no-gateway", `network ${pub!.net.name} has no gateway, so vrouter ${v.name} has no upstream default route`,
        `add 'gateway: <address>' to vrouter ${v.name}, or a 'gateway:' (on: router) to network ${pub!.net.name}`);
    }
  });
};
