// Live network operations as typed data: links, addresses, routes, sysctls, namespaces and filter
// tables. `ns` is the network namespace an operation acts in; without it, the host itself. Each kind
// carries its own idempotence (an add is skipped when the thing is there, a delete when it is gone):
// render/commands.ts writes the command and its guard.

export type NetAction =
  /** ip netns add, unless it exists. */
  | { kind: "netns-add"; ns: string }
  /** ip netns del, only if it exists: every link in it goes with it. */
  | { kind: "netns-del"; ns: string }
  /** A VLAN sub-interface `link` of `parent`, unless a link of that name exists. */
  | { kind: "vlan-add"; link: string; parent: string; vid: number }
  /** A veth pair: `peer` on the host, `link` in ns; unless peer exists. */
  | { kind: "veth-add"; peer: string; link: string; ns: string }
  /** An Open vSwitch internal port on bridge (tagged with vid), if it is not there yet. */
  | { kind: "ovs-port-add"; bridge: string; link: string; vid?: number }
  /** Remove an Open vSwitch port, if it is there. */
  | { kind: "ovs-port-del"; bridge: string; link: string }
  /** Move a host link into ns, unless ns has it already. */
  | { kind: "link-netns"; link: string; ns: string }
  /** Enslave a host link to a bridge. */
  | { kind: "link-master"; link: string; bridge: string }
  | { kind: "link-up"; link: string; ns?: string }
  /** Delete a host link if it exists (a veth's peer goes with it). */
  | { kind: "link-del"; link: string }
  /** Put an address (with its prefix, "10.0.0.1/24") on a link. */
  | { kind: "addr-replace"; link: string; cidr: string; family: 4 | 6; ns?: string }
  /** The default route of a namespace, via a next hop out of dev; metric for a fallback route. */
  | { kind: "route-replace"; ns: string; via: string; dev: string; metric?: string }
  /** Delete that route; absent already when the namespace or its leg is gone, so a failure is ignored. */
  | { kind: "route-del"; ns: string; via: string; dev: string; metric?: string }
  /** A sysctl inside ns; onlyIfNs skips it when the namespace is gone (nothing to restore then). */
  | { kind: "sysctl"; ns: string; key: string; value: string; onlyIfNs?: boolean }
  /** An nftables inet table defined whole by `ruleset`, in one transaction (no moment without a filter). */
  | { kind: "nft-table"; ns: string; table: string; ruleset: string }
  /** Delete that table, if it exists. */
  | { kind: "nft-table-del"; ns: string; table: string }
  /** Append an iptables rule unless it is there, or delete it if it is. */
  | { kind: "iptables-add" | "iptables-del"; ns: string; table: string; chain: string; rule: string[] };
