import { knownSites, ymlHint } from "./load.js";
import { UserError } from "./paths.js";
import { runSites } from "./all.js";
import { withEngine } from "./engine-run.js";
import { report, type Format } from "./report.js";
import { failed, type Mode, type SiteOutcome } from "./site-run.js";

export interface RunOptions {
  inventory: string;
  out: string;
  format: Format;
  quiet?: boolean;
  strict?: boolean;
}
export interface GenOptions extends RunOptions {
  site?: string;
  all?: boolean;
  check?: boolean;
}

/** Every site of the inventory folder, or a usage error when there is none. */
export function allSites(inventory: string): string[] {
  const sites = knownSites(inventory);
  if (!sites.length) throw new UserError(`no sites: ${inventory} has no *.yaml files${ymlHint(inventory)}`);
  return sites;
}

/** Print the outcomes in the chosen format; exit 1 when any site failed. */
export function finish(command: string, outcomes: SiteOutcome[], o: RunOptions, all: boolean): number {
  const p = report(command, outcomes, { format: o.format, all, quiet: !!o.quiet });
  process.stdout.write(p.stdout);
  process.stderr.write(p.stderr);
  return outcomes.some(failed) ? 1 : 0;
}

/** gen --site NAME | --all [--check]: compile into out/NAME, or report how out/NAME differs. */
export async function runGen(o: GenOptions, entry?: URL): Promise<number> {
  // an empty --site is a site name (an invalid one), as for validate: not the same as no --site
  if (o.site !== undefined && o.all) throw new UserError("--site and --all exclude each other");
  if (o.site === undefined && !o.all) throw new UserError("missing --site <name> or --all (see gen --help)");
  const mode: Mode = o.check ? "check" : "gen";
  const outcomes = withEngine(mode, o.out, await runSites(mode, o, o.site === undefined ? allSites(o.inventory) : [o.site], entry));
  return finish(o.check ? "check" : "gen", outcomes, o, !!o.all);
}
