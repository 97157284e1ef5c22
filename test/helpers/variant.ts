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
