// Commander wiring only; the work is in gen.ts and validate.ts. Exit codes: 0 ok, 1 diagnostics,
// drift or a user mistake, 2 usage, output-folder or internal error.
import { Command, CommanderError } from "commander";
import { runGen } from "./gen.js";
import { UserError } from "./paths.js";
import { OutputError } from "../emit/write.js";
import { runValidate } from "./validate.js";
import { TARGETS } from "../targets/index.js";

const EXAMPLES = `
Examples:
  gen --site jumphost            compile inventories/jumphost.yaml into out/jumphost/
  gen --site jumphost --check    exit 1 and list the drift if out/jumphost/ is stale or hand-edited
  gen validate                   check every inventory, write nothing
  gen validate --site roosevelt  check one inventory
  gen --site lab --inventory ./sites --out ./build

Exit codes: 0 ok; 1 inventory errors, drift, or unknown site; 2 usage, output-folder or internal error.
Then read out/<site>/REVIEW.md, commit out/, and run hosts/<host>/audit.sh on the host first.`;

function main(argv: string[]): number {
  let code = 0;
  const program = new Command("gen")
    .description("Compile a site model (inventories/<site>.yaml) into reviewable, rollback-paired host artifacts in out/<site>/")
    .option("-s, --site <name>", "site to compile (inventories/<name>.yaml)")
    .option("-i, --inventory <dir>", "folder holding <site>.yaml", "inventories")
    .option("-o, --out <dir>", "output folder; only <dir>/<site>/ is replaced", "out")
    .option("-c, --check", "write nothing; exit 1 and list differences if out/<site>/ is not what the inventory produces")
    .option("-q, --quiet", "print only errors")
    .addHelpText("after", EXAMPLES)
    .enablePositionalOptions() // `gen validate --inventory X` belongs to validate, not to gen
    .exitOverride()
    .action((o: { site?: string; inventory: string; out: string; check?: boolean; quiet?: boolean }) => {
      if (!o.site) throw new UserError("missing --site <name> (see gen --help)");
      code = runGen({ ...o, site: o.site });
    });
  program.command("validate")
    .description("check inventories (all, or one with --site) and report every problem; writes nothing")
    .option("-s, --site <name>", "only this site")
    .option("-i, --inventory <dir>", "folder holding <site>.yaml", "inventories")
    .exitOverride()
    .action((o: { site?: string; inventory: string }) => { code = runValidate(o); });
  program.command("targets")
    .description("list the artifact targets, in registry order")
    .action(() => { for (const t of TARGETS) process.stdout.write(`${t.name.padEnd(14)} ${t.summary}\n`); });
  program.parse(argv);
  return code;
}

/** Run gen with argv (node, script, args...); returns the exit code. Messages go to stdout/stderr. */
export function cli(argv: string[]): number {
  try {
    return main(argv);
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
  const stack = process.env.SITEGEN_DEBUG ? `${(e as Error).stack}\n` : "(set SITEGEN_DEBUG=1 for the stack)\n";
  process.stderr.write(`gen: internal error: ${(e as Error).message}\n${stack}`);
  return 2;
}
