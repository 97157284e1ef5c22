// Benchmark: whole `gen` processes, several runs each, medians printed. Run after `npm run build`:
//   node bench/run.mjs [--runs N] [--ansible [SIZES]] [--ansible-only [SIZES]]
// --ansible (as root, with .tools/openssh from scripts/install-tools.sh): the same approved play over
// 3, 10 and 30 simulated hosts reached over ssh (bench/ansible-parallel.ts), wall time each;
// --ansible-only skips the gen figures.
// Targets on the 2-core dev machine: cold jumphost <= `netplan generate` for one bridge + VLAN
// (about 0.15 s); the 2,000-host / 4,000-gateway site under about 2.2 s and 300 MB; linear growth.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { syntheticSite } from "./synthetic.mjs";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "dist/gen.mjs");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const tmp = mkdtempSync(join(tmpdir(), "sitegen-bench-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Time one command RUNS times on a fresh output folder each; returns median seconds and max RSS (MB). */
function time(label, args, env = {}, okStatus = 0) {
  const secs = []; const rss = [];
  for (let i = 0; i < RUNS; i++) {
    const out = join(tmp, `out-${label}-${i}`);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(args[0], [...args.slice(1).map((a) => a.replace("{out}", out))], { cwd: root, encoding: "utf8", env: { ...process.env, SITEGEN_STATS: "1", ...env } });
    secs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== okStatus) throw new Error(`${label} failed: ${r.stderr}`);
    const m = /maxrss_kb=(\d+)/.exec(r.stderr);
    if (m) rss.push(Number(m[1]) / 1024);
    rmSync(out, { recursive: true, force: true });
  }
  return { label, median_s: Number(median(secs).toFixed(3)), min_s: Number(Math.min(...secs).toFixed(3)), maxrss_mb: rss.length ? Number(Math.max(...rss).toFixed(0)) : undefined };
}

const ansibleOnly = process.argv.indexOf("--ansible-only");
if (ansibleOnly < 0) {
  const results = [];
  results.push(time("node -e 0", [process.execPath, "-e", "0"]));
  results.push(time("gen jumphost (cold)", [process.execPath, cli, "--site", "jumphost", "--out", "{out}", "-q"]));

  const netplanRoot = join(tmp, "netplan");
  mkdirSync(join(netplanRoot, "etc/netplan"), { recursive: true });
  writeFileSync(join(netplanRoot, "etc/netplan/01.yaml"), "network:\n  version: 2\n  bridges: { virbr1: {} }\n  vlans: { virbr1.104: { id: 104, link: virbr1, addresses: [10.12.8.1/22] } }\n", { mode: 0o600 });
  if (spawnSync("sh", ["-c", "command -v netplan"]).status === 0) {
    results.push(time("netplan generate (1 bridge + VLAN)", ["netplan", "generate", "--root-dir", netplanRoot]));
  }

  const inv = join(tmp, "inventories");
  mkdirSync(inv);
  for (const hosts of [500, 1000, 2000]) {
    writeFileSync(join(inv, `synth${hosts}.yaml`), syntheticSite(`synth${hosts}`, hosts));
    const r = time(`gen synthetic ${hosts} hosts / ${2 * hosts} gateways`, [process.execPath, cli, "--site", `synth${hosts}`, "--inventory", inv, "--out", "{out}", "-q"]);
    results.push({ ...r, ms_per_host: Number(((r.median_s * 1000) / hosts).toFixed(3)) });
  }
  // The same 2,000-host site without writing (--check against an empty folder: compile and compare
  // only), to separate compute from this disk's cost of creating ~18,000 files.
  const c = time("gen synthetic 2000 hosts, compile only (--check, no writes)", [process.execPath, cli, "--site", "synth2000", "--inventory", inv, "--out", "{out}", "--check"], {}, 1);
  results.push(c);
  // netplan's own generator on the same 2,000 bridges and 4,000 VLANs, writing its 12,000 networkd files.
  if (spawnSync("sh", ["-c", "command -v netplan"]).status === 0) {
    const big = join(tmp, "netplan-big");
    mkdirSync(join(big, "etc/netplan"), { recursive: true });
    const lines = ["network:", "  version: 2", "  bridges:"];
    for (let i = 0; i < 2000; i++) lines.push(`    br${i}: {}`);
    lines.push("  vlans:");
    for (let i = 0; i < 4000; i++) lines.push(`    br${i >> 1}.${100 + (i & 1)}: { id: ${100 + (i & 1)}, link: br${i >> 1}, addresses: [10.${i >> 8}.${i & 255}.1/24] }`);
    writeFileSync(join(big, "etc/netplan/01.yaml"), `${lines.join("\n")}\n`, { mode: 0o600 });
    results.push(time("netplan generate (2,000 bridges + 4,000 VLANs)", ["sh", "-c", `rm -rf ${big}/run && netplan generate --root-dir ${big}`]));
  }
  console.log(`runs per figure: ${RUNS}`);
  console.table(results);
}
rmSync(tmp, { recursive: true, force: true });

const ansibleArg = ansibleOnly > 0 ? ansibleOnly : process.argv.indexOf("--ansible");
if (ansibleArg > 0) {
  const sizes = process.argv[ansibleArg + 1]?.match(/^[\d,]+$/) ? process.argv[ansibleArg + 1] : "3,10,30";
  const report = join(tmpdir(), `sitegen-bench-fleet-${process.pid}.json`);
  const r = spawnSync("npx", ["vitest", "run", "--config", "bench/vitest.config.ts"], {
    cwd: root, stdio: "inherit", env: { ...process.env, SITEGEN_FLEET_SIZES: sizes, SITEGEN_FLEET_REPORT: report },
  });
  if (r.status !== 0) throw new Error("the Ansible parallelism run failed (see above)");
  console.log("ansible-playbook, the same approved play over N simulated hosts (ssh, default forks):");
  console.table(JSON.parse(readFileSync(report, "utf8")));
  rmSync(report, { force: true });
}
