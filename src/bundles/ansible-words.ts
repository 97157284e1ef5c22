// Words and names for the Ansible bundle: what a generated string may contain, how an argv reaches
// ansible.builtin.command exactly, and task names that fit a line.
import type { Word } from "../plan/actions.js";
import type { Artifact } from "../plan/types.js";
import { shq } from "../render/shell-quote.js";
import { literalBlock } from "../render/yaml.js";

export type Task = Record<string, unknown>;

/**
 * The role runs its shell commands (a step's probe and verify, its commands and their guards: its most frequent
 * tasks) through ansible.builtin.raw, which starts no Python on the host. raw takes no `environment`, so the
 * play's root comes first on the line: rawLine.
 */
const ROOT_ENV = "SITEGEN_ROOT={{ sitegen_prefix | quote }}";
/** Exit 255 is also ssh's own failure: Ansible would call the host unreachable (`ip netns exec` exits 255), so it reads 254. */
export const rawLine = (cmd: string): string => `${ROOT_ENV} ${cmd}; r=$?; [ "$r" -ne 255 ] || r=254; exit "$r"`;
/** The same root for a module task of the plays that change hosts (host.sh verify and confirm): they set no play-wide environment. */
export const ROOT_ENVIRONMENT = { environment: { SITEGEN_ROOT: "{{ sitegen_prefix }}" } };

/** A Jinja expression in a generated string would be evaluated by Ansible: refuse it. */
export function literal(word: string): string {
  if (/\{\{|\{%|\{#/.test(word)) throw new Error(`ansible bundle: ${JSON.stringify(word)} would be templated by Ansible`);
  return word;
}

/** Task names are one line: at most this many characters (the full titles are in REVIEW.md). */
const NAME_MAX = 170;

export const taskName = (s: string): string => (s.length <= NAME_MAX ? s : `${s.slice(0, NAME_MAX - 2)} …`);

/** argv as a reader sees it in a task name: a multi-line word shows its first line and its size. */
export function shown(argv: string[]): string {
  return argv
    .map((w) => {
      // most words are one line: splitting each was a fifth of the host_vars' steps data
      if (!w.includes("\n")) return shq(w);
      const lines = w.split("\n");
      return `${shq(`${lines[0]} …`)} (${lines.length} lines)`;
    })
    .join(" ");
}

/** Words that would put very long lines into the YAML go to a file of their own. */
const LONG_WORD = 100;

/**
 * ansible.builtin.command arguments for argv. A multi-line word (an nft ruleset, say) stays in host_vars
 * as a literal block, read there as plain text, each fact once. A word YAML cannot keep verbatim on
 * lines of its own (one long line, a tab in one line, whitespace at a line's end) is written to
 * args/<host>/<base>-<index>.txt beside the playbooks and reaches argv through a file lookup (exact: no
 * stripping, and lookups are not templated).
 */
export function commandArgs(argv: readonly Word[], host: string, base: string, files: Artifact[]): { argv: string[] } {
  return {
    argv: argv.map((w, i) => {
      // a file path below the play's root, as install and remove use it
      if (typeof w !== "string") return `{{ sitegen_prefix }}${literal(w.path)}`;
      literal(w);
      if ((!/[\n\t]/.test(w) && w.length <= LONG_WORD) || literalBlock(w)) return w;
      const rel = `args/${host}/${base}-${i}.txt`;
      files.push({ path: `ansible/${rel}`, content: w, mode: 0o644 });
      return `{{ lookup('ansible.builtin.file', playbook_dir ~ '/${rel}', rstrip=false) }}`;
    }),
  };
}
