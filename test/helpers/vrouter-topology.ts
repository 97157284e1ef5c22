// A small environment built from network namespaces, for the virtual router round trip:
// a switch namespace with a management and a public bridge; per controller a "host" namespace with
// br-mgmt and br-ex (each with an uplink into the switch) and its own mount namespace, so that every
// controller can create a namespace named `vrouter` (ip netns keeps names under /run/netns, made
// private per host with a tmpfs); a public-less node; an upstream holding the public gateway, a DNS
// and an NTP server. Everything lives in namespaces created here and is deleted by teardown().
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { run, type RunResult } from "./tools.js";

/** A one-packet NTP client (mode 3), run from inside a namespace: stratum and reference ID of the reply ("{}" without one). */
export const ntpQuery = (server: string) => `node -e '
const d = require("dgram").createSocket("udp4"); const b = Buffer.alloc(48); b[0] = 0x23;
d.on("message", (m) => { console.log(JSON.stringify({ mode: m[0] & 7, stratum: m[1], refid: [...m.subarray(12, 16)].join(".") })); process.exit(0); });
d.send(b, 123, "${server}"); setTimeout(() => { console.log("{}"); process.exit(0); }, 1500);'`;

export interface HostSpec {
  name: string;
  bridges: Array<{ name: string; segment: "mgmt" | "pub"; address?: string; prefix: number }>;
}
/**
 * What keeps a host's own namespaces alive: the PID to enter (with nsenter's flags, and a command every
 * program run there goes through: a simulated host's capability bounding set), and how to end it.
 */
export interface Holder {
  pid: number;
  flags: string[];
  wrap?: string[];
  stop: () => Promise<void>;
}

export class Topology {
  readonly ns: (short: string) => string;
  private holders = new Map<string, Holder>();
  private started: Array<{ p: ChildProcess; argv: string[] }> = [];
  private made: string[] = [];

  constructor(readonly tag: string) {
    this.ns = (short) => `${tag}-${short}`;
  }

  /** Run a shell script in a namespace we made (its mount namespace too, for hosts). Bounded by timeoutMs. */
  sh(where: string, script: string, timeoutMs = 60_000): RunResult {
    const holder = this.holders.get(where);
    const argv = holder
      ? ["nsenter", "-t", String(holder.pid), ...holder.flags, "--", ...(holder.wrap ?? []), "bash", "-c", script]
      : ["ip", "netns", "exec", this.ns(where), "bash", "-c", script];
    return run(argv[0]!, argv.slice(1), { timeoutMs });
  }

  must(where: string, script: string, timeoutMs?: number): string {
    const r = this.sh(where, script, timeoutMs);
    if (r.code !== 0) throw new Error(`[${where}] ${script}\nexit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  private addNs(short: string): void {
    const name = this.ns(short);
    const r = run("ip", ["netns", "add", name]);
    if (r.code !== 0) throw new Error(`ip netns add ${name}: ${r.stderr}`);
    this.made.push(name);
    // no IPv6 link-local noise in the snapshots
    this.must(short, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip link set lo up");
  }

  /** A veth from namespace `a` (name an) into the switch (name bn), enslaved there to segment. */
  private uplink(a: string, an: string, bn: string, segment: string): void {
    this.must("sw", `ip link add ${bn} type veth peer name ${an} netns ${this.ns(a)} && ip link set ${bn} master ${segment} up`);
    this.must(a, `ip link set ${an} up`);
  }

  switch(): void {
    this.addNs("sw");
    this.must("sw", "for b in mgmt pub; do ip link add $b type bridge stp_state 0 forward_delay 0 && ip link set $b up; done");
  }

  /** A host's network namespace: its bridges, their uplinks into the switch, its addresses. */
  hostNet(h: HostSpec): void {
    this.addNs(h.name);
    h.bridges.forEach((b, i) => {
      const port = `eth${i + 1}`;
      this.uplink(h.name, port, `${h.name.slice(-4)}-${b.segment[0]}${i}`, b.segment);
      this.must(
        h.name,
        `ip link add ${b.name} type bridge stp_state 0 forward_delay 0 && ip link set ${port} master ${b.name} && ip link set ${b.name} up` +
          (b.address ? ` && ip addr add ${b.address}/${b.prefix} dev ${b.name}` : ""),
      );
    });
  }

  /** Enter host `name` through holder from now on (its own namespaces beyond the network one). */
  adopt(name: string, holder: Holder): void {
    this.holders.set(name, holder);
  }

  /** A controller-like host without a service manager: hostNet() and a private /run (sim-host.ts boots one with systemd). */
  async host(h: HostSpec): Promise<void> {
    this.hostNet(h);
    // the holder keeps the host's mount namespace (and so its /run/netns names) alive; bounded
    const p = spawn(
      "ip",
      [
        "netns",
        "exec",
        this.ns(h.name),
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "sh",
        "-c",
        `mount -t tmpfs tmpfs /run && mkdir -p /run/netns && exec sleep 3600`,
      ],
      { stdio: "ignore" },
    );
    this.adopt(h.name, { pid: p.pid!, flags: ["-m", "-n"], stop: () => this.stop(p) });
    for (let i = 0; i < 100; i++) {
      if (readFileSync(`/proc/${p.pid}/comm`, "utf8").trim() === "sleep") return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`holder for ${h.name} did not start`);
  }

  /** fuel-env's controller hosts (ctrlN: br-mgmt 192.168.0.1N, br-ex 172.16.0.1N). */
  static controller(name: string, i: number): HostSpec {
    return {
      name,
      bridges: [
        { name: "br-mgmt", segment: "mgmt", address: `192.168.0.1${i + 1}`, prefix: 24 },
        { name: "br-ex", segment: "pub", address: `172.16.0.1${i + 1}`, prefix: 24 },
      ],
    };
  }

  /** fuel-env's controllers (ctrlN: br-mgmt 192.168.0.1N, br-ex 172.16.0.1N), each a host() of its own. */
  async controllers(names: string[]): Promise<void> {
    for (const [i, h] of names.entries()) await this.host(Topology.controller(h, i));
  }

  /** A plain namespace with one uplink into a switch segment. */
  leaf(short: string, ifname: string, segment: "mgmt" | "pub"): void {
    this.addNs(short);
    this.uplink(short, ifname, `${short.slice(-4)}-${segment[0]}`, segment);
  }

  /**
   * The upstream router `up` on the public segment with gateway address gw/24, and behind it (on lo,
   * no route to the management network) the DNS upstreams (dnsmasq: upstream.test is 203.0.113.7),
   * the NTP upstreams (chronyd -x, stratum 3: it never touches this machine's clock) and more.
   */
  upstream(tmp: string, gw: string, dns: string[], ntp: string[], more: string[] = []): void {
    this.leaf("up", "eth0", "pub");
    this.must("up", `ip addr add ${gw}/24 dev eth0 && for a in ${[...dns, ...ntp, ...more].join(" ")}; do ip addr add $a/32 dev lo; done`);
    this.start(
      "up",
      [
        "dnsmasq",
        "-k",
        "-C",
        "/dev/null",
        "--no-resolv",
        "--no-hosts",
        "--bind-interfaces",
        `--listen-address=${dns.join(",")}`,
        "--address=/upstream.test/203.0.113.7",
        `--pid-file=${tmp}/up-dnsmasq.pid`,
      ],
      `${tmp}/up-dnsmasq.log`,
    );
    const conf = `${tmp}/up-chrony.conf`;
    const lines = ["local stratum 3", "allow all", "cmdport 0", `bindcmdaddress ${tmp}/up-chrony/chronyd.sock`, `pidfile ${tmp}/up-chrony/chronyd.pid`];
    writeFileSync(conf, `${lines.join("\n")}\n`);
    this.start("up", ["chronyd", "-n", "-x", "-f", conf, "-l", `${tmp}/up-chrony.log`], `${tmp}/up-chronyd.out`);
  }

  /** Start a long-running program (a daemon in the foreground); it is killed by PID in teardown. */
  start(where: string, argv: string[], log: string): ChildProcess {
    const holder = this.holders.get(where);
    const full = holder
      ? ["nsenter", "-t", String(holder.pid), ...holder.flags, "--", ...(holder.wrap ?? []), ...argv]
      : ["ip", "netns", "exec", this.ns(where), ...argv];
    const p = spawn("sh", ["-c", `exec "$@" >>${log} 2>&1`, "sh", ...full], { stdio: "ignore" });
    this.started.push({ p, argv });
    return p;
  }

  /** Stop, by PID, the programs we started whose command line matches. */
  async stopMatching(match: (argv: string[]) => boolean): Promise<void> {
    for (const s of this.started.filter((x) => match(x.argv))) await this.stop(s.p);
  }

  async stop(p: ChildProcess): Promise<void> {
    if (p.exitCode !== null || p.signalCode !== null) return;
    const done = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    if (p.exitCode === null && p.signalCode === null) {
      p.kill("SIGKILL");
      await done;
    }
  }

  /** Everything we started, by PID, then every namespace we made. Safe to call twice. */
  async teardown(): Promise<void> {
    for (const s of [...this.started].reverse()) await this.stop(s.p);
    for (const h of this.holders.values()) await h.stop();
    this.holders.clear();
    for (const n of [...this.made].reverse()) run("ip", ["netns", "del", n]);
    this.made = [];
  }

  /** What the round trip must leave as it found it, per namespace (hosts: also their own namespace list). */
  snapshot(where: string, inner?: string): Record<string, unknown> {
    const x = inner ? `ip netns exec ${inner} ` : "";
    const j = (cmd: string) => JSON.parse(this.must(where, `${x}${cmd}`) || "[]");
    return {
      addr: j("ip -j addr show"),
      link: j("ip -j link show"),
      route: j("ip -j route show table all"),
      nft: this.must(where, `${x}nft list ruleset`),
      forwarding: this.must(
        where,
        `${x}sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/all/forwarding /proc/sys/net/ipv6/conf/all/forwarding'`,
      ),
      ...(this.holders.has(where) && !inner ? { netns: this.must(where, "ip netns list") } : {}),
    };
  }
}
