import { contains, hostSpan, parseAddress, reservedRole } from "../../net/cidr.js";
import type { Rule, RuleContext } from "../context.js";
import { rawAddresses, type RawAddress } from "../items.js";

const MANAGEMENT_HELP = "write the address operators and Ansible reach the host on, without a prefix length";

/** Why text is not an address, as a fix: a zone id, a prefix length (withPrefix), or anything else. */
export function addressHelp(text: string, withPrefix: string, otherwise = "write a dotted-quad IPv4 or an IPv6 address"): string {
  if (text.includes("%")) {
    return (
      "a zone id ('%' and an interface) cannot be kept: generated files write the bare address, which would lose its link; " +
      "use a global or unique-local address"
    );
  }
  return text.includes("/") ? withPrefix : otherwise;
}

/** One address written on network i: an address, of the network's family, inside its subnet, and assignable. */
function checkNetworkAddress(ctx: RuleContext, r: RawAddress, i: number): void {
  const a = parseAddress(r.text);
  const net = a && ctx.netFor(i, a.family);
  if (!a) {
    ctx.report(
      r.path,
      "invalid-address",
      `${r.label} '${r.text}' is not an IPv4 or IPv6 address`,
      addressHelp(r.text, "write the address without a prefix length; the network's cidr gives it"),
    );
    return;
  }
  if (!net) return;
  if (net.family !== a.family) {
    ctx.report(
      r.path,
      `${r.role}-outside-subnet`,
      `${r.label} ${a.text} is IPv${a.family}, but network ${net.text} is IPv${net.family}`,
      a.family === 4
        ? `use an IPv6 address between ${hostSpan(net)}, or make cidr IPv4 and move the IPv6 prefix to cidr6 (dual stack)`
        : `use an IPv4 address between ${hostSpan(net)}, or give the network its IPv6 prefix as cidr6 (dual stack)`,
    );
    return;
  }
  if (!contains(net, a)) {
    ctx.report(r.path, `${r.role}-outside-subnet`, `${r.label} ${a.text} is not inside ${net.text}`, `pick an address between ${hostSpan(net)}`);
    return;
  }
  const why = reservedRole(net, a);
  if (why) ctx.report(r.path, "reserved-address", `${r.label} ${a.text} is ${why} of ${net.text}`, `pick an address between ${hostSpan(net)}`);
}

/** Gateway, statics, host addresses and range ends are valid addresses inside their subnet, and assignable. */
export const membership: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) => {
    for (const r of rawAddresses(n, i)) checkNetworkAddress(ctx, r, i);
  });
  ctx.doc.hosts.forEach((h, i) => {
    if (!parseAddress(h.management)) {
      ctx.report(
        ["hosts", i, "management"],
        "invalid-address",
        `management address '${h.management}' is not an IPv4 or IPv6 address`,
        addressHelp(h.management, MANAGEMENT_HELP, MANAGEMENT_HELP),
      );
    }
  });
};
