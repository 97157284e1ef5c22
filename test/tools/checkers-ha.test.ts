// Real checkers for the failover artifacts (issue 4, section 3), on every generated tree (committed
// out/ and the golden cases, among them vrouter-pacemaker) and on fuel-env with two members (FTFW):
// keepalived -t inside a network namespace holding the interfaces it names; conntrackd started in a
// namespace holding its sync interface and address, queried with -s, stopped by PID; pacemaker.sh
// run with pcs -f against a CIB from `cibadmin --empty`, checked by crm_verify -x, compared with the
// committed CIB fragment, and deleted back to nothing; and the resource agents the CIB names
// (IPaddr2 with network_namespace, conntrackd through sitegen's wrapper) run directly in a namespace,
// without a cluster; and the Ansible tasks that write the VRRP password from the vault variable, run
// against localhost into a temporary root. Every namespace made here is deleted, whatever happens.
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { listFiles } from "../../src/emit/drift.js";
import { landsAt } from "../helpers/checker-kinds.js";
import { ROOT } from "../helpers/gen.js";
import { requireRootNetns, requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { buildVariant, fuelEnvText } from "../helpers/variant.js";

const tmp = tempDir("checkers-ha");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const trees = [
  ...readdirSync(join(ROOT, "out")).map((d) => join(ROOT, "out", d)),
  ...readdirSync(join(ROOT, "test/cases/golden")).map((c) => join(ROOT, "test/cases/golden", c, "expected")),
  buildVariant(tmp, "two-members", fuelEnvText().replace(/^ {6}- \{ host: ctrl3, address: [^\n]*\n/m, "")),
];
const found = (suffix: RegExp) =>
  trees.flatMap((t) =>
    listFiles(t)
      .filter((f) => suffix.test(landsAt(join(t, f))))
      .map((f) => ({ name: `${t.slice(ROOT.length + 1).replace(/^\/tmp\/.*?\/out\//, "variant ")}: ${f}`, path: join(t, f) })),
  );
const cases = <T extends { name: string }>(xs: T[]) => {
  expect(xs.length).toBeGreaterThan(0);
  return xs.map((x) => [x.name, x] as const);
};
let serial = 0;

/** Run f with a fresh network namespace holding veths named links (with addresses), deleted afterwards whatever happens. */
async function inNetns<T>(links: Array<{ name: string; address?: string }>, f: (ns: string) => T | Promise<T>): Promise<T> {
  requireRootNetns();
  const ns = `sgha${process.pid % 10000}-${serial++}`;
  const add = run("ip", ["netns", "add", ns]);
  if (add.code !== 0) throw new Error(add.stderr);
  try {
    run("ip", ["-n", ns, "link", "set", "lo", "up"]);
    links.forEach((l, i) => {
      const r = run("ip", ["-n", ns, "link", "add", l.name, "type", "veth", "peer", "name", `sgp${i}`]);
      if (r.code !== 0) throw new Error(r.stderr);
      run("ip", ["-n", ns, "link", "set", l.name, "up"]);
      run("ip", ["-n", ns, "link", "set", `sgp${i}`, "up"]);
      if (l.address) run("ip", ["-n", ns, "addr", "add", l.address, "dev", l.name]);
    });
    return await f(ns);
  } finally {
    run("ip", ["netns", "del", ns]);
  }
}

const words = (re: RegExp, text: string) => [...new Set([...text.matchAll(re)].map((m) => m[1]!))];

/** A copy of keepalived.conf whose password include points at a stand-in of the form the install writes. */
function keepalivedCopy(path: string, edit: (t: string) => string = (t) => t): { conf: string; links: string[] } {
  const dir = join(tmp, `ka${serial++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "auth.conf"), "$VRRP_AUTH_PASS=Ab3.x_9\n", { mode: 0o600 });
  const text = edit(readFileSync(path, "utf8").replace(/^include \S+$/m, `include ${dir}/auth.conf`));
  writeFileSync(join(dir, "keepalived.conf"), text);
  const links = [...words(/(?:^\s*interface|\bdev) (\S+)/gm, text), ...words(/track_interface \{\s*(\S+)/g, text)];
  return { conf: join(dir, "keepalived.conf"), links: [...new Set(links)] };
}
const keepalivedTest = (links: string[], conf: string) =>
  inNetns(
    links.map((name) => ({ name })),
    (ns) => run("ip", ["netns", "exec", ns, "keepalived", "-t", "-l", "--all-config", "-f", conf]),
  );

describe("keepalived -t inside a namespace holding the interfaces it names", () => {
  it.each(cases(found(/keepalived\.conf$/)))("%s", async (_, f) => {
    requireTool("keepalived");
    const { conf, links } = keepalivedCopy(f.path);
    expect(links.length).toBeGreaterThanOrEqual(2);
    const r = await keepalivedTest(links, conf);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("the same check catches a broken sample, a missing password file and a missing interface", async () => {
    const f = found(/keepalived\.conf$/)[0]!;
    const bad = keepalivedCopy(f.path, (t) => t.replace(/virtual_router_id \d+/, "virtual_router_id 300"));
    const r = await keepalivedTest(bad.links, bad.conf);
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/VRID '300' not valid/);
    const ok = keepalivedCopy(f.path);
    const missing = await keepalivedTest(ok.links, f.path);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toMatch(/Config files missing/);
    const noLink = await keepalivedTest(ok.links.slice(1), ok.conf);
    expect(noLink.code).not.toBe(0);
  });
});

/** A conntrackd.conf with its lock file and socket moved into dir. */
function conntrackdCopy(path: string, dir: string): { conf: string; text: string } {
  const text = readFileSync(path, "utf8")
    .replace(/^(\s*LockFile) \S+$/m, `$1 ${dir}/lock`)
    .replace(/^(\s*Path) \S+$/m, `$1 ${dir}/ctl`);
  writeFileSync(join(dir, "conntrackd.conf"), text);
  return { conf: join(dir, "conntrackd.conf"), text };
}

async function waitFor(n: number, ms: number, f: () => boolean): Promise<boolean> {
  for (let i = 0; i < n; i++) {
    if (f()) return true;
    await new Promise((r) => setTimeout(r, ms));
  }
  return false;
}

describe("conntrackd started in a namespace holding its sync interface, queried with -s, stopped by PID", () => {
  it.each(cases(found(/conntrackd\.conf$/)))("%s", async (_, f) => {
    requireTool("conntrackd");
    const dir = join(tmp, `ct${serial++}`);
    mkdirSync(dir);
    const { conf, text } = conntrackdCopy(f.path, dir);
    const link = /^\s*Interface (\S+)$/m.exec(text)![1]!;
    const address = /^\s*IPv4_interface (\S+)$/m.exec(text)![1]!;
    const mode = /^\s*Mode (\S+) \{/m.exec(text)![1]!;
    await inNetns([{ name: link, address: `${address}/24` }], async (ns) => {
      const p = spawn("ip", ["netns", "exec", ns, "conntrackd", "-C", conf], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      p.stderr.on("data", (d) => {
        err += String(d);
      });
      try {
        const up = await waitFor(50, 100, () => run("ip", ["netns", "exec", ns, "conntrackd", "-C", conf, "-s", "runtime"]).code === 0);
        expect(up, `conntrackd does not answer: ${err}`).toBe(true);
        const net = run("ip", ["netns", "exec", ns, "conntrackd", "-C", conf, "-s", "network"]);
        expect(net.stdout).toContain(`multicast traffic (active device=${link})`);
        expect(["FTFW", "NOTRACK"]).toContain(mode);
      } finally {
        const exited = new Promise((r) => p.once("exit", r));
        p.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (p.exitCode === null && p.signalCode === null) {
          p.kill("SIGKILL");
          await exited;
        }
      }
    });
  });

  it("the same start catches a broken sample", async () => {
    const dir = join(tmp, "ct-bad");
    mkdirSync(dir);
    const { conf } = conntrackdCopy(found(/conntrackd\.conf$/)[0]!.path, dir);
    writeFileSync(conf, readFileSync(conf, "utf8").replace("Checksum on", "Checksum maybe"));
    const r = await inNetns([], (ns) => run("timeout", ["5", "ip", "netns", "exec", ns, "conntrackd", "-C", conf]));
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/parsing config file in line \(\d+\).*syntax error/);
  });
});

const PY_CANON = `
import sys, xml.etree.ElementTree as ET
cib = ET.parse(sys.argv[1]).getroot().find("configuration")
frag = ET.parse(sys.argv[2]).getroot()
for sec in ("resources", "constraints"):
    a = ET.canonicalize(ET.tostring(cib.find(sec), encoding="unicode"), strip_text=True)
    b = ET.canonicalize(ET.tostring(frag.find(sec), encoding="unicode"), strip_text=True)
    print(sec, "same" if a == b else "DIFFERENT\\n" + a + "\\n" + b)
`;

describe("pacemaker.sh with pcs -f on a CIB from cibadmin --empty, crm_verify -x, and the committed fragment", () => {
  it.each(cases(found(/\/pacemaker\.sh$/)))(
    "%s",
    (_, f) => {
      for (const t of ["pcs", "cibadmin", "crm_verify", "python3"]) requireTool(t);
      const dir = join(tmp, `pcs${serial++}`);
      mkdirSync(dir);
      const cib = join(dir, "cib.xml");
      writeFileSync(cib, run("cibadmin", ["--empty"]).stdout);
      // a real cluster has fencing; this stand-in CIB has none, so crm_verify is told not to require it
      expect(run("pcs", ["-f", cib, "property", "set", "stonith-enabled=false"]).code).toBe(0);
      const env = { ...process.env, SITEGEN_CIB: cib };
      const created = run("bash", [f.path, "create"], { env, timeoutMs: 120_000 });
      expect(created.code, created.stdout + created.stderr).toBe(0);
      const verify = run("crm_verify", ["-x", cib, "-V"]);
      expect(verify.stdout + verify.stderr).toBe("");
      expect(verify.code).toBe(0);
      const fragment = f.path.replace(/pacemaker\.sh$/, "") + readdirSync(f.path.replace(/\/pacemaker\.sh$/, "")).find((x) => /^cib-.*\.xml$/.test(x));
      const same = run("python3", ["-c", PY_CANON, cib, fragment]);
      expect(same.stdout).toBe("resources same\nconstraints same\n");
      const deleted = run("bash", [f.path, "delete"], { env, timeoutMs: 120_000 });
      expect(deleted.code, deleted.stdout + deleted.stderr).toBe(0);
      const left = readFileSync(cib, "utf8");
      expect(left).toContain("<resources/>");
      expect(left).toContain("<constraints/>");
    },
    180_000,
  );
});

describe("the resource agents the CIB names, run directly in a namespace (no cluster)", () => {
  const OCF = { OCF_ROOT: "/usr/lib/ocf", OCF_RESOURCE_INSTANCE: "sitegen-test" };
  const agent = (name: string, action: string, env: Record<string, string>) =>
    run(`/usr/lib/ocf/resource.d/heartbeat/${name}`, [action], { env: { ...process.env, ...OCF, HA_RSCTMP: join(tmp, "rsctmp"), ...env }, timeoutMs: 60_000 });

  it("IPaddr2 with network_namespace adds and removes the VIP inside the namespace", async () => {
    const frag = readFileSync(found(/\/cib-[^/]+\.xml$/)[0]!.path, "utf8");
    const vip = /<primitive id="[^"]+-vip-mgmt"[\s\S]*?<\/primitive>/.exec(frag)![0];
    const param = (n: string) => new RegExp(`name="${n}" value="([^"]+)"`).exec(vip)![1]!;
    mkdirSync(join(tmp, "rsctmp"), { recursive: true });
    await inNetns([{ name: param("nic"), address: `${param("ip").replace(/\.\d+$/, ".250")}/${param("cidr_netmask")}` }], (ns) => {
      const env = {
        OCF_RESKEY_ip: param("ip"),
        OCF_RESKEY_cidr_netmask: param("cidr_netmask"),
        OCF_RESKEY_nic: param("nic"),
        OCF_RESKEY_network_namespace: ns,
      };
      expect(agent("IPaddr2", "monitor", env).code).toBe(7); // not running
      const start = agent("IPaddr2", "start", env);
      expect(start.code, start.stdout + start.stderr).toBe(0);
      expect(run("ip", ["-n", ns, "-br", "addr", "show", "dev", param("nic")]).stdout).toContain(`${param("ip")}/${param("cidr_netmask")}`);
      expect(agent("IPaddr2", "monitor", env).code).toBe(0);
      expect(agent("IPaddr2", "stop", env).code).toBe(0);
      expect(run("ip", ["-n", ns, "-br", "addr", "show", "dev", param("nic")]).stdout).not.toContain(`${param("ip")}/`);
    });
  });

  it("conntrackd starts, is promoted (-c -f -R -B), demoted (-t -n) and stopped through sitegen's wrapper", async () => {
    const conf = found(/\/cib-[^/]+\.xml$/)[0]!.path.replace(/cib-[^/]+\.xml$/, "");
    const dir = join(tmp, "ct-agent");
    mkdirSync(dir);
    const { conf: ctConf, text } = conntrackdCopy(join(conf, "conntrackd.conf"), dir);
    const link = /^\s*Interface (\S+)$/m.exec(text)![1]!;
    const address = /^\s*IPv4_interface (\S+)$/m.exec(text)![1]!;
    mkdirSync(join(tmp, "rsctmp"), { recursive: true });
    await inNetns([{ name: link, address: `${address}/24` }], (ns) => {
      // the wrapper as generated, pointed at this namespace and this lock/socket folder
      const wrapper = join(dir, "conntrackd-netns.sh");
      copyFileSync(join(conf, "conntrackd-netns.sh"), wrapper);
      const w = readFileSync(wrapper, "utf8");
      const generatedNs = /ip netns exec (\S+) /.exec(w)![1]!;
      writeFileSync(wrapper, w.replace(/^mkdir -p \S+$/m, `mkdir -p ${dir}`).replace(`ip netns exec ${generatedNs} `, `ip netns exec ${ns} `));
      chmodSync(wrapper, 0o755);
      const env = {
        OCF_RESKEY_binary: wrapper,
        OCF_RESKEY_config: ctConf,
        OCF_RESKEY_CRM_meta_interval: "0",
        OCF_RESKEY_CRM_meta_promoted_max: "1",
        OCF_RESKEY_CRM_meta_master_max: "1",
        OCF_RESKEY_CRM_meta_master_node_max: "1",
        OCF_RESKEY_CRM_meta_clone_node_max: "1",
      };
      try {
        for (const [action, code] of [
          ["start", 0],
          ["monitor", 0],
          ["promote", 0],
          ["monitor", 8],
          ["demote", 0],
          ["monitor", 0],
        ] as const) {
          const r = agent("conntrackd", action, env);
          expect(r.code, `${action}: ${r.stdout}${r.stderr}`).toBe(code);
        }
      } finally {
        const stop = agent("conntrackd", "stop", env);
        expect(stop.code, stop.stdout + stop.stderr).toBe(0);
      }
      expect(run("ip", ["netns", "exec", ns, "conntrackd", "-C", ctConf, "-s", "runtime"]).code).not.toBe(0);
    });
  });
});

describe("the Ansible tasks that write the VRRP password from the vault variable", () => {
  it("write it 0600 in keepalived's $NAME=value form, never print it, and refuse one keepalived would truncate", () => {
    requireTool("ansible-playbook");
    // the role's task file for the action's kind, run with ctrl1's action from host_vars, as the role includes it
    const ansible = join(ROOT, "out/fuel-env/ansible");
    const hostVars = parse(readFileSync(join(ansible, "host_vars/ctrl1.yml"), "utf8")) as { sitegen_steps: Array<{ apply: Array<Record<string, unknown>> }> };
    const actions = hostVars.sitegen_steps.flatMap((st) => st.apply).filter((a) => String(a.kind).startsWith("secret"));
    expect(actions.map((a) => a.var)).toEqual(["vault_fuel_env_vrrp_pass"]);
    const action = actions[0]!;
    const tasks = parse(readFileSync(join(ROOT, "out/engine/ansible", `roles/sitegen_host/tasks/action-${String(action.kind)}.yml`), "utf8")) as Array<
      Record<string, unknown>
    >;
    const secretTasks = tasks.filter((t) => t.no_log === true);
    expect(secretTasks.map((t) => Object.keys(t).find((k) => k.startsWith("ansible.builtin.")))).toEqual(["ansible.builtin.assert", "ansible.builtin.copy"]);
    const dir = join(tmp, "ansible-secret");
    mkdirSync(dir);
    const book = join(dir, "play.yml");
    const play = (secret: string) => {
      const tasksOnly = tasks.map(({ notify: _n, ...t }) => t); // the handlers belong to the real play
      const vars = { sitegen_prefix: `${dir}/root`, vault_fuel_env_vrrp_pass: secret, sitegen_action: action };
      writeFileSync(book, `- hosts: localhost\n  gather_facts: false\n  vars: ${JSON.stringify(vars)}\n  tasks: ${JSON.stringify(tasksOnly)}\n`);
      return run("ansible-playbook", ["-i", "localhost,", "-c", "local", book], { timeoutMs: 120_000 });
    };
    mkdirSync(join(dir, "root/etc/sitegen/vrouter"), { recursive: true });
    const ok = play("Zq4.k_8");
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain("Zq4.k_8");
    const file = join(dir, "root/etc/sitegen/vrouter/vrrp-auth.conf");
    expect(readFileSync(file, "utf8")).toBe("$VRRP_AUTH_PASS=Zq4.k_8\n");
    expect((statSync(file).mode & 0o777).toString(8)).toBe("600");
    const long = play("much-too-long");
    expect(long.code).not.toBe(0);
    expect(long.stdout + long.stderr).not.toContain("much-too-long");
  }, 180_000);
});
