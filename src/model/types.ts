// TypeScript view of src/model/site.schema.json (the document as written, before resolution).
// Keep the two in step: test/schema-types.test.ts compares their property names.

export type BridgeOwner = "libvirt" | "netplan" | "systemd-networkd" | "unmanaged";
export type Persistence = "auto" | "systemd" | "netplan";
export type GatewayPlacement = "host" | "bridge-owner" | "router";
export type RangePurpose = "snat" | "vip" | "dhcp" | "reserved";
export type BridgeType = "linux" | "ovs";
export type NatBackend = "nftables" | "iptables";
export type NtpDaemon = "chrony" | "ntpd";
export type HaManager = "keepalived" | "pacemaker";

export interface SiteDoc {
  site: string;
  description?: string;
  decision?: string;
  hosts: HostDoc[];
  networks: NetworkDoc[];
  vrouters?: VrouterDoc[];
}

export interface HostDoc {
  name: string;
  management: string;
  forwarding?: { ipv4?: boolean; ipv6?: boolean };
  bridges?: BridgeDoc[];
}

export interface BridgeDoc {
  name: string;
  owner: BridgeOwner;
  libvirt_network?: string;
  vlan_filtering?: boolean;
  type?: BridgeType;
  ports?: string[];
}

export interface AttachmentDoc {
  host: string;
  bridge: string;
  address?: string;
}

export interface RangeDoc {
  name: string;
  from: string;
  to: string;
  purpose?: RangePurpose;
}

export interface StaticDoc {
  name: string;
  address: string;
  description?: string;
}

export interface GatewayDoc {
  address: string;
  address6?: string; // dual-stack: the IPv6 gateway in cidr6
  on: GatewayPlacement;
  host?: string;
  router?: string;
  persistence?: Persistence;
  unit?: string;
}

export interface NetworkDoc {
  name: string;
  description?: string;
  cidr: string;
  cidr6?: string; // dual-stack: an IPv6 prefix beside an IPv4 cidr, on the same VLAN
  vlan?: number;
  attach?: AttachmentDoc[];
  gateway?: GatewayDoc;
  ranges?: RangeDoc[];
  statics?: StaticDoc[];
  vrids_in_use?: number[];
}

export interface VrouterLegDoc {
  network: string;
  vip: string; // or "auto" (src/alloc)
  link?: string;
  peer?: string;
}

export interface VrouterMemberDoc {
  host: string;
  address?: string; // or "auto" (src/alloc)
  priority?: number;
}

/** VIP failover: keepalived (VRRP) or Pacemaker, with conntrackd state sync in either case. */
export interface VrouterHaDoc {
  manager: HaManager;
  virtual_router_id?: number | "auto";
  advert_interval?: number;
  auth_vault_var?: string;
  preempt?: boolean;
  resource_prefix?: string;
  sync?: { group?: string; port?: number; mode?: "ftfw" | "notrack" };
}

export interface VrouterDoc {
  name: string;
  namespace?: string;
  members: VrouterMemberDoc[];
  primary?: string;
  management: VrouterLegDoc;
  public: VrouterLegDoc;
  gateway?: string;
  fallback_gateway?: string;
  nat?: { masquerade?: boolean; backend?: NatBackend };
  dns?: { upstreams: string[]; domain?: string };
  ntp?: { upstreams: string[]; daemon?: NtpDaemon };
  ha?: VrouterHaDoc;
}
