// How a daemon's services step moves to its next version, decided from the typed description of its
// files (Step.daemon): not at all when no file changes what the daemon does (a comment, a peer named
// in a comment), a reload when only what it rereads live changed, a restart otherwise. Every one of
// these is done in place (new files over old, then the unit operation), never by undoing the step:
// undoing it would stop the daemon, and on the member that holds the VIPs that moves them.
import { daemonReload, unitOp, type Action } from "../plan/actions.js";
import { meaning, unitRestartMeaning, type DaemonChange, type DaemonFile } from "../plan/daemon-meaning.js";
import { asOnHost } from "../plan/files.js";
import type { Step } from "../plan/types.js";
import type { FileText } from "./diff.js";

/** files: new files only (and a systemd daemon-reload if the unit file changed); reload; restart. */
export type Touch = "files" | "reload" | "restart";
const RANK: Record<Touch, number> = { files: 0, reload: 1, restart: 2 };
const worse = (a: Touch, b: Touch): Touch => (RANK[a] >= RANK[b] ? a : b);

/** What a changed file asks of its daemon. */
function fileTouch(f: DaemonFile, d: DaemonChange, old: string, now: string): Touch {
  if (f.role === "runs-each-time") return "files";
  if (f.role === "unit") return unitRestartMeaning(old) === unitRestartMeaning(now) ? "files" : "restart";
  const same = meaning(old, f.syntax ?? "hash-comments", f.comment) === meaning(now, f.syntax ?? "hash-comments", f.comment);
  return same ? "files" : d.live;
}

const shape = (s: Step) => JSON.stringify([asOnHost(s.apply), asOnHost(s.inverse), s.verify, s.daemon]);

/**
 * How step `from` becomes step `to` in place, or undefined when it cannot be (not a daemon's step, its
 * actions or checks changed, or Pacemaker runs it and it needs more than new files: the cluster decides).
 */
export function daemonTouch(from: Step, to: Step, fileFrom: FileText, fileTo: FileText): { touch: Touch; unitChanged: boolean } | undefined {
  const d = to.daemon;
  if (!d || !from.daemon || shape(from) !== shape(to)) return undefined;
  let touch: Touch = "files";
  let unitChanged = false;
  for (const f of d.files) {
    const [old, now] = [fileFrom(from.host, f.dest), fileTo(to.host, f.dest)];
    if (old === undefined || now === undefined) return undefined;
    if (old === now) continue;
    if (f.role === "unit") unitChanged = true;
    touch = worse(touch, fileTouch(f, d, old, now));
  }
  if (d.byCluster && touch !== "files") return undefined;
  return { touch, unitChanged };
}

/** The in-place update: the step's file actions (new files, secrets again), a daemon-reload if the unit changed, then the touch. */
export function updateActions(s: Step, t: { touch: Touch; unitChanged: boolean }): Action[] {
  const files = s.apply.filter((a) => a.kind === "install" || a.kind === "secret");
  const serves = s.daemon!.serves ? { serves: s.daemon!.serves } : {};
  const op = t.touch === "files" ? [] : [unitOp(t.touch === "reload" ? "reload" : "restart", s.daemon!.unit, serves)];
  return [...files, ...(t.unitChanged ? [daemonReload] : []), ...op];
}
