// The final verify, derived from the plan: the checks of the steps targets ask to re-run, each once,
// between the extra checks they declare. Nothing is copied: a step's checks are its own.
import { checkKey } from "./checks.js";
import type { ExtraCheck, FinalCheck, Reverify, Step } from "./types.js";

/** Two names as one Map key (a template string: joining a rest array was about 1 µs a call, 30,000 calls). */
const key = (a: string, b: string) => `${a}\0${b}`;

/**
 * Checks of one host and title together, groups in the order they first appear (host.sh verify runs them so),
 * built as they come: one pass and one key a check (grouping after the fact was as much again, about 50 ms of
 * the 2,000-host site's compile).
 */
class Groups {
  private readonly byKey = new Map<string, { checks: FinalCheck[]; seen: Set<string> }>();
  /** The group of host and title; seen holds the checkKey of the step checks in it (each is run once). */
  of(host: string, title: string): { checks: FinalCheck[]; seen: Set<string> } {
    const k = key(host, title);
    let g = this.byKey.get(k);
    if (!g) this.byKey.set(k, (g = { checks: [], seen: new Set() }));
    return g;
  }
  add(c: FinalCheck): void {
    this.of(c.host, c.title).checks.push(c);
  }
  flat(): FinalCheck[] {
    return [...this.byKey.values()].flatMap((g) => g.checks);
  }
}

/**
 * Steps come in plan order (by phase), so a check a runtime step already made is not repeated by the
 * persist step that makes it again; one a later phase adds first is marked with that phase, so that
 * `host.sh verify runtime` skips what only persistence provides.
 */
function addStepChecks(groups: Groups, steps: readonly Step[], reverify: readonly Reverify[]): void {
  const titles = new Map(reverify.map((r) => [key(r.host, r.step), r.title]));
  for (const s of steps) {
    const title = titles.get(key(s.host, s.id));
    if (title === undefined) continue;
    const group = groups.of(s.host, title);
    for (const c of s.verify) {
      const k = checkKey(c);
      if (group.seen.has(k)) continue;
      group.seen.add(k);
      // Object.assign, not { ...c, host, title }: node 20 adds properties to a spread's copy slowly and gives each
      // copy a hidden class of its own (22,000 of them on the 2,000-host site, every reader's lookups then slow)
      group.checks.push(Object.assign({}, c, { host: s.host, title }, s.phase !== "runtime" ? { phase: s.phase } : {}));
    }
  }
}

/** Run step s's checks again in the final verify, under title. */
export const reverify = (s: Step, title: string): Reverify => ({ host: s.host, step: s.id, title });

/** A re-run of a step no target planned: the plan refuses it. */
export function unplanned(steps: readonly Step[], reverify: readonly Reverify[]): Reverify | undefined {
  const known = new Set(steps.map((s) => key(s.host, s.id)));
  return reverify.find((r) => !known.has(key(r.host, r.step)));
}

/** The extra checks marked before, the re-run steps' checks, then the other extras: grouped by host and title. */
export function finalChecks(steps: readonly Step[], reverify: readonly Reverify[], extras: readonly ExtraCheck[]): FinalCheck[] {
  const plain = ({ before: _, ...c }: ExtraCheck): FinalCheck => c;
  const groups = new Groups();
  for (const c of extras) if (c.before) groups.add(plain(c));
  addStepChecks(groups, steps, reverify);
  for (const c of extras) if (!c.before) groups.add(plain(c));
  return groups.flat();
}
