// Each host's checks written once: a step that persists a link checks what the step that created it
// checked, and the final verify checks both again. A later list names an earlier step's whole list
// (host.sh calls verify_N, REVIEW.md says "step N's checks") instead of restating it, so a fact such as a
// gateway's address is one check line per host, and a change to it is one line there. Pure.

/** One entry of a folded list: line `at` of its own, or the whole check list of step `step` (0-based). */
export type CheckRun = { readonly at: number; readonly line: string } | { readonly step: number; readonly length: number };

/** The earlier list that starts at lines[k] (the longest, of at least two lines, all foldable), if any. */
function listAt(lines: readonly string[], k: number, lists: readonly (readonly string[])[], foldable: (i: number) => boolean) {
  let best: { step: number; length: number } | undefined;
  lists.forEach((list, step) => {
    if (list.length < 2 || list.length <= (best?.length ?? 0)) return;
    if (list.every((l, j) => foldable(k + j) && lines[k + j] === l)) best = { step, length: list.length };
  });
  return best;
}

/**
 * `lines` with each run that is a whole earlier list (`lists[n]`, step n's check lines) replaced by a
 * reference to it. `foldable(i)`: whether line i may go into a reference (a final check that holds only
 * after a given phase may not: the step's own checks run unconditionally).
 */
export function foldChecks(lines: readonly string[], lists: readonly (readonly string[])[], foldable: (i: number) => boolean = () => true): CheckRun[] {
  const runs: CheckRun[] = [];
  let next = 0; // the first line no run holds yet
  lines.forEach((line, at) => {
    if (at < next) return;
    const list = listAt(lines, at, lists, foldable);
    runs.push(list ?? { at, line });
    next = at + (list?.length ?? 1);
  });
  return runs;
}

/** Each step's check lines folded against the steps before it. */
export const foldStepChecks = (lists: readonly (readonly string[])[]): CheckRun[][] => lists.map((lines, j) => foldChecks(lines, lists.slice(0, j)));

/** A final check as both host.sh and REVIEW.md list it: its group's title, its line, the phase it needs. */
export interface TitledCheck {
  readonly title: string;
  readonly line: string;
  readonly phase?: string;
}

/**
 * The final checks grouped under their titles, in the order they first appear, each group folded against
 * the steps' lists; a check that holds only after a phase keeps a line of its own (with that phase).
 */
export function foldFinalChecks(checks: readonly TitledCheck[], lists: readonly (readonly string[])[]) {
  const titles = [...new Set(checks.map((c) => c.title))];
  return titles.map((title) => {
    const own = checks.filter((c) => c.title === title);
    const runs = foldChecks(
      own.map((c) => c.line),
      lists,
      (i) => !own[i]?.phase,
    );
    return { title, runs: runs.map((r) => ("step" in r ? r : { ...r, phase: own[r.at]?.phase })) };
  });
}
