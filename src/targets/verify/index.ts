// Seed Phase 4: the checks the final verify adds to the steps' own (which the targets that plan the
// steps ask to re-run): forwarding and a host's own addresses, preconditions checked first, and gateways
// held elsewhere, for which checking is the only thing sitegen does.
import { check } from "../../plan/checks.js";
import { mdText } from "../../render/markdown.js";
import type { Check, Contribution, ExtraCheck } from "../../plan/types.js";
import { addrsOf, type Host } from "../../resolve/site.js";
import { reviewLines, type Target } from "../target.js";

function hostChecks(h: Host, nodes: Set<string>): ExtraCheck[] {
  const out: ExtraCheck[] = [];
  const add = (title: string, cs: Check[], before = false) => cs.forEach((c) => out.push({ ...c, host: h.name, title, ...(before ? { before } : {}) }));
  if (h.forwarding.ipv4) add("forwarding", [check("sysctl", { key: "net.ipv4.ip_forward", value: "1" })], true);
  if (h.forwarding.ipv6) add("forwarding", [check("sysctl", { key: "net.ipv6.conf.all.forwarding", value: "1" })], true);
  // a node's address is cloud-init's to set and the node step's to check; any other host's is its owner's, checked first
  for (const a of nodes.has(h.name) ? [] : h.addresses) {
    add(`its own address on ${a.network} (not sitegen's to set)`, [check("addr", { link: a.bridge, cidr: a.ifaddr })], true);
  }
  for (const c of h.checked) {
    for (const a of addrsOf(c)) {
      if (c.on === "bridge-owner") add(`${c.network} gateway held by ${c.bridge}'s owner`, [check("addr", { link: c.bridge!, cidr: a.ifaddr })]);
      else add(`${c.network} gateway ${a.address} on ${c.router}`, [check("route-to", { address: a.address }), check("reachable", { address: a.address })]);
    }
  }
  return out;
}

export const verify: Target = {
  name: "verify",
  summary: "post-apply checks (seed Phase 4); the only artifact for gateways held by a router or bridge owner",
  checkedBy: [],
  plan: (site): Contribution => ({
    checks: site.hosts.flatMap((h) => hostChecks(h, new Set(site.vrouters.flatMap((v) => v.nodes.map((n) => n.host))))),
    tests: site.hosts.flatMap((h) =>
      h.checked.flatMap((c) =>
        addrsOf(c).flatMap((a) =>
          reviewLines(h.name, "verify/review-tests", {
            address: a.address,
            network: c.network,
            router: c.on === "router" ? mdText(c.router ?? "") : "",
            bridge: c.bridge ?? "",
          }),
        ),
      ),
    ),
  }),
};
