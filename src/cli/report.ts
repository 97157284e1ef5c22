// How a run's outcomes are shown: text for people (as gen always printed), JSON for tools, GitHub
// workflow commands for CI annotations. Reporters only format; the exit code follows from the outcomes.
import { dirname } from "node:path";
import { countText, formatBlocks, isWarning, severity, type Diagnostic } from "../diag/diagnostic.js";
import { shq } from "../render/shell-quote.js";
import { DEFAULT_INVENTORY, DEFAULT_OUT } from "./paths.js";
import { failed, strictOnly, type SiteOutcome } from "./site-run.js";

export const FORMATS = ["text", "json", "github"] as const;
export type Format = (typeof FORMATS)[number];

export interface Printed {
  stdout: string;
  stderr: string;
}
export interface ReportOptions {
  format: Format;
  all: boolean;
  quiet: boolean;
}

/** The command that makes the site's output current again: with this run's folders where they are not the defaults. */
export function rerun(o: SiteOutcome): string {
  const inventory = dirname(o.inventory);
  const out = dirname(o.out!);
  return `gen --site ${o.site}${inventory === DEFAULT_INVENTORY ? "" : ` --inventory ${shq(inventory)}`}${out === DEFAULT_OUT ? "" : ` --out ${shq(out)}`}`;
}

/** The one line that says how a site went. */
export function summaryLine(o: SiteOutcome, labelled: boolean): string {
  const ws = o.diagnostics.length ? `; ${countText(o.diagnostics)}` : "";
  switch (o.status) {
    case "valid":
      return `${o.inventory}: ok${ws}`;
    case "current":
      return `${o.out}: up to date (${o.files} files)${ws}`;
    case "wrote":
    case "unchanged":
      return `${o.out}: ${o.status === "wrote" ? "wrote" : "unchanged,"} ${o.files} files; review ${o.out}/REVIEW.md${ws}`;
    case "drift": {
      const n = o.drift!.length;
      return `${o.out} is not what ${o.inventory} produces (${n} difference${n === 1 ? "" : "s"}); run: ${rerun(o)}`;
    }
    case "invalid": {
      const tail = `${o.mode === "validate" ? "" : "; nothing was written"}${strictOnly(o) ? " (--strict)" : ""}`;
      return `${labelled ? `${o.inventory}: ` : ""}${countText(o.diagnostics)}${tail}`;
    }
  }
}

function textSite(o: SiteOutcome, r: ReportOptions, p: Printed): void {
  for (const n of o.notes ?? []) p.stderr += `gen: ${n}\n`;
  if (o.diagnostics.length) p.stderr += `${formatBlocks(o.diagnostics, o.text, o.others)}\n\n`;
  if (!r.quiet) for (const a of o.allocated ?? []) p.stdout += `${a}\n`;
  if (o.status === "drift") {
    p.stderr += `${o.out} is not what ${o.inventory} produces:\n${o.drift!.map((l) => `  ${l}`).join("\n")}\nrun: ${rerun(o)}\n`;
  } else if (o.status === "invalid") {
    p.stderr += `${summaryLine(o, r.all)}\n`;
  } else if (!r.quiet) {
    p.stdout += `${summaryLine(o, r.all)}\n`;
  }
}

/** `%`, CR and LF are escaped in a workflow command's message; `:` and `,` too in its properties. */
const ghData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const ghProp = (s: string) => ghData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function ghDiagnostic(d: Diagnostic): string {
  const msg = `${d.object ? `${d.object}: ` : ""}${d.message}${d.help ? ` (help: ${d.help})` : ""}`;
  return `::${severity(d)} file=${ghProp(d.file)},line=${d.line},col=${d.col},title=${ghProp(`sitegen ${d.code}`)}::${ghData(msg)}\n`;
}

/** A drift line ("changed:    path", "mode:       path is 0644, ...") as its kind, path and detail. */
export function parseDrift(line: string): { kind: string; path: string; detail?: string } {
  const m = /^(\w+):\s+(\S+)(?: (.*))?$/.exec(line);
  return m ? { kind: m[1]!, path: m[2]!, ...(m[3] ? { detail: m[3] } : {}) } : { kind: "changed", path: line };
}

function githubSite(o: SiteOutcome, p: Printed): void {
  for (const n of o.notes ?? []) p.stdout += `::notice title=sitegen::${ghData(n)}\n`;
  for (const d of o.diagnostics) p.stdout += ghDiagnostic(d);
  for (const l of o.drift ?? []) {
    const d = parseDrift(l);
    const file = d.kind === "leftover" ? d.path : `${o.out}/${d.path}`;
    const msg = `${l.replace(/\s+/g, " ")}: ${o.out} is not what ${o.inventory} produces; run: ${rerun(o)}`;
    p.stdout += `::error file=${ghProp(file)},title=sitegen drift::${ghData(msg)}\n`;
  }
  p.stdout += `${summaryLine(o, true)}\n`;
}

function jsonDiagnostic(d: Diagnostic) {
  return {
    severity: severity(d),
    code: d.code,
    file: d.file,
    line: d.line,
    column: d.col,
    length: d.length,
    object: d.object,
    message: d.message,
    ...(d.help ? { help: d.help } : {}),
  };
}

/** One JSON document for the whole run, on stdout. */
export function jsonReport(command: string, outcomes: SiteOutcome[]): string {
  const all = outcomes.flatMap((o) => o.diagnostics);
  const doc = {
    tool: "sitegen",
    command,
    ok: !outcomes.some(failed),
    errors: all.filter((d) => !isWarning(d)).length,
    warnings: all.filter(isWarning).length,
    sites: outcomes.map((o) => ({
      site: o.site,
      inventory: o.inventory,
      status: o.status,
      ok: !failed(o),
      ...(o.out !== undefined ? { out: o.out, files: o.files } : {}),
      ...(o.drift ? { drift: o.drift.map(parseDrift) } : {}),
      ...(o.notes ? { notes: o.notes } : {}),
      diagnostics: o.diagnostics.map(jsonDiagnostic),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Everything a run prints, in site order; with --all a last line counts the sites. */
export function report(command: string, outcomes: SiteOutcome[], r: ReportOptions): Printed {
  if (r.format === "json") return { stdout: jsonReport(command, outcomes), stderr: "" };
  const p: Printed = { stdout: "", stderr: "" };
  for (const o of outcomes) r.format === "github" ? githubSite(o, p) : textSite(o, r, p);
  if (r.all) {
    const bad = outcomes.filter(failed).length;
    const n = outcomes.length;
    if (bad || !r.quiet) p[bad && r.format === "text" ? "stderr" : "stdout"] += `${n} site${n === 1 ? "" : "s"}: ${n - bad} ok, ${bad} failed\n`;
  }
  return p;
}
