// What netplan makes of a configuration, read from the files `netplan generate --root-dir` writes (the
// truth for test/tools/netplan-corpus.test.ts), in TypeScript: apart from the gate's python, so the two
// readings check each other. networkd: .netdev (created), .link (renamed to), .network [Match] Name
// (configured: names and globs; VLAN= attaches a VLAN to what it matches); NetworkManager: a keyfile's
// interface-name and [match] interface-name, [vlan] id and parent.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Generated {
  creates: Set<string>;
  renames: Set<string>;
  /** Names and globs netplan configures. */
  patterns: string[];
  vlans: { name: string; vid: string; links: string[] }[];
}

/** fnmatch(3) without flags, as networkd and NetworkManager match names. */
export function globMatch(glob: string, name: string): boolean {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const close = c === "[" ? glob.indexOf("]", i + 2) : -1;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (close > 0) {
      const body = glob.slice(i + 1, close);
      re += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\[\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s").test(name);
}

type Ini = { section: string; key: string; value: string }[];
function ini(text: string): Ini {
  let section = "";
  const out: Ini = [];
  for (const raw of text.split("\n")) {
    const l = raw.trim();
    if (/^\[.*\]$/.test(l)) section = l.slice(1, -1);
    else if (l && !/^[#;]/.test(l) && l.includes("=")) out.push({ section, key: l.slice(0, l.indexOf("=")).trim(), value: l.slice(l.indexOf("=") + 1).trim() });
  }
  return out;
}
const values = (f: Ini, section: string, key: string) => f.filter((e) => e.section === section && e.key === key).map((e) => e.value);

function files(dir: string, skip: Set<string>): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? (skip.has(p) ? [] : files(p, skip)) : [p];
  });
}

/** The reading of one generated tree (the netplan inputs under etc/, run/ and lib/netplan left out). */
export function generated(root: string): Generated {
  const g: Generated = { creates: new Set(), renames: new Set(), patterns: [], vlans: [] };
  const netdevVlans = new Map<string, string>();
  const parents = new Map<string, string[]>();
  for (const p of files(root, new Set(["etc/netplan", "run/netplan", "lib/netplan"].map((d) => join(root, d))))) {
    const ext = p.slice(p.lastIndexOf(".") + 1);
    if (!["netdev", "link", "network", "nmconnection"].includes(ext)) continue;
    const f = ini(readFileSync(p, "utf8"));
    if (ext === "netdev") {
      for (const n of values(f, "NetDev", "Name")) {
        g.creates.add(n);
        if (values(f, "NetDev", "Kind")[0] === "vlan") netdevVlans.set(n, values(f, "VLAN", "Id")[0] ?? "");
      }
    } else if (ext === "link") values(f, "Link", "Name").forEach((n) => g.renames.add(n));
    else if (ext === "network") {
      const names = values(f, "Match", "Name").flatMap((v) => v.split(/\s+/));
      g.patterns.push(...names);
      for (const v of values(f, "Network", "VLAN")) parents.set(v, [...(parents.get(v) ?? []), ...names]);
    } else {
      const type = values(f, "connection", "type")[0];
      for (const n of values(f, "connection", "interface-name")) {
        if (type !== "ethernet" && type !== "wifi") g.creates.add(n);
        g.patterns.push(n);
        if (type === "vlan") g.vlans.push({ name: n, vid: values(f, "vlan", "id")[0] ?? "", links: values(f, "vlan", "parent") });
      }
      g.patterns.push(
        ...values(f, "match", "interface-name")
          .flatMap((v) => v.split(";"))
          .filter((x) => x !== ""),
      );
    }
  }
  for (const [name, vid] of netdevVlans) g.vlans.push({ name, vid, links: parents.get(name) ?? [] });
  return g;
}

export const touches = (g: Generated, name: string) => g.creates.has(name) || g.renames.has(name) || g.patterns.some((p) => globMatch(p, name));
/** By its very name, not a glob alone: what an owner that is netplan must do. */
export const defines = (g: Generated, name: string) => g.creates.has(name) || g.renames.has(name) || g.patterns.includes(name);

/**
 * netplan's generator, the program `netplan generate` runs (its CLI adds only a D-Bus path inside a snap):
 * found as the CLI finds it, else the CLI itself. Run directly it costs a tenth of the CLI's python start,
 * which a corpus of a thousand decisions feels.
 */
const GENERATOR = [process.env.NETPLAN_GENERATE_PATH, "/lib/netplan/generate", "/usr/libexec/netplan/generate"].find(
  (p): p is string => p !== undefined && existsSync(p),
);

/** `netplan generate --root-dir ROOT`: its exit status and what it printed. */
export function netplanGenerate(root: string): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    const [cmd, args] = GENERATOR ? [GENERATOR, ["--root-dir", root]] : ["netplan", ["generate", "--root-dir", root]];
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.on("close", (code) => resolve({ ok: code === 0, out }));
  });
}
