// Benchmark: whole `gen` processes, several runs each, medians printed. Run after `npm run build`:
//   node bench/run.mjs [--runs N] [--cli path/to/gen.cjs] [--counts] [--cold-only] [--ansible [SIZES]] [--ansible-only [SIZES]]
// --counts: only the output-size figures of issue 21 (bench/counts.mjs: files and lines a change touches,
// files per site), no timing; the default run prints them first.
// --cold-only: only the cold start and its netplan pair (quick, so it can take many runs).
// --ansible (as root, with .tools/openssh from scripts/install-tools.sh): the same approved play over
// 3, 10 and 30 simulated hosts reached over ssh (bench/ansible-parallel.ts), wall time each;
// --ansible-only skips the gen figures.
// Targets (issue 15) on the 2-core dev machine, as ratios of runs paired with `netplan generate` on the
// same bridges and VLANs (each gen run is followed by its netplan run, so both see the same load):
// cold jumphost at most 0.75x netplan on one bridge + VLAN; the 2,000-host / 4,000-gateway site at or
// under 1x netplan on 2,000 bridges + 4,000 VLANs and under 300 MB; 10x the hosts at most 10.5x the time.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { countFigures } from "./counts.mjs";
import { syntheticSite } from "./synthetic.mjs";

const root = new URL("..", import.meta.url).pathname;
// --cli <path>: another build of the bin (e.g. a copy of main's dist/) for before/after figures. --cli may
// repeat: for the cold start (--cold-only) and the 2,000-host site the builds take turns, each run paired
// with a netplan run of its own (the 2,000 / 200 pair and the compile-only figure use the first).
// (made absolute: the counts run gen from temp folders of their own)
const clis = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--cli" ? [resolve(a)] : []));
const cli = clis[0] ?? join(root, "dist/gen.cjs");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const tmp = mkdtempSync(join(tmpdir(), "sitegen-bench-"));
const loadBefore = loadavg()
  .map((l) => l.toFixed(2))
  .join(" ");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The 2,000-host pair's runs also report their system time (the file system's share: folders and files
// made), through /usr/bin/time where it is installed; the cold pair is left unwrapped.
const TIME = spawnSync("sh", ["-c", "command -v /usr/bin/time"]).status === 0 ? ["/usr/bin/time", "-f", "sitegen_times sys=%S"] : [];

/** One run of a command on a fresh output folder: seconds, peak RSS (MB, when gen reports it) and system seconds (when timed). */
function once(label, args, okStatus, i, timed = false) {
  const out = join(tmp, `out-${label}-${i}`);
  const argv = [...(timed ? TIME : []), ...args];
  const t0 = process.hrtime.bigint();
  // maxBuffer: --check against no tree lists every file of the 2,000-host site (more than spawnSync's 1 MB default)
  const r = spawnSync(argv[0], [...argv.slice(1).map((a) => a.replace("{out}", out))], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 << 20,
    env: { ...process.env, SITEGEN_STATS: "1" },
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== okStatus) throw new Error(`${label} failed: ${r.stderr}`);
  rmSync(out, { recursive: true, force: true });
  // the removal's file system work (thousands of inodes freed) must not land in the next run's figure
  spawnSync("sync");
  const m = /maxrss_kb=(\d+)/.exec(r.stderr);
  const sys = /sitegen_times sys=([\d.]+)/.exec(r.stderr);
  return { s, rss: m ? Number(m[1]) / 1024 : undefined, sys: sys ? Number(sys[1]) : undefined };
}

const summary = (label, runs) => ({
  label,
  median_s: Number(median(runs.map((r) => r.s)).toFixed(3)),
  min_s: Number(Math.min(...runs.map((r) => r.s)).toFixed(3)),
  maxrss_mb: runs.some((r) => r.rss) ? Number(Math.max(...runs.map((r) => r.rss ?? 0)).toFixed(0)) : undefined,
  sys_median_s: runs.some((r) => r.sys !== undefined) ? Number(median(runs.map((r) => r.sys ?? 0)).toFixed(2)) : undefined,
});

/** Time one command RUNS times; returns median seconds and max RSS (MB). */
function time(label, args, okStatus = 0) {
  return summary(
    label,
    Array.from({ length: RUNS }, (_, i) => once(label, args, okStatus, i)),
  );
}

/** Each a then b, in turn, RUNS times: every summary and, for each a, the median of its per-pair ratios a/b. */
function pairedMany(as, b) {
  const ra = as.map(() => []);
  const rb = as.map(() => []);
  const ratios = as.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    as.forEach((a, j) => {
      ra[j].push(once(a.label, a.args, a.okStatus ?? 0, i, a.timed));
      rb[j].push(once(b.label, b.args, b.okStatus ?? 0, i, b.timed));
      ratios[j].push(ra[j][i].s / rb[j][i].s);
    });
  }
  return as.map((a, j) => ({ a: summary(a.label, ra[j]), b: summary(b.label, rb[j]), ratio: Number(median(ratios[j]).toFixed(3)) }));
}
const paired = (a, b) => pairedMany([a], b)[0];

/** The gen figures: cold start and the synthetic sites, each paired with netplan generate on the same bridges and VLANs. */
function genFigures() {
  if (spawnSync("sh", ["-c", "command -v netplan"]).status !== 0)
    throw new Error("the targets are ratios to netplan generate: install netplan.io (scripts/install-tools.sh)");
  const results = [];
  const ratios = {};
  results.push(time("node -e 0", [process.execPath, "-e", "0"]));

  const netplanRoot = join(tmp, "netplan");
  mkdirSync(join(netplanRoot, "etc/netplan"), { recursive: true });
  writeFileSync(
    join(netplanRoot, "etc/netplan/01.yaml"),
    "network:\n  version: 2\n  bridges: { virbr1: {} }\n  vlans: { virbr1.104: { id: 104, link: virbr1, addresses: [10.12.8.1/22] } }\n",
    { mode: 0o600 },
  );
  const coldOnly = process.argv.includes("--cold-only");
  const colds = pairedMany(
    (coldOnly && clis.length > 1 ? clis : [cli]).map((c) => ({
      label: clis.length > 1 ? `gen jumphost (cold), ${c}` : "gen jumphost (cold)",
      args: [process.execPath, c, "--site", "jumphost", "--out", "{out}", "-q"],
    })),
    { label: "netplan generate (1 bridge + VLAN)", args: ["netplan", "generate", "--root-dir", netplanRoot] },
  );
  for (const c of colds) {
    results.push(c.a, c.b);
    ratios[`${c.a.label} / netplan (target <= 0.75)`] = c.ratio;
  }
  if (coldOnly) return report(results, ratios);

  // netplan's own generator on the same 2,000 bridges and 4,000 VLANs, writing its 12,000 networkd files.
  const big = join(tmp, "netplan-big");
  mkdirSync(join(big, "etc/netplan"), { recursive: true });
  const lines = ["network:", "  version: 2", "  bridges:"];
  for (let i = 0; i < 2000; i++) lines.push(`    br${i}: {}`);
  lines.push("  vlans:");
  for (let i = 0; i < 4000; i++)
    lines.push(`    br${i >> 1}.${100 + (i & 1)}: { id: ${100 + (i & 1)}, link: br${i >> 1}, addresses: [10.${i >> 8}.${i & 255}.1/24] }`);
  writeFileSync(join(big, "etc/netplan/01.yaml"), `${lines.join("\n")}\n`, { mode: 0o600 });
  // a fresh root per run, as gen gets a fresh out folder: the previous run's 12,000 files are removed untimed
  const netplanBig = {
    label: "netplan generate (2,000 bridges + 4,000 VLANs)",
    args: ["sh", "-c", `mkdir -p "$0/etc/netplan" && cp -p ${big}/etc/netplan/01.yaml "$0/etc/netplan/" && netplan generate --root-dir "$0"`, "{out}"],
    timed: true,
  };

  const inv = join(tmp, "inventories");
  mkdirSync(inv);
  const synth = (hosts, more = [], okStatus = 0, bin = cli) => {
    writeFileSync(join(inv, `synth${hosts}.yaml`), syntheticSite(`synth${hosts}`, hosts));
    return { args: [process.execPath, bin, "--site", `synth${hosts}`, "--inventory", inv, "--out", "{out}", ...more], okStatus };
  };
  const bigs = pairedMany(
    (clis.length > 1 ? clis : [cli]).map((c) => ({
      label: clis.length > 1 ? `gen synthetic 2000 hosts / 4000 gateways, ${c}` : "gen synthetic 2000 hosts / 4000 gateways",
      ...synth(2000, ["-q"], 0, c),
      timed: true,
    })),
    netplanBig,
  );
  for (const b of bigs) {
    results.push(b.a, b.b);
    ratios[`${b.a.label} / netplan on 2,000 bridges (target <= 1)`] = b.ratio;
  }
  // 10x the hosts: each 2,000-host run followed by a 200-host run and the ratio taken pair by pair, as for
  // netplan (a ratio of two medians taken minutes apart moved with the load between them: 6x to 15x in a day)
  const scale = paired(
    { label: "gen synthetic 2000 hosts (paired with 200)", ...synth(2000, ["-q"]) },
    { label: "gen synthetic 200 hosts / 400 gateways", ...synth(200, ["-q"]) },
  );
  results.push(scale.a, scale.b);
  ratios["2,000 hosts / 200 hosts, paired (target <= 10.5)"] = scale.ratio;
  // The same 2,000-host site without writing (--check against an empty folder: compile and compare
  // only), to separate compute from this disk's cost of creating ~10,000 files.
  results.push(time("gen synthetic 2000 hosts, compile only (--check, no writes)", synth(2000, ["--check"], 1).args, 1));
  report(results, ratios);
}

function report(results, ratios) {
  console.log(
    `runs per figure: ${RUNS}; load average before and after: ${loadBefore} / ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.table(results);
  console.table(ratios);
}

const ansibleOnly = process.argv.indexOf("--ansible-only");
const countsOnly = process.argv.includes("--counts");
if (ansibleOnly < 0 && !process.argv.includes("--cold-only")) {
  console.log(`output size (issue 21), ${cli}:`);
  console.table(countFigures(cli));
}
if (ansibleOnly < 0 && !countsOnly) genFigures();
rmSync(tmp, { recursive: true, force: true });

const ansibleArg = ansibleOnly > 0 ? ansibleOnly : process.argv.indexOf("--ansible");
if (ansibleArg > 0) {
  const sizes = process.argv[ansibleArg + 1]?.match(/^[\d,]+$/) ? process.argv[ansibleArg + 1] : "3,10,30";
  const report = join(tmpdir(), `sitegen-bench-fleet-${process.pid}.json`);
  const r = spawnSync("npx", ["vitest", "run", "--config", "bench/vitest.config.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, SITEGEN_FLEET_SIZES: sizes, SITEGEN_FLEET_REPORT: report },
  });
  if (r.status !== 0) throw new Error("the Ansible parallelism run failed (see above)");
  console.log("ansible-playbook, the same approved play over N simulated hosts (ssh, default forks):");
  console.table(JSON.parse(readFileSync(report, "utf8")));
  rmSync(report, { force: true });
}
