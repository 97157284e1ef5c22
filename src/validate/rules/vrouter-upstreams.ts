import { parseAddress } from "../../net/cidr.js";
import type { Rule } from "../context.js";
import { eachVrouter } from "../vrouter-lookup.js";

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * DNS upstreams are addresses (dnsmasq's server= takes no names: there is nothing to resolve them
 * with); NTP upstreams are addresses or host names, and names need DNS upstreams in the namespace.
 */
export const vrouterUpstreams: Rule = (ctx) => {
  eachVrouter(ctx, (v, i) => {
    (v.dns?.upstreams ?? []).forEach((u, j) => {
      if (!parseAddress(u)) {
        ctx.report(
          ["vrouters", i, "dns", "upstreams", j],
          "dns-upstream-not-address",
          `DNS upstream '${u}' is not an IPv4 or IPv6 address`,
          HOSTNAME.test(u) ? "a resolver is reached by address: nothing could resolve its name first" : "write the resolver's address, e.g. 198.51.100.53",
        );
      }
    });
    (v.ntp?.upstreams ?? []).forEach((u, j) => {
      const path = ["vrouters", i, "ntp", "upstreams", j];
      if (parseAddress(u)) return;
      if (!HOSTNAME.test(u) || /^[0-9.]+$/.test(u)) {
        ctx.report(
          path,
          "ntp-upstream-invalid",
          `NTP upstream '${u}' is neither an address nor a host name`,
          "write an address (198.51.100.123) or a DNS name (0.debian.pool.ntp.org)",
        );
      } else if (!v.dns) {
        const ns = v.namespace ?? "vrouter";
        ctx.report(
          path,
          "ntp-name-needs-dns",
          `NTP upstream '${u}' is a name, but vrouter ${v.name} has no 'dns:' to resolve it inside namespace ${ns}`,
          "add 'dns: { upstreams: [...] }' (they become the namespace's resolv.conf), or write the server's address",
        );
      }
    });
  });
};
