// Defaults the model fills in when the inventory leaves a field out. Validation checks the value a
// field will have, and resolution fills it in: both read them here, so neither imports the other.
import type { VrouterDoc } from "./types.js";

export const LINK_DEFAULTS = { management: "vr-mgmt", public: "vr-ex" } as const;
export const defaultPeer = (link: string) => `${link}-p`;
/** Written instead of a VIP, member address or VRRP ID: src/alloc chooses one and keeps it in the lock file. */
export const AUTO = "auto";
/** Ranges the allocator takes addresses from (and that may hold router addresses at all). */
export const POOL_PURPOSES: ReadonlySet<string> = new Set(["vip", "reserved"]);
export const DEFAULT_NAMESPACE = "vrouter";
export const SYNC_DEFAULTS = { group: "225.0.0.50", port: 3780 } as const;

/** Priorities when none are written: 150 for the primary, then 100, 90, ... in member order (at least 1). */
export function defaultPriority(v: VrouterDoc, host: string): number {
  const primary = v.primary ?? v.members[0]!.host;
  if (host === primary) return 150;
  const rank = v.members.filter((m) => m.host !== primary).findIndex((m) => m.host === host);
  return Math.max(1, 100 - 10 * rank);
}
