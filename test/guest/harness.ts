// Guest-kernel test harness: builds (or reuses) the Debian guest image and runs job scripts in a
// disposable qemu guest through guest/vm.sh, across real reboots. See guest/vm.sh for the protocol.
//
// Availability: in CI (CI=true) the guest tests always run; a missing qemu or mmdebstrap is
// installed by guest/build-image.sh, and anything that still fails makes the tests FAIL. Locally
// (CI unset) they skip, with the reason printed, when qemu is missing or no image can be built.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST_SH } from "../helpers/gen.js";

export const ROOT = join(import.meta.dirname, "../..");
export const BUILD_IMAGE = join(ROOT, "guest/build-image.sh");
export const VM_SH = join(ROOT, "guest/vm.sh");
export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** Per-test timeout for guest tests: TCG is slow; a three-boot flow takes ~1.5-3 min here. */
export const GUEST_TEST_TIMEOUT_MS = 10 * 60_000;
/** beforeAll that may build the image from nothing (cold build ~1 min, plus apt for host tools). */
export const IMAGE_BUILD_TIMEOUT_MS = 15 * 60_000;

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function cachedImage(): string | null {
  const r = spawnSync("bash", [BUILD_IMAGE, "--print"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

export interface GuestAvailability {
  run: boolean;
  reason: string;
}

/**
 * Decides, synchronously at collection time, whether guest tests run. In CI they always run
 * (and fail loudly if the guest cannot be built or booted).
 */
export function guestAvailability(): GuestAvailability {
  if (IN_CI) return { run: true, reason: "CI: guest tests are mandatory" };
  const missing = ["qemu-system-x86_64", "qemu-img"].filter((c) => !has(c));
  if (missing.length > 0) {
    return {
      run: false,
      reason: `${missing.join(", ")} not installed: run 'guest/build-image.sh' as root (installs qemu and mmdebstrap from Debian, builds the image)`,
    };
  }
  if (cachedImage()) return { run: true, reason: "image cached" };
  if (!has("mmdebstrap")) return { run: false, reason: "no cached guest image and mmdebstrap is not installed: run 'guest/build-image.sh' as root" };
  if (process.getuid?.() !== 0) return { run: false, reason: "no cached guest image, and building one needs root: run 'guest/build-image.sh' as root" };
  return { run: true, reason: "image will be built" };
}

/** Builds the image if needed (installing host tools when missing) and returns its directory. */
export function ensureImage(): string {
  const t0 = Date.now();
  const r = spawnSync("bash", [BUILD_IMAGE], { encoding: "utf8", timeout: IMAGE_BUILD_TIMEOUT_MS - 30_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`guest/build-image.sh failed (status ${r.status}, signal ${r.signal}):\n${(r.stderr ?? "").split("\n").slice(-40).join("\n")}`);
  }
  for (const c of ["qemu-system-x86_64", "qemu-img"]) {
    if (!has(c)) throw new Error(`${c} is still missing after guest/build-image.sh`);
  }
  const dir = r.stdout.trim();
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  process.stderr.write(`[guest] image ${dir} ready in ${secs}s\n`);
  return dir;
}

export interface GuestJob {
  /** Sorts the jobs: use a numeric prefix ("010-audit"). [A-Za-z0-9_.-] only. */
  name: string;
  /** bash script body; lib.sh (snap, wait_for, ...) is already sourced. */
  script: string;
  /** Seconds, enforced inside the guest (default 300). */
  timeoutSec?: number;
  /** Ask for a real reboot after this job. */
  reboot?: boolean;
  /**
   * A hold job: after its script, it brings up the ssh NIC and waits until the host has run
   * RunOptions.onHold for it (the host drives the guest over ssh meanwhile). Needs ssh: true.
   */
  hold?: boolean;
}

export interface JobResult {
  name: string;
  rc: number | null;
  stdout: string;
  stderr: string;
  bootId: string;
}

export interface GuestRun {
  /** Exit status of guest/vm.sh: 0 when every job produced an exit code. */
  vmExit: number | null;
  jobs: Record<string, JobResult>;
  /** One boot_id per guest boot, in order. */
  boots: string[];
  /** Host epoch seconds at which each qemu process started and exited, in boot order. */
  bootWindows: Array<{ start: number; end: number }>;
  /** Epoch seconds recorded in the guest by the job helper `mark NAME` (the guest RTC is the host clock). */
  marks: Record<string, number>;
  seconds: number;
  share: string;
  /** vm.sh log plus the last console lines: for failure messages. */
  log: string;
  /** Reads SHARE/snap/NAME.{link,addr,route}.json written by the job helper `snap NAME`. */
  snapshot(name: string): Snapshot;
}

export interface Snapshot {
  link: IpLink[];
  addr: IpLink[];
  route: IpRoute[];
}
export type IpLink = Record<string, unknown> & { ifname: string };
export type IpRoute = Record<string, unknown>;

/**
 * Shell helpers available to every job (sourced before the job body). `snap NAME` records
 * `ip -j link`, `ip -j addr`, `ip -j route` for the host-side comparison.
 */
const LIB_SH = String.raw`
set -uo pipefail
snap() { # NAME: record link/addr/route state after IPv6 duplicate address detection settles
  local n=$1 i
  for i in $(seq 1 50); do ip -6 addr show tentative | grep -q . || break; sleep 0.2; done
  mkdir -p "$GUEST_SHARE/snap"
  ip -j link show >"$GUEST_SHARE/snap/$n.link.json"
  ip -j addr show >"$GUEST_SHARE/snap/$n.addr.json"
  ip -j route show >"$GUEST_SHARE/snap/$n.route.json"
}
wait_for() { # SECONDS DESCRIPTION COMMAND...: poll until the command succeeds
  local t=$1 what=$2 i; shift 2
  for ((i = 0; i < t * 5; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timed out after $t s waiting for: $what" >&2; return 1
}
reboot_after() { : >"$GUEST_REBOOT"; }
mark() { mkdir -p "$GUEST_SHARE/marks"; date +%s.%N >"$GUEST_SHARE/marks/$1"; } # NAME: host-comparable time
ssh_up() { # ssh mode: the host's key for root, 10.0.2.15/24 on the user-mode NIC (qemu's hostfwd target)
  local nic
  install -d -m 700 /root/.ssh && install -m 600 "$GUEST_SHARE/ssh/id_ed25519.pub" /root/.ssh/authorized_keys
  for nic in /sys/class/net/*; do
    [ "$(basename "$(readlink -f "$nic/device/driver" 2>/dev/null)")" = virtio_net ] || continue
    nic=$(basename "$nic")
    ip addr replace 10.0.2.15/24 dev "$nic" && ip link set dev "$nic" up && break
  done
  systemctl start ssh.service
}
hold() { # NAME: wait (bounded by the job timeout) until the host releases this job
  ssh_up
  echo "held; waiting for $GUEST_SHARE/release/$1"
  while [ ! -e "$GUEST_SHARE/release/$1" ]; do sleep 0.5; done
  cat "$GUEST_SHARE/release/$1"
}
`;

export interface RunOptions {
  /** Directories to copy into the share (guest path /mnt/host/<to>). */
  copy?: Array<{ from: string; to: string }>;
  /** Extra files written into the share: relative path -> content. */
  files?: Record<string, string>;
  /** Seconds for the whole run (default 600). */
  totalTimeoutSec?: number;
  /** Seconds for one qemu boot (default 300). */
  bootTimeoutSec?: number;
  /** Keep the share directory even on success (also: env GUEST_KEEP=1). */
  keep?: boolean;
  /**
   * ssh mode: a user-mode NIC with restrict=on (no path off this machine) and a port forward
   * bound to 127.0.0.1 only; a fresh key pair per run.
   */
  ssh?: boolean;
  /** Called once per hold job, while the guest waits in it; the job is released when it resolves. */
  onHold?: (job: string, ctx: SshContext) => Promise<void>;
}

export interface SshContext {
  port: number;
  /** ssh options for root@127.0.0.1 (key, port, no host-key bookkeeping, batch mode). */
  sshArgs: string[];
  keyFile: string;
  /** Runs a command in the guest over ssh (bounded). */
  ssh(command: string, timeoutMs?: number): Promise<ExecResult>;
  /** Waits until ssh answers (bounded). */
  waitSsh(timeoutMs?: number): Promise<void>;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a host command asynchronously with a hard timeout (SIGKILL of that child only). */
export function exec(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function sshContext(share: string, port: number): SshContext {
  const keyFile = join(share, "ssh/id_ed25519");
  const sshArgs = [
    "-i",
    keyFile,
    "-p",
    String(port),
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=10",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "IdentitiesOnly=yes",
  ];
  const ssh = (command: string, timeoutMs = 120_000) => exec("ssh", [...sshArgs, "root@127.0.0.1", command], { timeoutMs });
  const waitSsh = async (timeoutMs = 120_000) => {
    const end = Date.now() + timeoutMs;
    let last: ExecResult | undefined;
    while (Date.now() < end) {
      last = await ssh("true", 20_000);
      if (last.code === 0) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`ssh to 127.0.0.1:${port} did not answer within ${timeoutMs / 1000}s: ${last?.stderr ?? ""}`);
  };
  return { port, sshArgs, keyFile, ssh, waitSsh };
}

const NAME_RE = /^[A-Za-z0-9_.-]+$/;

export async function runGuest(jobs: GuestJob[], opts: RunOptions = {}): Promise<GuestRun> {
  const share = mkdtempSync(join(tmpdir(), "sitegen-guest-"));
  mkdirSync(join(share, "jobs"));
  writeFileSync(join(share, "lib.sh"), LIB_SH);
  for (const c of opts.copy ?? []) {
    cpSync(c.from, join(share, c.to), { recursive: true });
    // a host's folder copied away from out/: its host.sh finds the engine's lib.sh beside them (the engine
    // beside its site's tree, or the committed one for a golden case: it is the same for every site)
    if (existsSync(join(c.from, HOST_SH))) {
      const beside = join(c.from, "../../../engine/lib.sh");
      copyFileSync(existsSync(beside) ? beside : join(ROOT, "out/engine/lib.sh"), join(share, c.to, "lib.sh"));
    }
  }
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    mkdirSync(join(share, rel, ".."), { recursive: true });
    writeFileSync(join(share, rel), content);
  }
  const names = new Set<string>();
  for (const j of jobs) {
    if (!NAME_RE.test(j.name) || names.has(j.name)) throw new Error(`bad or duplicate job name: ${j.name}`);
    names.add(j.name);
    // The reboot request is made up front, so that a job body ending in `exit` still gets it.
    if (j.hold && !opts.ssh) throw new Error(`hold job ${j.name} needs ssh: true`);
    const body = `. "$GUEST_SHARE/lib.sh"\n${j.reboot ? "reboot_after\n" : ""}${j.script}\n${j.hold ? `hold ${j.name}\n` : ""}`;
    writeFileSync(join(share, "jobs", `${j.name}.sh`), body);
    if (j.timeoutSec) writeFileSync(join(share, "jobs", `${j.name}.timeout`), String(j.timeoutSec));
  }
  const total = opts.totalTimeoutSec ?? 600;
  const t0 = Date.now();
  let port = 0;
  if (opts.ssh) {
    mkdirSync(join(share, "ssh"));
    mkdirSync(join(share, "release"));
    const k = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "sitegen-guest-test", "-f", join(share, "ssh/id_ed25519")], { encoding: "utf8" });
    if (k.status !== 0) throw new Error(`ssh-keygen failed: ${k.stderr}`);
    port = await freeLoopbackPort();
  }
  const vm = runVm(share, total, opts.bootTimeoutSec ?? 300, port);
  const holds = jobs.filter((j) => j.hold).map((j) => j.name);
  let holdError: unknown;
  if (holds.length > 0) {
    let exited = false;
    void vm.then(() => (exited = true));
    const ctx = sshContext(share, port);
    for (const name of holds) {
      // Wait for the guest to enter this hold job (or for the run to end without it).
      while (!exited && !existsSync(join(share, "results", `${name}.started`))) await new Promise((r) => setTimeout(r, 500));
      if (exited) break;
      try {
        if (!holdError) await opts.onHold?.(name, ctx);
      } catch (e) {
        holdError = e;
      }
      writeFileSync(join(share, "release", name), holdError ? "released after a host-side error\n" : "released\n");
    }
  }
  const vmExit = await vm;
  const seconds = (Date.now() - t0) / 1000;
  const res = join(share, "results");
  const read = (f: string): string => (existsSync(join(res, f)) ? readFileSync(join(res, f), "utf8") : "");
  const results: Record<string, JobResult> = {};
  for (const j of jobs) {
    const rcText = read(`${j.name}.rc`).trim();
    results[j.name] = {
      name: j.name,
      rc: rcText === "" ? null : Number(rcText),
      stdout: read(`${j.name}.out`),
      stderr: read(`${j.name}.err`),
      bootId: read(`${j.name}.boot_id`).trim(),
    };
  }
  const boots = read("boots")
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
  const bootWindows: Array<{ start: number; end: number }> = [];
  for (let i = 1; existsSync(join(share, `boot-${i}.start`)); i++) {
    const num = (f: string): number => (existsSync(join(share, f)) ? Number(readFileSync(join(share, f), "utf8")) : NaN);
    bootWindows.push({ start: num(`boot-${i}.start`), end: num(`boot-${i}.end`) });
  }
  const marks: Record<string, number> = {};
  const markDir = join(share, "marks");
  if (existsSync(markDir)) for (const f of readdirSync(markDir)) marks[f] = Number(readFileSync(join(markDir, f), "utf8"));
  const log = describeRun(share);
  const keep = opts.keep || process.env.GUEST_KEEP === "1" || vmExit !== 0 || holdError !== undefined;
  if (holdError !== undefined) {
    process.stderr.write(`[guest] share kept at ${share}\n`);
    throw holdError instanceof Error ? new Error(`${holdError.message}\n--- run log\n${log}`) : holdError;
  }
  if (!keep) {
    // Read snapshots eagerly, then drop the share.
    const snaps = loadSnapshots(share);
    rmSync(share, { recursive: true, force: true });
    return { vmExit, jobs: results, boots, bootWindows, marks, seconds, share, log, snapshot: (n) => pick(snaps, n) };
  }
  process.stderr.write(`[guest] share kept at ${share}\n`);
  const snaps = loadSnapshots(share);
  return { vmExit, jobs: results, boots, bootWindows, marks, seconds, share, log, snapshot: (n) => pick(snaps, n) };
}

function pick(snaps: Map<string, Snapshot>, n: string): Snapshot {
  const s = snaps.get(n);
  if (!s) throw new Error(`no snapshot named ${n} (have: ${[...snaps.keys()].join(", ") || "none"})`);
  return s;
}

function loadSnapshots(share: string): Map<string, Snapshot> {
  const dir = join(share, "snap");
  const out = new Map<string, Snapshot>();
  if (!existsSync(dir)) return out;
  const names = new Set(readdirSync(dir).map((f) => f.replace(/\.(link|addr|route)\.json$/, "")));
  for (const n of names) {
    const j = (k: string): unknown => JSON.parse(readFileSync(join(dir, `${n}.${k}.json`), "utf8"));
    out.set(n, { link: j("link") as IpLink[], addr: j("addr") as IpLink[], route: j("route") as IpRoute[] });
  }
  return out;
}

function describeRun(share: string): string {
  const parts: string[] = [];
  const vmlog = join(share, "vm.log");
  if (existsSync(vmlog)) parts.push(readFileSync(vmlog, "utf8"));
  const consoles = readdirSync(share)
    .filter((f) => /^console-\d+\.log$/.test(f))
    .sort();
  const last = consoles.at(-1);
  if (last) {
    const lines = readFileSync(join(share, last), "utf8").split("\n");
    parts.push(`--- ${last} (last 25 lines)\n${lines.slice(-25).join("\n")}`);
  }
  return parts.join("\n");
}

/**
 * Runs guest/vm.sh with a hard JS-side deadline. On the deadline, vm.sh gets SIGTERM (its trap
 * kills its qemu by PID), then SIGKILL; finally, if the qemu PID vm.sh recorded is still alive
 * and really is our qemu (its command line names this share), it is killed too. Nothing else.
 */
function runVm(share: string, totalSec: number, bootSec: number, sshPort: number): Promise<number | null> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, GUEST_TOTAL_TIMEOUT: String(totalSec), GUEST_BOOT_TIMEOUT: String(bootSec) };
    if (sshPort > 0) env["GUEST_SSH_PORT"] = String(sshPort);
    else delete env["GUEST_SSH_PORT"];
    const child = spawn("bash", [VM_SH, "run", share], { env, stdio: ["ignore", "ignore", "pipe"] });
    child.stderr.on("data", (d: Buffer) => process.stderr.write(`[guest] ${d.toString()}`));
    let killTimer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(
      () => {
        child.kill("SIGTERM");
        killTimer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      },
      (totalSec + 30) * 1000,
    );
    child.on("exit", (code) => {
      clearTimeout(deadline);
      if (killTimer) clearTimeout(killTimer);
      killOwnQemu(share);
      resolve(code);
    });
  });
}

function killOwnQemu(share: string): void {
  const pidFile = join(share, "qemu.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (cmdline.includes("qemu-system") && cmdline.includes(share)) {
      process.kill(pid, "SIGKILL");
      process.stderr.write(`[guest] killed leftover qemu pid ${pid}\n`);
    }
  } catch {
    // already gone
  }
}

/** A readable failure message for one job. */
export function jobReport(run: GuestRun, name: string): string {
  const j = run.jobs[name];
  if (!j) return `no job ${name}`;
  return `job ${name}: rc=${j.rc} boot=${j.bootId}\n--- stdout\n${j.stdout}\n--- stderr\n${j.stderr}\n--- run log\n${run.log}`;
}

/** Asserts that vm.sh completed, i.e. every job ran to an exit code. */
export function assertCompleted(run: GuestRun): void {
  if (run.vmExit !== 0) throw new Error(`guest/vm.sh exited ${run.vmExit}\n${run.log}`);
}

// ---- state snapshots ----------------------------------------------------------------------

/**
 * Normalizes `ip -j link` / `ip -j addr` / `ip -j route` output for comparison:
 * - `ifindex` and `link_index` are dropped when `acrossBoots`: interface indexes are handed out in
 *   creation order, which differs from boot to boot (libvirt, udev and the test's port unit race),
 *   and they are identities, not state. Within one boot they are kept (a stronger check). So is
 *   `link_netnsid` (a veth's peer namespace id): ids are handed out in the order namespaces are first
 *   referred to, which a namespace created and deleted since the last boot shifts.
 * - `valid_life_time` / `preferred_life_time` are dropped: for permanent addresses they are the
 *   constant "forever", but for any dynamic address they count down between two snapshots.
 * - entries are sorted by interface name (and routes by their text), since `ip` lists them in
 *   ifindex order.
 */
export function normalizeSnapshot(s: Snapshot, acrossBoots: boolean): Snapshot {
  const dropLink = new Set(acrossBoots ? ["ifindex", "link_index", "link_netnsid"] : []);
  const dropAddr = new Set(["valid_life_time", "preferred_life_time"]);
  const clean = (o: Record<string, unknown>, drop: Set<string>): Record<string, unknown> => {
    const r: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (!drop.has(k)) r[k] = o[k];
    return r;
  };
  const byName = (a: IpLink, b: IpLink) => a.ifname.localeCompare(b.ifname);
  const link = s.link.map((l) => clean(l, dropLink) as IpLink).sort(byName);
  const addr = s.addr
    .map((l) => {
      const c = clean(l, dropLink) as IpLink;
      const ai = (l["addr_info"] as Array<Record<string, unknown>> | undefined) ?? [];
      c["addr_info"] = ai.map((a) => clean(a, dropAddr));
      return c;
    })
    .sort(byName);
  const route = s.route.map((r) => clean(r, new Set())).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { link, addr, route };
}

export function linkOf(s: Snapshot, ifname: string): IpLink | undefined {
  return s.link.find((l) => l.ifname === ifname);
}
