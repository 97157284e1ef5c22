/** A located problem in an inventory, reported compiler style. */
export interface Diagnostic {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  length: number; // characters to underline, at least 1
  code: string; // stable kebab-case rule id, e.g. gateway-outside-subnet
  object: string; // the model object, e.g. "network provider-vip"
  message: string;
  help?: string; // what to do about it
}

/** Render one diagnostic as `file:line:col: error[code]: object: message`, the source line and a caret. */
export function formatDiagnostic(d: Diagnostic, source: string): string {
  const head = visible(`${d.file}:${d.line}:${d.col}: error[${d.code}]: ${d.object ? `${d.object}: ` : ""}${d.message}`);
  const text = visible(source.split(/\r?\n/)[d.line - 1] ?? "");
  const num = String(d.line);
  const pad = " ".repeat(num.length);
  const width = Math.max(1, Math.min(d.length, Math.max(1, text.length - d.col + 1)));
  const lines = [head, ` ${num} | ${text}`, ` ${pad} | ${" ".repeat(d.col - 1)}^${"~".repeat(width - 1)}`];
  if (d.help) lines.push(visible(` ${pad} = help: ${d.help}`));
  return lines.join("\n");
}

/** Control characters from the input (an escape sequence, binary bytes, a bidi override) must not reach the terminal: show each as '?', keeping columns. */
const visible = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "?");

/** others: the text of other files diagnostics may point into (the lock file), by the name they use. */
export function formatDiagnostics(ds: Diagnostic[], source: string, others: Record<string, string> = {}): string {
  const rank = (d: Diagnostic) => (others[d.file] === undefined ? 0 : 1); // the inventory's own first
  const sorted = [...ds].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
  const n = sorted.length;
  return `${sorted.map((d) => formatDiagnostic(d, others[d.file] ?? source)).join("\n\n")}\n\n${n} error${n === 1 ? "" : "s"}; nothing was written\n`;
}
