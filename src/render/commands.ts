// The one place a typed action becomes a command line: its argv and the read-only probe that guards
// it. The shell bundle, the Ansible role's data and REVIEW.md all spell commands from here.
import type { Action, Install, Probe, Remove, Secret, Unit, Word } from "../plan/actions.js";
import type { NetAction, SettingAction } from "../plan/net-actions.js";

/** A command with its guard: run it unless `unless` succeeds, or only if `onlyIf` does; mayFail ignores its failure. */
export interface Command {
  argv: readonly Word[];
  unless?: Word[];
  onlyIf?: Word[];
  mayFail?: boolean;
}

/** Actions that run a command (every kind but the file kinds, which lib.sh and Ansible's modules carry out). */
export type CommandAction = Exclude<Action, Install | Remove | Secret>;

const ipIn = (ns: string | undefined) => (ns ? ["ip", "-n", ns] : ["ip"]);
const linkShow = (link: string, ns?: string) => [...ipIn(ns), "link", "show", "dev", link];

export function probeArgv(p: Probe): Word[] {
  switch (p.kind) {
    case "file":
      return ["test", "-f", { path: p.path }];
    case "unit-installed":
      return ["systemctl", "cat", p.unit];
    case "unit-active":
      return ["systemctl", "is-active", "--quiet", p.unit];
    case "process":
      return ["pidof", p.name];
    case "link":
      return linkShow(p.link);
  }
}

/** systemctl's argv for a unit operation. */
export function unitArgv(u: Unit): string[] {
  if (u.verb === "daemon-reload") return ["systemctl", "daemon-reload"];
  // reload: reload a running unit (its ExecReload), start a stopped one, as Ansible's state=reloaded does
  if (u.verb === "reload") return ["systemctl", "reload-or-restart", u.unit];
  return ["systemctl", u.verb, ...(u.now ? ["--now"] : []), u.unit];
}

const nsExec = (ns: string, ...argv: string[]) => ["ip", "netns", "exec", ns, ...argv];
const nsThere = (ns: string) => nsExec(ns, "true");
const nftList = (a: { ns: string; table: string }) => nsExec(a.ns, "nft", "list", "table", "inet", a.table);
const family = (f: 4 | 6) => (f === 6 ? ["-6"] : []);
const route = (a: { via: string; dev: string; metric?: string }) => ["default", "via", a.via, "dev", a.dev, ...(a.metric ? ["metric", a.metric] : [])];
const iptables = (ns: string, op: string, a: { table: string; chain: string; rule: readonly string[] }) =>
  nsExec(ns, "iptables", "-w", "-t", a.table, op, a.chain, ...a.rule);

function netCommand(a: NetAction): Command {
  switch (a.kind) {
    case "netns-add":
      return { argv: ["ip", "netns", "add", a.ns], unless: nsThere(a.ns) };
    case "netns-del":
      return { argv: ["ip", "netns", "del", a.ns], onlyIf: nsThere(a.ns) };
    case "vlan-add":
      return { argv: ["ip", "link", "add", "link", a.parent, "name", a.link, "type", "vlan", "id", String(a.vid)], unless: linkShow(a.link) };
    case "veth-add":
      return { argv: ["ip", "link", "add", a.peer, "type", "veth", "peer", "name", a.link, "netns", a.ns], unless: linkShow(a.peer) };
    case "ovs-port-add": {
      const tag = a.vid !== undefined ? [`tag=${a.vid}`] : [];
      return { argv: ["ovs-vsctl", "--may-exist", "add-port", a.bridge, a.link, ...tag, "--", "set", "Interface", a.link, "type=internal"] };
    }
    case "ovs-port-del":
      return { argv: ["ovs-vsctl", "--if-exists", "del-port", a.bridge, a.link] };
    case "link-netns":
      return { argv: ["ip", "link", "set", "dev", a.link, "netns", a.ns], unless: linkShow(a.link, a.ns) };
    case "link-master":
      return { argv: ["ip", "link", "set", "dev", a.link, "master", a.bridge] };
    case "link-up":
      return { argv: [...ipIn(a.ns), "link", "set", "dev", a.link, "up"] };
    case "link-del":
      return { argv: ["ip", "link", "del", "dev", a.link], onlyIf: linkShow(a.link) };
    default:
      return settingCommand(a);
  }
}

/** The command that sets an address, route, sysctl or filter on a link or namespace that exists. */
function settingCommand(a: SettingAction): Command {
  switch (a.kind) {
    case "addr-replace":
      return { argv: [...ipIn(a.ns), ...family(a.family), "addr", "replace", a.cidr, "dev", a.link] };
    case "route-replace":
      return { argv: [...ipIn(a.ns), "route", "replace", ...route(a)] };
    case "route-del":
      return { argv: [...ipIn(a.ns), "route", "del", ...route(a)], mayFail: true };
    case "sysctl":
      return { argv: nsExec(a.ns, "sysctl", "-qw", `${a.key}=${a.value}`), ...(a.onlyIfNs ? { onlyIf: nsThere(a.ns) } : {}) };
    case "nft-table":
      return { argv: nsExec(a.ns, "nft", a.ruleset) };
    case "nft-table-del":
      return { argv: nsExec(a.ns, "nft", "delete", "table", "inet", a.table), onlyIf: nftList(a) };
    case "iptables-add":
      return { argv: iptables(a.ns, "-A", a), unless: iptables(a.ns, "-C", a) };
    case "iptables-del":
      return { argv: iptables(a.ns, "-D", a), onlyIf: iptables(a.ns, "-C", a) };
  }
}

const guard = (p: Probe | undefined) => (p ? probeArgv(p) : undefined);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The command an action runs, with its guard. */
export function commandOf(a: CommandAction): Command {
  switch (a.kind) {
    case "program":
      return defined({ argv: a.argv, unless: guard(a.unless), onlyIf: guard(a.onlyIf), mayFail: a.mayFail });
    case "unit": {
      if (a.verb === "daemon-reload") return { argv: unitArgv(a) };
      const only: Probe | undefined = a.onlyIfInstalled
        ? { kind: "unit-installed", unit: a.unit }
        : a.onlyIfActive
          ? { kind: "unit-active", unit: a.unit }
          : undefined;
      return defined({ argv: unitArgv(a), onlyIf: guard(only), mayFail: a.mayFail });
    }
    case "netplan":
      return { argv: ["netplan", a.verb] };
    case "cluster": {
      const exists = ["crm_resource", "--resource", a.resource, "--query-xml"];
      const argv = ["bash", { path: a.script }, a.op];
      return a.op === "create" ? { argv, unless: exists } : { argv, onlyIf: exists };
    }
    default:
      return netCommand(a);
  }
}
