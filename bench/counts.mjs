// The output-size figures of issue 21, measured: each variant of the seed inventories is generated
// (gen --all) into a temp folder of its own and compared with the unchanged inventories' output by a
// real diff (git diff --no-index --numstat --no-renames, so an added file counts as added, not as a
// rename of a removed one). Quick (a few gen runs of the three seeds), no timing.
//   node bench/run.mjs --counts [--cli path/to/gen.cjs]
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { withSecondGateway } from "./jumphost-variants.mjs";

// fuel-env's file count when issue 21 was filed (the target is at most half of it).
const FUEL_ENV_BEFORE = 125;

/** The jumphost gateway address change (issue 21: one inventory line): the gateway's address field only. */
function gatewayMoved(text) {
  const at = /^(\s+address: )10\.12\.8\.1$/gm;
  const hits = text.match(at) ?? [];
  if (hits.length !== 1) throw new Error(`jumphost.yaml: expected one gateway 'address: 10.12.8.1' line, found ${hits.length}`);
  return text.replace(at, "$110.12.8.2");
}

/**
 * gen --all over a copy of the inventories (one file changed by edit, when given) into an out folder; throws unless it
 * succeeds. Each run works in a folder of its own under the same relative names (headers name the inventory as given).
 */
function generate(cli, work, name, edit) {
  const cwd = join(work, name);
  cpSync(seeds, join(cwd, "inventories"), { recursive: true });
  if (edit) writeFileSync(join(cwd, "inventories", edit.file), edit.change(readFileSync(join(cwd, "inventories", edit.file), "utf8")));
  const r = spawnSync(process.execPath, [cli, "--all", "--inventory", "inventories", "--out", "out", "-q"], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gen --all (${name}) failed: ${r.stderr}`);
  return join(cwd, "out");
}

// The seed inventories are this checkout's, whichever bin (--cli) compiles them.
const seeds = new URL("../inventories", import.meta.url).pathname;

/** Files changed between two output trees and lines added and removed, from git's numstat. */
function diffStat(a, b) {
  const r = spawnSync("git", ["diff", "--no-index", "--numstat", "--no-renames", a, b], { encoding: "utf8" });
  if (r.status !== 0 && r.status !== 1) throw new Error(`git diff --no-index failed: ${r.stderr}`);
  const rows = r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t"));
  const sum = (k) => rows.reduce((s, row) => s + (Number(row[k]) || 0), 0);
  return { files: rows.length, added: sum(0), removed: sum(1) };
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

/** Files of one site's folder, and the files of the output root that belong to no site folder (a shared engine). */
function siteCount(out, site, sites) {
  const shared = filesUnder(out).filter((f) => !sites.includes(relative(out, f).split("/")[0]));
  return { files: filesUnder(join(out, site)).length, shared: shared.length };
}

const row = (figure, measured, target, met) => ({ figure, measured, target, met: met === undefined ? "" : met ? "yes" : "no" });

/** The four targets, measured with the bin at cli; rows for console.table. */
export function countFigures(cli) {
  const work = mkdtempSync(join(tmpdir(), "sitegen-counts-"));
  try {
    const base = generate(cli, work, "base");
    const sites = readdirSync(seeds)
      .filter((f) => f.endsWith(".yaml") && !f.endsWith(".lock.yaml"))
      .map((f) => f.slice(0, -5));
    const moved = diffStat(base, generate(cli, work, "gateway", { file: "jumphost.yaml", change: gatewayMoved }));
    const second = diffStat(base, generate(cli, work, "vlan", { file: "jumphost.yaml", change: withSecondGateway }));
    const roosevelt = siteCount(base, "roosevelt", sites);
    const fuel = siteCount(base, "fuel-env", sites);
    const half = Math.floor(FUEL_ENV_BEFORE / 2);
    return [
      row("jumphost gateway 10.12.8.1 -> .2: files changed", moved.files, "<= 4", moved.files <= 4),
      // A changed line is a line of the old tree that reads differently in the new one (a -/+ pair counts once, as
      // git's "N files changed" counts files): the larger of the two sides, an added or removed line counting whole.
      // Counting the - and the + of each pair apart would double it; both sides are printed.
      row(
        "jumphost gateway 10.12.8.1 -> .2: changed lines (+/-)",
        `${Math.max(moved.added, moved.removed)} (+${moved.added}/-${moved.removed})`,
        "<= 16",
        Math.max(moved.added, moved.removed) <= 16,
      ),
      row("jumphost second VLAN gateway: files changed", `${second.files} (+${second.added}/-${second.removed})`, "<= 5", second.files <= 5),
      row("roosevelt: files in out/roosevelt", roosevelt.files, "<= 10", roosevelt.files <= 10),
      row("fuel-env: files in out/fuel-env", fuel.files, `<= ${half} (half of ${FUEL_ENV_BEFORE})`, fuel.files <= half),
      row("shared: files under the out root outside the site folders", fuel.shared, "(not a target: counted apart from the sites)"),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
