import type { RuleCode, WarningCode } from "./codes.js";

/** A located problem in an inventory, reported compiler style. */
export interface Diagnostic {
  /** Absent means error. A warning is shown but blocks nothing unless the user asks (--strict). */
  severity?: "error" | "warning";
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  length: number; // characters to underline, at least 1
  code: RuleCode | WarningCode; // stable kebab-case rule id (src/diag/codes.ts), e.g. gateway-outside-subnet
  object: string; // the model object, e.g. "network provider-vip"
  message: string;
  help?: string; // what to do about it
}

export const severity = (d: Diagnostic): "error" | "warning" => d.severity ?? "error";
export const isWarning = (d: Diagnostic): boolean => d.severity === "warning";

/** Source order, then rule code: the same input always lists its findings the same way. */
export const byPosition = (a: Diagnostic, b: Diagnostic): number => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code);

/** Render one diagnostic as `file:line:col: error[code]: object: message`, the source line and a caret. */
export function formatDiagnostic(d: Diagnostic, source: string): string {
  const head = visible(`${d.file}:${d.line}:${d.col}: ${severity(d)}[${d.code}]: ${d.object ? `${d.object}: ` : ""}${d.message}`);
  const text = visible(source.replace(/^\uFEFF/, "").split(/\r?\n/)[d.line - 1] ?? "");
  const num = String(d.line);
  const pad = " ".repeat(num.length);
  const width = Math.max(1, Math.min(d.length, Math.max(1, text.length - d.col + 1)));
  const lines = [head, ` ${num} | ${text}`, ` ${pad} | ${" ".repeat(d.col - 1)}^${"~".repeat(width - 1)}`];
  if (d.help) lines.push(visible(` ${pad} = help: ${d.help}`));
  return lines.join("\n");
}

/** Control characters from the input (an escape sequence, binary bytes, a bidi override) must not reach the terminal: show each as '?', keeping columns. */
export const visible = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "?");

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "2 errors", "1 error, 1 warning", "3 warnings": what a run found. */
export function countText(ds: Diagnostic[]): string {
  const w = ds.filter(isWarning).length;
  const e = ds.length - w;
  return [e || !w ? plural(e, "error") : "", w ? plural(w, "warning") : ""].filter(Boolean).join(", ");
}

/**
 * Every diagnostic in source order, separated by blank lines: the inventory's own first, then those
 * in other files (others: their text by the name diagnostics use, e.g. the lock file).
 */
export function formatBlocks(ds: Diagnostic[], source: string, others: Record<string, string> = {}): string {
  const rank = (d: Diagnostic) => (others[d.file] === undefined ? 0 : 1);
  return [...ds]
    .sort((a, b) => rank(a) - rank(b) || byPosition(a, b))
    .map((d) => formatDiagnostic(d, others[d.file] ?? source))
    .join("\n\n");
}

/** Every diagnostic in source order, then a count line ending with tail (e.g. "; nothing was written"). */
export function formatDiagnostics(ds: Diagnostic[], source: string, tail = "; nothing was written", others: Record<string, string> = {}): string {
  return `${formatBlocks(ds, source, others)}\n\n${countText(ds)}${tail}\n`;
}
