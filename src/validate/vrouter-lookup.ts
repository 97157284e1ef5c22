// Lookups shared by the vrouter-* rules: which network a leg names, which hosts are on it.
import type { Path } from "../model/source.js";
import type { NetworkDoc, VrouterDoc, VrouterLegDoc } from "../model/types.js";
import type { RuleContext } from "./context.js";

export const IFNAMSIZ = 15;
export const LEGS = ["management", "public"] as const;
export type LegRole = (typeof LEGS)[number];

export interface LegRef {
  role: LegRole;
  leg: VrouterLegDoc;
  path: Path;
  index: number;
  net?: NetworkDoc;
}

/** Both legs of router v (index i), with the network each names when it exists. */
export function legs(ctx: RuleContext, v: VrouterDoc, i: number): LegRef[] {
  return LEGS.map((role) => {
    const index = ctx.doc.networks.findIndex((n) => n.name === v[role].network);
    return { role, leg: v[role], path: ["vrouters", i, role], index, ...(index >= 0 ? { net: ctx.doc.networks[index] } : {}) };
  });
}

export const eachVrouter = (ctx: RuleContext, f: (v: VrouterDoc, i: number) => void): void => (ctx.doc.vrouters ?? []).forEach(f);

/** The bridge a host is attached to network n by, if it is (and the host defines it). */
export function bridgeOn(ctx: RuleContext, n: NetworkDoc | undefined, host: string) {
  const att = n?.attach?.find((a) => a.host === host);
  return att ? ctx.doc.hosts.find((h) => h.name === host)?.bridges?.find((b) => b.name === att.bridge) : undefined;
}
