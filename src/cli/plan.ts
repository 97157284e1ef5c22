// gen plan --site NAME --from REV|FILE: the transition from a previous version of the inventory.
import { ENGINE, engineFiles } from "../bundles/engine.js";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { compile, type Build, type LockInput } from "../compile.js";
import { formatDiagnostics } from "../diag/diagnostic.js";
import { writeSite } from "../emit/write.js";
import { transition } from "../transition/index.js";
import { childProcess } from "./builtin.js";
import { readSite } from "./load.js";
import { readLock } from "./lock.js";
import { UserError } from "./paths.js";

export interface PlanOptions {
  site: string;
  inventory: string;
  out: string;
  from: string;
  quiet?: boolean;
}

/** The previous inventory: a file if one exists at that path, else the site's file at a git revision. */
function previous(from: string, file: string): { text: string; label: string } {
  if (existsSync(from)) return { text: readFileSync(from, "utf8"), label: `file ${basename(from)}` };
  const git = (...args: string[]) =>
    childProcess().execFileSync("git", ["-C", dirname(file), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    const commit = git("rev-parse", "--short", `${from}^{commit}`).trim();
    return { text: git("show", `${commit}:./${basename(file)}`), label: `${from} (${commit})` };
  } catch (e) {
    const why = String((e as { stderr?: string }).stderr ?? e)
      .trim()
      .split("\n")[0];
    throw new UserError(`--from ${from}: neither a file nor a git revision holding ${file} (${why})`);
  }
}

function build(text: string, display: string, site: string, source: string, lock?: LockInput): Build | string {
  const r = compile(text, display, { site, source, ...(lock ? { lock } : {}) });
  return r.ok ? r.build : formatDiagnostics(r.diagnostics, text, undefined, lock ? { [lock.file]: lock.text } : {});
}

export function runPlan(o: PlanOptions): number {
  const { paths, text } = readSite(o.inventory, o.site);
  const old = previous(o.from, paths.file);
  const a = build(old.text, `${paths.display}@${old.label}`, o.site, paths.source);
  // the lock beside the inventory holds the current version's allocations: gen reads it, so the plan does too
  const b = build(text, paths.display, o.site, paths.source, readLock(paths));
  for (const r of [a, b])
    if (typeof r === "string") {
      process.stderr.write(r);
      return 1;
    }
  const t = transition(a as Build, b as Build, old.label);
  const dir = join(o.out, `${o.site}.transition`);
  writeSite(o.out, `${o.site}.transition`, t.files);
  // its host scripts source the engine's lib.sh, as a site's do
  writeSite(o.out, ENGINE, engineFiles());
  process.stdout.write(t.summary);
  if (!o.quiet) process.stdout.write(`${dir}: wrote ${t.files.length} files; review ${join(dir, "REVIEW.md")}\n`);
  return 0;
}
