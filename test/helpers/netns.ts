// Network namespaces created by a test, always deleted by it. Names carry the pid so parallel runs never collide.
import { execFileSync, spawnSync } from "node:child_process";

export class Netns {
  readonly name: string;
  constructor(tag: string) {
    this.name = `sgt-${tag}-${process.pid}`;
    spawnSync("ip", ["netns", "del", this.name], { stdio: "ignore" });
    execFileSync("ip", ["netns", "add", this.name]);
    this.ip("link set lo up");
  }
  /** `ip -n NS <args>`; throws on failure. */
  ip(args: string): string {
    return execFileSync("ip", ["-n", this.name, ...args.split(" ")], { encoding: "utf8" });
  }
  /** Run a shell command inside the namespace. */
  sh(script: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): { code: number; stdout: string; stderr: string } {
    const r = spawnSync("ip", ["netns", "exec", this.name, "bash", "-c", script], { encoding: "utf8", env: { ...process.env, ...env }, timeout: timeoutMs });
    return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  }
  /** Links, addresses, routes and forwarding: what a rollback must restore exactly. */
  state(): string {
    const q = (s: string) => this.sh(s).stdout;
    const links = JSON.parse(q("ip -j link show")) as Array<Record<string, unknown>>;
    // Counters and timers move by themselves; the rest must match.
    const stable = links.map(({ ifname, flags, mtu, operstate, link, address, linkinfo }) => ({ ifname, flags, mtu, operstate, link, address, linkinfo }));
    return JSON.stringify(
      {
        links: stable,
        addrs: JSON.parse(q("ip -j addr show")).map((l: { ifname: string; addr_info: unknown[] }) => ({ ifname: l.ifname, addr_info: l.addr_info })),
        routes4: q("ip -4 route show table all"),
        routes6: q("ip -6 route show table all"),
        forwarding: q("cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding"),
      },
      null,
      1,
    );
  }
  delete(): void {
    spawnSync("ip", ["netns", "del", this.name], { stdio: "ignore" });
  }
}
