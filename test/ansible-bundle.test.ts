// How plan actions become Ansible tasks: the translations, and the refusals (nothing is dropped).
import { describe, expect, it } from "vitest";
import { actionTasks, handlersFor, type Scope } from "../src/bundles/ansible-actions.js";
import { cmd, daemonReload, probe, unitOp, type Action } from "../src/plan/actions.js";
import type { Artifact } from "../src/plan/types.js";

const scope = (files: Artifact[] = []): Scope => ({ host: "h1", reg: "sitegen_step1", when: ["sitegen_step1.rc != 0"], files });
const names = (ts: Array<Record<string, unknown>>) => ts.map((t) => t.name);

describe("actions as tasks", () => {
  it("a guarded run gets a read-only probe, and runs only when its step and its guard say so", () => {
    const ts = actionTasks([cmd(["ip", "link", "add", "x", "type", "bridge"], { unless: probe("ip", "link", "show", "dev", "x") })], scope());
    expect(ts[0]).toMatchObject({ "ansible.builtin.command": { argv: ["ip", "link", "show", "dev", "x"] }, register: "sitegen_step1_guard0", changed_when: false, failed_when: false, check_mode: false });
    expect(ts[0]).toMatchObject({ when: "sitegen_step1.rc != 0" });
    expect(ts[1]).toMatchObject({ changed_when: true, when: ["sitegen_step1.rc != 0", "sitegen_step1_guard0.rc != 0"] });
  });

  it("a run that may fail reports changed only when it succeeded", () => {
    const [t] = actionTasks([cmd(["ip", "addr", "del", "10.0.0.1/24", "dev", "x"], { mayFail: true })], scope());
    expect(t).toMatchObject({ register: "sitegen_step1_run0", failed_when: false, changed_when: "sitegen_step1_run0.rc == 0" });
  });

  it("systemctl becomes systemd_service, and a reload after a file change becomes a flushed handler", () => {
    const actions: Action[] = [
      { kind: "install", dest: "/etc/systemd/system/x.service", mode: 0o644 },
      daemonReload,
      unitOp("enable", "x.service", { now: true }),
    ];
    const ts = actionTasks(actions, scope());
    expect(names(ts)).toEqual(["Install /etc/systemd/system/x.service", "Flush handlers: Reload the systemd manager configuration if a file above changed", "Run systemctl enable --now x.service"]);
    expect(ts[0]).toMatchObject({ notify: ["Reload the systemd manager configuration"], "ansible.builtin.copy": { src: "{{ sitegen_out }}/hosts/h1/files/etc/systemd/system/x.service", mode: "0644" } });
    expect(ts[2]).toMatchObject({ "ansible.builtin.systemd_service": { name: "x.service", enabled: true, state: "started" } });
    expect(handlersFor([actions])).toEqual([{ name: "Reload the systemd manager configuration", "ansible.builtin.systemd_service": { daemon_reload: true } }]);
  });

  it("a restart after a config change is a handler, and the unit is also started when its step is needed", () => {
    const ts = actionTasks([{ kind: "install", dest: "/etc/d.conf", mode: 0o644 }, unitOp("restart", "d.service")], scope());
    expect(ts[0]).toMatchObject({ notify: ["Restart d.service"] });
    expect(ts[2]).toMatchObject({ "ansible.builtin.systemd_service": { name: "d.service", state: "started" }, when: "sitegen_step1.rc != 0" });
  });

  it("a multi-line or tabbed word is written to a file beside the playbooks and looked up exactly", () => {
    const files: Artifact[] = [];
    const [t] = actionTasks([cmd(["nft", "table inet t {\n\tchain c {\n\t}\n}\n"])], scope(files));
    expect(files).toEqual([{ path: "ansible/args/h1/step1_run0-1.txt", content: "table inet t {\n\tchain c {\n\t}\n}\n", mode: 0o644 }]);
    expect(t).toMatchObject({ "ansible.builtin.command": { argv: ["nft", "{{ lookup('ansible.builtin.file', playbook_dir ~ '/args/h1/step1_run0-1.txt', rstrip=false) }}"] } });
    expect(t!.name).toBe("Run nft 'table inet t { …' (5 lines)");
  });

  it("refuses a word Ansible would template", () => {
    expect(() => actionTasks([cmd(["echo", "{{ lookup('pipe', 'id') }}"])], scope())).toThrow(/would be templated by Ansible/);
  });

  it("a file path in a command is rooted like installed files; a unit guard asks service_facts", () => {
    const [t] = actionTasks([cmd(["bash", { path: "/etc/sitegen/x.sh" }, "create"])], scope());
    expect(t).toMatchObject({ name: "Run bash /etc/sitegen/x.sh create", "ansible.builtin.command": { argv: ["bash", "{{ sitegen_prefix }}/etc/sitegen/x.sh", "create"] } });
    const ts = actionTasks([unitOp("disable", "x.service", { now: true, onlyIfInstalled: true })], scope());
    expect(ts[0]).toMatchObject({ "ansible.builtin.service_facts": {} });
    expect(ts[1]).toMatchObject({ "ansible.builtin.systemd_service": { name: "x.service", enabled: false, state: "stopped" } });
    expect(ts[1]!.when).toEqual(["sitegen_step1.rc != 0", "'x.service' in ansible_facts.services"]);
  });
});
