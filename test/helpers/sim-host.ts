// A simulated host (sim-host.sh): a host namespace of the topology booted as a machine with real systemd
// as its init. The one way the tests simulate a host that needs a service manager: the fleet's hosts that
// Ansible reaches over ssh (fleet.ts) and the Pacemaker cluster's members. A host is entered with all of
// its namespaces (nsenter -a) and without CAP_SYS_TIME, CAP_SYS_MODULE and CAP_SYS_BOOT, as its systemd
// runs; a "reboot" kills its PID 1 (the kernel ends every process of the PID namespace, and namespaces
// made inside, held only by its mount namespace, go with it) and boots it again on the same disk (the
// /etc and /var overlays).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./gen.js";
import { run } from "./tools.js";
import type { Topology } from "./vrouter-topology.js";

const SCRIPT = join(ROOT, "test/helpers/sim-host.sh");
const cgroupOf = (netns: string) => (existsSync("/sys/fs/cgroup/unified") ? `/sys/fs/cgroup/unified/sitegen-${netns}` : `/sys/fs/cgroup/sitegen-${netns}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What a host's own systemd is denied (sim-host.sh), so that what the tests run in a host is denied it too. */
export const HOST_BOUNDING = ["setpriv", "--bounding-set", "-sys_time,-sys_module,-sys_boot"];

/** A host's private /tmp, /run and /var hide the ones of this machine: a folder hosts and tests both see lives elsewhere. */
const hidden = /^\/(tmp|run|var|dev\/shm)(\/|$)/;

/** A temporary folder visible inside simulated hosts too (not under /tmp, /run or /var; a checkout under /tmp gets one in $HOME). */
export function hostTempDir(prefix: string): string {
  const base = hidden.test(ROOT) ? join(homedir(), ".cache", "sitegen") : join(ROOT, ".cache");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

/** Throws unless dir is visible inside simulated hosts (hostTempDir). */
export function requireHostVisible(dir: string): void {
  if (hidden.test(dir)) throw new Error(`${dir} is hidden inside a simulated host (its own /tmp, /run and /var): use hostTempDir()`);
}

/** Remove a cgroup tree we made, deepest first (only empty cgroups can go). */
function removeCgroup(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(dir, e.name));
  rmdirSync(dir);
}

/** The child of pid (unshare) that runs systemd: PID 1 of the host (the other child is sim-host.sh's watcher). */
const initOf = (pid: number): number | undefined => {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    return kids.find((k) => readFileSync(`/proc/${k}/comm`, "utf8").trim() === "systemd");
  } catch {
    return undefined;
  }
};

export class SimHost {
  private p?: ChildProcess;
  init = 0;

  /** Host `name` of topo (its network namespace made by topo.hostNet), its disk (the overlays' upper layers) and console log. */
  constructor(
    readonly topo: Topology,
    readonly name: string,
    readonly disk: string,
    readonly log: string,
  ) {
    requireHostVisible(disk);
  }

  /** Boot (or boot again) and wait, at most 60 s, until systemd reports the boot finished. Returns the time it took (ms). */
  async boot(): Promise<number> {
    const t0 = Date.now();
    const argv = ["bash", SCRIPT, "boot", this.name, this.topo.ns(this.name), this.disk, String(process.pid)];
    this.p = spawn("sh", ["-c", `exec "$@" >>${this.log} 2>&1`, "sh", ...argv], { stdio: "ignore" });
    this.init = 0;
    try {
      await this.booted();
    } catch (e) {
      await this.kill(); // a host that failed to boot is not left running
      throw e;
    }
    return Date.now() - t0;
  }

  private async booted(): Promise<void> {
    for (let i = 0; i < 300 && !this.init; i++) {
      this.init = initOf(this.p!.pid!) ?? 0;
      if (!this.init) await sleep(50);
    }
    if (!this.init) throw new Error(`${this.name}: systemd did not start as the host's init\n${readFileSync(this.log, "utf8").slice(-2000)}`);
    this.topo.adopt(this.name, { pid: this.init, flags: ["-a"], wrap: HOST_BOUNDING, stop: () => this.kill() });
    for (let i = 0; i < 300; i++) {
      const state = this.topo.sh(this.name, "systemctl is-system-running").stdout.trim();
      if (state === "running") return;
      if (state === "degraded") throw new Error(`${this.name}: boot degraded\n${this.topo.sh(this.name, "systemctl --failed --no-pager").stdout}`);
      await sleep(200);
    }
    throw new Error(`${this.name}: systemd did not finish booting within 60 s`);
  }

  /** Power off: SIGKILL PID 1 (every process of the host dies with it; before PID 1 is known, unshare, which takes it along), then free its cgroup. */
  async kill(): Promise<void> {
    const p = this.p;
    if (!p || p.exitCode !== null || p.signalCode !== null) {
      removeCgroup(cgroupOf(this.topo.ns(this.name)));
      return;
    }
    const done = new Promise((r) => p.once("exit", r));
    try {
      process.kill(this.init || p.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
    await Promise.race([done, sleep(10_000)]);
    for (let i = 0; i < 50; i++) {
      try {
        removeCgroup(cgroupOf(this.topo.ns(this.name)));
        return;
      } catch {
        await sleep(100);
      }
    }
    removeCgroup(cgroupOf(this.topo.ns(this.name)));
  }

  /** The PID, in this machine's PID namespace, of the host's process named comm (one only). */
  pidOf(comm: string): number {
    const pids = run("pgrep", ["-x", "--ns", String(this.init), "--nslist", "pid", comm])
      .stdout.trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
    if (pids.length !== 1) throw new Error(`${this.name}: ${pids.length} processes named ${comm}`);
    return pids[0]!;
  }

  /** Where the host's changes below path (in /etc or /var) live: in its overlay's upper layer on its disk, read from this machine. */
  upper(path: string): string {
    const m = /^\/(etc|var)(\/.*)?$/.exec(path);
    if (!m) throw new Error(`${path}: only /etc and /var are the host's own (overlays)`);
    return join(this.disk, m[1]!, "up", m[2] ?? "");
  }
}
