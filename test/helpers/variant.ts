// Inventory variants of fuel-env for tests: edit the committed text, generate it into a temporary tree.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gen, ROOT } from "./gen.js";

export const fuelEnvText = (): string => readFileSync(join(ROOT, "inventories/fuel-env.yaml"), "utf8");

/** fuel-env without failover: no 'ha:' block and no member priorities (the VIPs sit on the primary). */
export const withoutHa = (text: string): string => text.replace(/^ {4}ha:\n(?: {6}.*\n)+/m, "").replace(/, priority: \d+/g, "");

/** fuel-env with every other choice: OVS bridges on the controllers, iptables, ntpd, an NTP host name. */
export function variantText(): string {
  return fuelEnvText()
    .replace(/owner: unmanaged, type: linux/g, "owner: unmanaged, type: ovs")
    .replace("backend: nftables", "backend: iptables")
    .replace("daemon: chrony", "daemon: ntpd")
    .replace("upstreams: [198.51.100.123, 198.51.100.124]", "upstreams: [198.51.100.123, 0.debian.pool.ntp.org]");
}

/** Write text as <dir>/<name>/inventories/fuel-env.yaml, generate it, and return out/fuel-env's path. */
export function buildVariant(dir: string, name: string, text: string): string {
  const inv = join(dir, name, "inventories");
  mkdirSync(inv, { recursive: true });
  writeFileSync(join(inv, "fuel-env.yaml"), text);
  const out = join(dir, name, "out");
  const r = gen(["--site", "fuel-env", "--inventory", inv, "--out", out, "-q"]);
  if (r.code !== 0) throw new Error(r.stderr);
  return join(out, "fuel-env");
}

/**
 * fuel-env with one more controller ctrlN (i = N - 1: br-mgmt 192.168.0.1N, br-ex 172.16.0.1N) as a router
 * member with this priority; its namespace address is written (the lock file's range is full).
 */
export function withMember(text: string, name: string, i: number, priority: number, address: string): string {
  const host =
    `  - name: ${name}\n    management: 192.168.0.1${i + 1}\n    bridges:\n` +
    "      - { name: br-mgmt, owner: unmanaged, type: linux, ports: [eth1] }\n      - { name: br-ex, owner: unmanaged, type: linux, ports: [eth2] }\n";
  return text
    .replace("  - name: cmp1\n", `${host}  - name: cmp1\n`)
    .replace(/( {6}- \{ host: ctrl3, bridge: br-mgmt, address: [^\n]*\n)/, `$1      - { host: ${name}, bridge: br-mgmt, address: 192.168.0.1${i + 1} }\n`)
    .replace(/( {6}- \{ host: ctrl3, bridge: br-ex, address: [^\n]*\n)/, `$1      - { host: ${name}, bridge: br-ex, address: 172.16.0.1${i + 1} }\n`)
    .replace(/( {6}- \{ host: ctrl3, address: auto, priority: \d+ \}\n)/, `$1      - { host: ${name}, address: ${address}, priority: ${priority} }\n`);
}

/** The router without member `name` (the host and its attachments stay: it only leaves the router). */
export const withoutMember = (text: string, name: string): string => text.replace(new RegExp(`^ {6}- \\{ host: ${name}, address: [^\\n]*\\n`, "m"), "");

/** The jumphost with a second VLAN gateway on virbr1 (libvirt network 1_provider): the bench's counts use the same. */
export { SECOND_GATEWAY, withSecondGateway } from "../../bench/jumphost-variants.mjs";
