// Commander wiring only; the work is in gen.ts, validate.ts and schema.ts. Exit codes: 0 ok, 1
// diagnostics (or warnings with --strict), drift or a user mistake, 2 usage, output-folder or internal error.
import { Command, CommanderError, Option } from "commander";
import { runGen, type GenOptions } from "./gen.js";
import { DEFAULT_INVENTORY, DEFAULT_OUT, UserError } from "./paths.js";
import { OutputError } from "../emit/write.js";
import { FORMATS } from "./report.js";
import { runSchema } from "./schema.js";
import { runValidate } from "./validate.js";
import { runPlan } from "./plan.js";
import { TARGETS } from "../targets/index.js";
import { version } from "../generated/version.js";

const EXAMPLES = `
Examples:
  gen --site jumphost            compile inventories/jumphost.yaml into out/jumphost/
  gen --site jumphost --check    exit 1 and list the drift if out/jumphost/ is stale or hand-edited
  gen --all --check --format github
                                 every site, as GitHub workflow annotations (for CI)
  gen validate                   check every inventory, write nothing
  gen validate --site roosevelt --format json
  gen schema --output .sitegen/site.schema.json
  gen plan --site fuel-env --from HEAD~1   what changes from the committed version, and the transition
  gen --site lab --inventory ./sites --out ./build

Exit codes: 0 ok; 1 inventory errors (or warnings with --strict), drift, or unknown site; 2 usage, output-folder or internal error.
Then read out/<site>/REVIEW.md, commit out/, and run bash hosts/<host>/host.sh audit on the host first.`;

const format = () =>
  new Option("-f, --format <format>", "how to report: text, json (one document on stdout), github (workflow annotations)").choices(FORMATS).default("text");
const strict = "warnings block too (exit 1, nothing written)";

/** Where the command that ran leaves its exit code (commander's actions return nothing). */
type Done = (code: number) => void;

async function main(argv: string[], entry?: URL): Promise<number> {
  let code = 0;
  const done: Done = (c) => {
    code = c;
  };
  const program = new Command("gen")
    .description("Compile a site model (inventories/<site>.yaml) into reviewable, rollback-paired host artifacts in out/<site>/")
    .option("-s, --site <name>", "site to compile (inventories/<name>.yaml)")
    .option("-a, --all", "every site in the inventory folder (on both cores when the inventories are large), one line per site")
    .option("-i, --inventory <dir>", "folder holding <site>.yaml", DEFAULT_INVENTORY)
    .option("-o, --out <dir>", "output folder; only <dir>/<site>/ is replaced", DEFAULT_OUT)
    .option("-c, --check", "write nothing; exit 1 and list differences if out/<site>/ is not what the inventory produces")
    .option("--strict", strict)
    .addOption(format())
    .option("-q, --quiet", "print only errors and warnings")
    .version(version, "-V, --version", "print gen's version")
    .addHelpText("after", EXAMPLES)
    .enablePositionalOptions() // `gen validate --inventory X` belongs to validate, not to gen
    .exitOverride()
    .action(async (o: GenOptions) => done(await runGen(o, entry)));
  subcommands(program, done, entry);
  await program.parseAsync(argv);
  return code;
}

/** validate, schema, plan and targets, in the order `gen --help` lists them. */
function subcommands(program: Command, done: Done, entry?: URL): void {
  program
    .command("validate")
    .description("check inventories (all, or one with --site) and report every problem; writes nothing")
    .option("-s, --site <name>", "only this site")
    .option("-i, --inventory <dir>", "folder holding <site>.yaml", DEFAULT_INVENTORY)
    .option("--strict", strict)
    .addOption(format())
    .option("-q, --quiet", "print only errors and warnings")
    .exitOverride()
    .action(async (o: GenOptions) => done(await runValidate(o, entry)));
  program
    .command("schema")
    .description("print the site model's JSON Schema (for editors), or write it to a file")
    .option("-o, --output <file>", "write it here instead of printing it")
    .option("-q, --quiet", "print nothing when writing")
    .exitOverride()
    .action((o: { output?: string; quiet?: boolean }) => done(runSchema(o)));
  program
    .command("plan")
    .description("the transition from a previous version of the inventory: steps added, removed and changed per host, written to <out>/<site>.transition/")
    .requiredOption("-s, --site <name>", "site (inventories/<name>.yaml)")
    .requiredOption("-f, --from <rev|file>", "the previous version: a git revision of the inventory, or a file")
    .option("-i, --inventory <dir>", "folder holding <site>.yaml", DEFAULT_INVENTORY)
    .option("-o, --out <dir>", "output folder; only <dir>/<site>.transition/ is replaced", DEFAULT_OUT)
    .option("-q, --quiet", "print only the changes")
    .exitOverride()
    .action((o: { site: string; from: string; inventory: string; out: string; quiet?: boolean }) => done(runPlan(o)));
  program
    .command("targets")
    .description("list the artifact targets, in registry order")
    .action(() => {
      for (const t of TARGETS) process.stdout.write(`${t.name.padEnd(14)} ${t.summary}\n`);
    });
}

/**
 * Run gen with argv (node, script, args...); resolves to the exit code. Messages go to stdout/stderr.
 * entry is the module a worker thread starts from (main.ts); without it every site runs on this thread.
 */
export async function cli(argv: string[], entry?: URL): Promise<number> {
  try {
    return await main(argv, entry);
  } catch (e) {
    return failure(e);
  }
}

function failure(e: unknown): number {
  if (e instanceof CommanderError) return e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0 ? 0 : 2;
  if (e instanceof OutputError || e instanceof UserError) {
    process.stderr.write(`gen: ${e.message}\n`);
    return e instanceof OutputError ? 2 : 1;
  }
  const more = process.env.SITEGEN_DEBUG ? `${(e as Error).stack}\n` : "(set SITEGEN_DEBUG=1 for the stack)\n";
  process.stderr.write(`gen: internal error: ${(e as Error).message}\n${more}`);
  return 2;
}
