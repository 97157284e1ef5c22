// Which steps a move from one plan to another adds, removes and changes, per host, compared by the
// step's stable id and its typed content; and which unchanged steps must be reset because undoing a
// changed one takes away what they stand on (a route on a link that is re-created).
import { stepDisruption, worse as worst, type DisruptionContext, type Rated } from "../plan/disruption.js";
import { asOnHost } from "../plan/files.js";
import type { Step } from "../plan/types.js";
import { daemonTouch, updateActions, type Touch } from "./daemon-change.js";

export type ChangeKind = "added" | "removed" | "changed" | "reset";
export interface StepChange {
  kind: ChangeKind;
  id: string;
  host: string;
  phase: string;
  title: string;
  cls: Rated;
  from?: Step;
  to?: Step;
  /** The old step held a VIP and the new one does not: this host must let go before another takes it. */
  dropsVip?: boolean;
  /** A daemon's step changed in place (src/transition/daemon-change.ts): new files, then this much of the daemon. */
  touch?: { touch: Touch; unitChanged: boolean };
}

/** A build's file contents by path in out/, so a step whose installed file changed counts as changed. */
export type FileText = (host: string, dest: string) => string | undefined;
const content = (s: Step, file: FileText) =>
  JSON.stringify([asOnHost(s.apply), asOnHost(s.inverse), s.verify, s.apply.flatMap((a) => (a.kind === "install" ? [file(s.host, a.dest)] : []))]);
/** What stops being there when an old step goes: a VIP, a default route, the management path. */
const loses = (s: Step, ctx: DisruptionContext): Rated => {
  const r = stepDisruption(s, ctx).apply;
  return ["vip", "default-route", "session"].includes(r.cls) ? r : { cls: "none", why: "" };
};

/** Names a step's apply brings into being: the links and namespaces it adds. */
function creates(s: Step): Set<string> {
  return new Set(
    s.apply.flatMap((a): string[] => {
      switch (a.kind) {
        case "netns-add":
          return [a.ns];
        case "vlan-add":
          return [a.link];
        case "veth-add":
          return [a.peer, a.link];
        case "ovs-port-add":
          return [a.link];
        default:
          return [];
      }
    }),
  );
}

/** The links, bridges and namespaces a step's apply acts on or through. */
function uses(s: Step): Set<string> {
  return new Set(
    s.apply
      .flatMap((a): Array<string | undefined> => {
        switch (a.kind) {
          case "vlan-add":
            return [a.link, a.parent];
          case "veth-add":
            return [a.peer, a.link, a.ns];
          case "ovs-port-add":
          case "ovs-port-del":
          case "link-master":
            return [a.link, a.bridge];
          case "link-netns":
            return [a.link, a.ns];
          case "link-up":
          case "addr-replace":
            return [a.link, a.ns];
          case "route-replace":
          case "route-del":
            return [a.ns, a.dev];
          case "netns-add":
          case "netns-del":
          case "sysctl":
          case "nft-table":
          case "nft-table-del":
          case "iptables-add":
          case "iptables-del":
            return [a.ns];
          case "link-del":
            return [a.link];
          default:
            return [];
        }
      })
      .filter((n): n is string => n !== undefined),
  );
}

/** One host's changes, in the order the transition reports them: the old plan's, then what only the new one has. */
export interface Side {
  steps: Step[];
  ctx: DisruptionContext;
  file: FileText;
}

export function diffHost(a: Side, b: Side): StepChange[] {
  const [from, to, ctxFrom, ctxTo] = [a.steps, b.steps, a.ctx, b.ctx];
  const next = new Map(to.map((s) => [s.id, s]));
  const prev = new Set(from.map((s) => s.id));
  const out: StepChange[] = [];
  const undone: Step[] = [];
  for (const s of from) {
    const t = next.get(s.id);
    const base = { id: s.id, host: s.host, phase: s.phase, title: (t ?? s).title, from: s, ...(t ? { to: t } : {}) };
    const gone = worst(stepDisruption(s, ctxFrom).inverse, loses(s, ctxFrom));
    const dropsVip = loses(s, ctxFrom).cls === "vip" && (!t || stepDisruption(t, ctxTo).apply.cls !== "vip");
    if (!t) {
      out.push({ ...base, kind: "removed", cls: gone, dropsVip });
      undone.push(s);
      continue;
    }
    if (content(s, a.file) !== content(t, b.file)) {
      const touch = daemonTouch(s, t, a.file, b.file);
      if (touch) {
        // in place: nothing it stands on is undone, so nothing after it is reset
        out.push({ ...base, kind: "changed", cls: stepDisruption({ ...t, apply: updateActions(t, touch) }, ctxTo).apply, touch });
        continue;
      }
      out.push({ ...base, kind: "changed", cls: worst(gone, stepDisruption(t, ctxTo).apply), dropsVip });
      undone.push(s);
      continue;
    }
    // unchanged, but it uses a name an earlier undone step takes away: undo and apply it again
    const names = uses(s);
    if (undone.some((u) => [...creates(u)].some((n) => names.has(n)))) {
      out.push({ ...base, kind: "reset", cls: worst(stepDisruption(s, ctxFrom).inverse, stepDisruption(t, ctxTo).apply) });
      undone.push(s);
    }
  }
  for (const t of to.filter((x) => !prev.has(x.id))) {
    out.push({ kind: "added", id: t.id, host: t.host, phase: t.phase, title: t.title, cls: stepDisruption(t, ctxTo).apply, to: t });
  }
  return out;
}
