import { AUTO, POOL_PURPOSES } from "../../model/defaults.js";
import type { Path } from "../../model/source.js";
import { contains, hostSpan, parseAddress, reservedRole, type Addr } from "../../net/cidr.js";
import type { Rule, RuleContext } from "../context.js";
import { claims } from "../items.js";
import { eachVrouter, legs } from "../vrouter-lookup.js";

interface Owned {
  label: string;
  path: Path;
  addr: Addr;
}

const RANGE_HELP = "a snat or dhcp range hands its addresses out: move the VIP out of it, or mark the range 'purpose: vip' or 'reserved'";

/** An address written for a router: a valid, assignable IPv4 address inside net (or auto where allowed), or a report. */
function check(ctx: RuleContext, text: string, path: Path, label: string, netIndex: number, autoOk = false): Addr | undefined {
  const auto = autoOk && text === AUTO;
  const a = auto ? undefined : parseAddress(text);
  if (!a && !auto) {
    ctx.report(
      path,
      "invalid-address",
      `${label} '${text}' is not an IPv4 or IPv6 address`,
      text.includes("/") ? "write the address without a prefix length; the network's cidr gives it" : "write a dotted-quad IPv4 address",
    );
    return undefined;
  }
  const net = ctx.nets[netIndex];
  if (!net) return undefined;
  if (net.family !== 4) {
    ctx.report(
      path,
      "vrouter-ipv6-unsupported",
      `${label} is on IPv6 network ${net.text}; virtual routers are IPv4 only (NAT44, as in the seed)`,
      "put the router's legs on IPv4 networks; IPv6 nodes need routing, not masquerade",
    );
    return undefined;
  }
  if (!a) return undefined; // auto: src/alloc picks an address inside the network
  if (!contains(net, a)) {
    const code = label.startsWith("gateway") ? "gateway-outside-subnet" : "vip-outside-subnet";
    ctx.report(path, code, `${label} ${a.text} is not inside ${net.text}`, `pick an address between ${hostSpan(net)}`);
    return undefined;
  }
  const why = reservedRole(net, a);
  if (why) {
    ctx.report(path, "reserved-address", `${label} ${a.text} is ${why} of ${net.text}`, `pick an address between ${hostSpan(net)}`);
    return undefined;
  }
  return a;
}

/**
 * VIPs, member addresses and the upstream gateway are IPv4 addresses inside their networks; VIPs and
 * member addresses are used once (not by the network's gateway, statics or host addresses, not by
 * another router, not inside a snat or dhcp range, which would hand them out).
 */
export const vrouterAddresses: Rule = (ctx) => {
  const owned = new Map<number, Owned[]>(); // network index -> router addresses so far
  eachVrouter(ctx, (v, i) => {
    for (const l of legs(ctx, v, i)) {
      if (!l.net) continue;
      const mine: Array<[string, Path, string]> = [[l.leg.vip, [...l.path, "vip"], `${l.role} VIP`]];
      if (l.role === "management") {
        v.members.forEach((m, j) => {
          if (m.address !== undefined) mine.push([m.address, ["vrouters", i, "members", j, "address"], `${m.host}'s vrouter address`]);
        });
      }
      for (const [text, path, label] of mine) {
        const a = check(ctx, text, path, label, l.index, true);
        if (!a) continue;
        const clash = claims(l.net, l.index).find((c) => a.value >= c.from.value && a.value <= c.to.value && a.family === c.from.family);
        const list = owned.get(l.index) ?? [];
        const twice = list.find((o) => o.addr.value === a.value);
        if (twice) {
          ctx.report(path, "address-collision", `${label} ${a.text} collides with ${twice.label}`, "each address in a network has one owner: move one of them");
        } else if (clash && (clash.role !== "range" || !rangeMayHold(l.net, clash.label))) {
          ctx.report(
            path,
            "address-collision",
            `${label} ${a.text} collides with ${clash.label} of network ${l.net.name}`,
            clash.role === "range" ? RANGE_HELP : "each address in a network has one owner: move one of them",
          );
        }
        list.push({ label, path, addr: a });
        owned.set(l.index, list);
      }
      if (l.role === "public" && v.gateway !== undefined) check(ctx, v.gateway, ["vrouters", i, "gateway"], `gateway of vrouter ${v.name}`, l.index);
      if (l.role === "management" && v.fallback_gateway !== undefined) fallback(ctx, v.fallback_gateway, i, l.index, owned.get(l.index) ?? []);
    }
  });
};

/**
 * The give-back target of a node provisioned through the VIP: inside the management network, and not the
 * router's own address (the VIP, a member's), which goes with the same rollback.
 */
function fallback(ctx: RuleContext, text: string, i: number, netIndex: number, mine: Owned[]): void {
  const path: Path = ["vrouters", i, "fallback_gateway"];
  const a = check(ctx, text, path, "gateway fallback_gateway", netIndex);
  const twice = a && mine.find((o) => o.addr.value === a.value);
  if (a && twice) {
    ctx.report(
      path,
      "fallback-gateway-is-router",
      `fallback_gateway ${a.text} is the router's ${twice.label}: the rollback removes it`,
      "name a gateway that stays when the router goes (the site's own router on the management network)",
    );
  }
}

/** Ranges with purpose vip or reserved may hold router addresses; snat, dhcp and unlabelled ones may not. */
function rangeMayHold(n: { ranges?: Array<{ name: string; purpose?: string }> }, label: string): boolean {
  const r = (n.ranges ?? []).find((x) => label.startsWith(`range ${x.name} (`));
  return POOL_PURPOSES.has(r?.purpose ?? "");
}
