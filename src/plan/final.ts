// The final verify, derived from the plan: the checks of the steps targets ask to re-run, each once,
// between the extra checks they declare. Nothing is copied: a step's checks are its own.
import { checkKey } from "./checks.js";
import type { ExtraCheck, FinalCheck, Reverify, Step } from "./types.js";

const key = (...parts: string[]) => parts.join("\0");

/**
 * Steps come in plan order (by phase), so a check a runtime step already made is not repeated by the
 * persist step that makes it again; one a later phase adds first is marked with that phase, so that
 * `host.sh verify runtime` skips what only persistence provides.
 */
function stepChecks(steps: readonly Step[], reverify: readonly Reverify[]): FinalCheck[] {
  const titles = new Map(reverify.map((r) => [key(r.host, r.step), r.title]));
  const seen = new Set<string>();
  const out: FinalCheck[] = [];
  for (const s of steps) {
    const title = titles.get(key(s.host, s.id));
    if (title === undefined) continue;
    for (const c of s.verify) {
      const k = key(s.host, title, checkKey(c));
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ ...c, host: s.host, title, ...(s.phase !== "runtime" ? { phase: s.phase } : {}) });
    }
  }
  return out;
}

/** Run step s's checks again in the final verify, under title. */
export const reverify = (s: Step, title: string): Reverify => ({ host: s.host, step: s.id, title });

/** A re-run of a step no target planned: the plan refuses it. */
export function unplanned(steps: readonly Step[], reverify: readonly Reverify[]): Reverify | undefined {
  const known = new Set(steps.map((s) => key(s.host, s.id)));
  return reverify.find((r) => !known.has(key(r.host, r.step)));
}

/** Checks of one host and title together, groups in the order they first appear (host.sh verify runs them so). */
function grouped(checks: FinalCheck[]): FinalCheck[] {
  const groups = new Map<string, FinalCheck[]>();
  for (const c of checks) {
    const k = key(c.host, c.title);
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  return [...groups.values()].flat();
}

export function finalChecks(steps: readonly Step[], reverify: readonly Reverify[], extras: readonly ExtraCheck[]): FinalCheck[] {
  const plain = ({ before: _, ...c }: ExtraCheck): FinalCheck => c;
  return grouped([...extras.filter((c) => c.before).map(plain), ...stepChecks(steps, reverify), ...extras.filter((c) => !c.before).map(plain)]);
}
