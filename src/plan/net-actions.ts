// Live network operations as typed data: links, addresses, routes, sysctls, namespaces and filter
// tables. `ns` is the network namespace an operation acts in; without it, the host itself. Each kind
// carries its own idempotence (an add is skipped when the thing is there, a delete when it is gone):
// render/commands.ts writes the command and its guard.

export type NetAction =
  /** ip netns add, unless it exists. */
  | { readonly kind: "netns-add"; readonly ns: string }
  /** ip netns del, only if it exists: every link in it goes with it. */
  | { readonly kind: "netns-del"; readonly ns: string }
  /** A VLAN sub-interface `link` of `parent`, unless a link of that name exists. */
  | { readonly kind: "vlan-add"; readonly link: string; readonly parent: string; readonly vid: number }
  /** A veth pair: `peer` on the host, `link` in ns; unless peer exists. */
  | { readonly kind: "veth-add"; readonly peer: string; readonly link: string; readonly ns: string }
  /** An Open vSwitch internal port on bridge (tagged with vid), if it is not there yet. */
  | { readonly kind: "ovs-port-add"; readonly bridge: string; readonly link: string; readonly vid?: number }
  /** Remove an Open vSwitch port, if it is there. */
  | { readonly kind: "ovs-port-del"; readonly bridge: string; readonly link: string }
  /** Move a host link into ns, unless ns has it already. */
  | { readonly kind: "link-netns"; readonly link: string; readonly ns: string }
  /** Enslave a host link to a bridge. */
  | { readonly kind: "link-master"; readonly link: string; readonly bridge: string }
  | { readonly kind: "link-up"; readonly link: string; readonly ns?: string }
  /** Delete a host link if it exists (a veth's peer goes with it). */
  | { readonly kind: "link-del"; readonly link: string }
  /** Put an address (with its prefix, "10.0.0.1/24") on a link. */
  | { readonly kind: "addr-replace"; readonly link: string; readonly cidr: string; readonly family: 4 | 6; readonly ns?: string }
  /** The default route of a namespace, via a next hop out of dev; metric for a fallback route. */
  | { readonly kind: "route-replace"; readonly ns: string; readonly via: string; readonly dev: string; readonly metric?: string }
  /** Delete that route; absent already when the namespace or its leg is gone, so a failure is ignored. */
  | { readonly kind: "route-del"; readonly ns: string; readonly via: string; readonly dev: string; readonly metric?: string }
  /** A sysctl inside ns; onlyIfNs skips it when the namespace is gone (nothing to restore then). */
  | { readonly kind: "sysctl"; readonly ns: string; readonly key: string; readonly value: string; readonly onlyIfNs?: boolean }
  /** An nftables inet table defined whole by `ruleset`, in one transaction (no moment without a filter). */
  | { readonly kind: "nft-table"; readonly ns: string; readonly table: string; readonly ruleset: string }
  /** Delete that table, if it exists. */
  | { readonly kind: "nft-table-del"; readonly ns: string; readonly table: string }
  /** Append an iptables rule unless it is there, or delete it if it is. */
  | { readonly kind: "iptables-add" | "iptables-del"; readonly ns: string; readonly table: string; readonly chain: string; readonly rule: readonly string[] };

/** Addresses, routes, sysctls and filters: what is set on links and namespaces that exist (the other kinds make, move or remove those). */
export type SettingAction = Extract<
  NetAction,
  { readonly kind: "addr-replace" | "route-replace" | "route-del" | "sysctl" | "nft-table" | "nft-table-del" | "iptables-add" | "iptables-del" }
>;
