// Cluster members for the Pacemaker failover test: a host namespace of the topology booted as a
// machine with systemd as its init (cluster-member.sh), and a Corosync + Pacemaker cluster of them.
// A member is entered with all of its namespaces (nsenter -a); a "reboot" kills its PID 1 (the kernel
// ends every process of the PID namespace, and the router namespace, held only by its mount
// namespace, goes with it) and boots it again on the same disk (the /etc and /var overlays).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./gen.js";
import { run } from "./tools.js";
import type { Topology } from "./vrouter-topology.js";

const SCRIPT = join(ROOT, "test/helpers/cluster-member.sh");
const cgroupOf = (name: string) => (existsSync("/sys/fs/cgroup/unified") ? `/sys/fs/cgroup/unified/sitegen-${name}` : `/sys/fs/cgroup/sitegen-${name}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Remove a cgroup tree we made, deepest first (only empty cgroups can go). */
function removeCgroup(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(dir, e.name));
  rmdirSync(dir);
}

const childOf = (pid: number): number | undefined => {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return kids.length ? Number(kids[0]) : undefined;
  } catch { return undefined; }
};

export class Member {
  private p?: ChildProcess;
  init = 0;

  constructor(readonly topo: Topology, readonly name: string, readonly disk: string, readonly log: string) {}

  /** Boot (or boot again) and wait, at most 60 s, until systemd reports the boot finished. Returns the time it took (ms). */
  async boot(): Promise<number> {
    const t0 = Date.now();
    const argv = ["bash", SCRIPT, "boot", this.name, this.topo.ns(this.name), this.disk];
    const p = spawn("sh", ["-c", `exec "$@" >>${this.log} 2>&1`, "sh", ...argv], { stdio: "ignore" });
    this.p = p;
    let init: number | undefined;
    for (let i = 0; i < 300 && !init; i++) {
      const c = childOf(p.pid!);
      if (c && readFileSync(`/proc/${c}/comm`, "utf8").trim() === "systemd") init = c;
      else await sleep(50);
    }
    if (!init) throw new Error(`${this.name}: systemd did not start as the member's init\n${readFileSync(this.log, "utf8").slice(-2000)}`);
    this.init = init;
    this.topo.adopt(this.name, { pid: init, flags: ["-a"], stop: () => this.kill() });
    for (let i = 0; i < 300; i++) {
      const state = this.topo.sh(this.name, "systemctl is-system-running").stdout.trim();
      if (state === "running") return Date.now() - t0;
      if (state === "degraded") throw new Error(`${this.name}: boot degraded\n${this.topo.sh(this.name, "systemctl --failed --no-pager").stdout}`);
      await sleep(200);
    }
    throw new Error(`${this.name}: systemd did not finish booting within 60 s`);
  }

  /** Power off: SIGKILL PID 1 (every process of the member dies with it), then free its cgroup. */
  async kill(): Promise<void> {
    const p = this.p;
    if (!p || p.exitCode !== null || p.signalCode !== null) { removeCgroup(cgroupOf(this.name)); return; }
    const done = new Promise((r) => p.once("exit", r));
    if (this.init) try { process.kill(this.init, "SIGKILL"); } catch { /* already gone */ }
    await Promise.race([done, sleep(10_000)]);
    for (let i = 0; i < 50; i++) {
      try { removeCgroup(cgroupOf(this.name)); return; } catch { await sleep(100); }
    }
    removeCgroup(cgroupOf(this.name));
  }

  /** The PID, in this machine's PID namespace, of the member's process named comm (one only). */
  pidOf(comm: string): number {
    const pids = run("pgrep", ["-x", "--ns", String(this.init), "--nslist", "pid", comm]).stdout.trim().split("\n").filter(Boolean).map(Number);
    if (pids.length !== 1) throw new Error(`${this.name}: ${pids.length} processes named ${comm}`);
    return pids[0]!;
  }
}

/** corosync.conf of a cluster of members on the management segment (knet, no crypto: a private test segment). */
export function corosyncConf(cluster: string, nodes: Array<{ name: string; address: string }>): string {
  const nodelist = nodes.map((n, i) => `  node {\n    name: ${n.name}\n    nodeid: ${i + 1}\n    ring0_addr: ${n.address}\n  }`).join("\n");
  const two = nodes.length === 2 ? "\n  two_node: 1" : "";
  return `totem {\n  version: 2\n  cluster_name: ${cluster}\n  transport: knet\n  crypto_cipher: none\n  crypto_hash: none\n}\n`
    + `logging {\n  to_logfile: yes\n  logfile: /var/log/corosync/corosync.log\n  to_syslog: no\n  timestamp: hires\n}\n`
    + `quorum {\n  provider: corosync_votequorum${two}\n}\nnodelist {\n${nodelist}\n}\n`;
}
