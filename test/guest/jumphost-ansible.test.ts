// End-to-end in a real guest kernel (issue 5, section 3, last bullet): the jumphost flow driven by
// the generated Ansible hand-off (out/jumphost/ansible) with ansible-playbook over ssh, to the guest
// on a loopback-only port forward (user-mode NIC, restrict=on: no path off this machine). One boot:
//   site setup; apply.yml without the approval refuses and changes nothing; apply.yml with the
//   approval (the output's token, engine token.sh) applies and verifies; a second run reports changed=0;
//   rollback.yml (approved) removes virbr1.104 and the unit.
// Every Ansible task starts Python in the guest, ~3 s each under TCG (measured: a 10-task play
// 30 s with pipelining, 53 s without), so the four plays alone take ~4-5 minutes. That is why
// this flow does not reboot: the reboot proofs of the same unit file (persistence survives a
// reboot; a rollback leaves a clean reboot) are in jumphost-libvirt.test.ts. The same boot then
// plays a node for confirm-or-revert over ssh (confirm-flow.ts) and through the node's playbooks
// (confirm-ansible.ts): a boot costs more than the flows.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { token } from "../helpers/ansible.js";
import { buildVariant, fuelEnvText } from "../helpers/variant.js";
import { ANS_CUT_S, ANS_KEPT_S, confirmOverAnsible, type AnsibleConfirmResults } from "./confirm-ansible.js";
import { CMP1_SHARE, CUT_S, KEPT_S, confirmOverSsh, type ConfirmResults } from "./confirm-flow.js";
import {
  IMAGE_BUILD_TIMEOUT_MS,
  ROOT,
  assertCompleted,
  ensureImage,
  exec,
  guestAvailability,
  jobReport,
  runGuest,
  type ExecResult,
  type GuestRun,
  type SshContext,
} from "./harness.js";
import { LIBVIRT_SETTLE, LIBVIRT_SETUP, LIBVIRT_SITE as S } from "./site-fixtures.js";

const OUT = join(ROOT, "out/jumphost");
const ANSIBLE_DIR = join(OUT, "ansible");
const avail = guestAvailability();

interface Recap {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
}

function recap(r: ExecResult): Recap | null {
  const m = /^jumphost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/m.exec(r.stdout);
  return m ? { ok: Number(m[1]), changed: Number(m[2]), unreachable: Number(m[3]), failed: Number(m[4]) } : null;
}

function show(r: ExecResult | undefined): string {
  return r ? `exit ${r.code}\n--- stdout\n${r.stdout.split("\n").slice(-60).join("\n")}\n--- stderr\n${r.stderr}` : "did not run";
}

describe.skipIf(!avail.run)("guest e2e: jumphost through ansible-playbook over ssh (loopback port), then confirm-or-revert", () => {
  const got: Record<string, ExecResult> = {};
  let confirm: ConfirmResults = {};
  let viaAnsible: AnsibleConfirmResults = {};
  let run: GuestRun;
  const tmp = mkdtempSync(join(tmpdir(), "sitegen-confirm-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  beforeAll(
    async () => {
      ensureImage();
      for (const f of ["apply.yml", "rollback.yml", "ansible.cfg"]) expect(existsSync(join(ANSIBLE_DIR, f)), f).toBe(true);
      const approval = token(OUT);
      // cmp1 with a bridge netplan does not own: its takeover is live (confirm-flow.ts)
      const node = buildVariant(tmp, "live", fuelEnvText().replace(/(- name: cmp1[\s\S]*?owner: )netplan/, "$1unmanaged"));

      const nodeToken = token(node);
      const playbook = async (inv: string, book: string, approve: string | undefined, extra: string[] = [], dir = ANSIBLE_DIR): Promise<ExecResult> => {
        const args = ["-i", inv, book, ...(approve ? ["-e", `approve=${approve}`] : []), ...extra];
        // Connection settings come from the generated ansible.cfg (pipelining, ServerAlive, no compression: every
        // round trip and every byte of zlib costs under TCG).
        const env = { ...process.env, ANSIBLE_NOCOLOR: "1", ANSIBLE_HOST_KEY_CHECKING: "False", ANSIBLE_RETRY_FILES_ENABLED: "False" };
        const t0 = Date.now();
        const r = await exec("ansible-playbook", args, { cwd: dir, env, timeoutMs: 600_000 });
        process.stderr.write(
          `[guest] ansible-playbook ${book} ${extra.join(" ")}${approve ? " (approved)" : ""}: exit ${r.code} in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`,
        );
        return r;
      };
      const inventory = (ctx: SshContext, share: string, site = "jumphost", tier = "gateways", host = "jumphost"): string => {
        // The generated inventory's groups (the site, the host's tier) and host, pointed at the guest's loopback port.
        const inv = join(share, `ansible-inventory-${host}.yml`);
        const group = `site_${site.replace(/-/g, "_")}`;
        writeFileSync(
          inv,
          [
            "all:",
            "  vars:",
            "    sitegen_root: /",
            "  children:",
            `    ${group}:`,
            "      children:",
            `        ${group}_${tier}:`,
            "          hosts:",
            `            ${host}:`,
            "              ansible_host: 127.0.0.1",
            `              ansible_port: ${ctx.port}`,
            "              ansible_user: root",
            `              ansible_ssh_private_key_file: ${ctx.keyFile}`,
            `              ansible_ssh_common_args: "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes"`,
            "              ansible_python_interpreter: /usr/bin/python3",
            "",
          ].join("\n"),
        );
        return inv;
      };

      run = await runGuest(
        [
          { name: "010-site", script: `${LIBVIRT_SETUP}\n${LIBVIRT_SETTLE}` },
          { name: "020-ansible", script: "", hold: true, timeoutSec: 1800 },
        ],
        {
          ssh: true,
          copy: [{ from: join(node, "hosts/cmp1"), to: CMP1_SHARE }],
          totalTimeoutSec: 1900,
          bootTimeoutSec: 1890,
          onHold: async (_job, ctx) => {
            await ctx.waitSsh();
            const share = join(ctx.keyFile, "../..");
            const inv = inventory(ctx, share);
            got["unapproved"] = await playbook(inv, "apply.yml", undefined);
            got["state-after-unapproved"] = await ctx.ssh(`ip link show dev ${S.vlanDev} 2>&1; ls /etc/systemd/system/${S.unit} 2>&1; true`);
            got["approved"] = await playbook(inv, "apply.yml", approval);
            got["state-after-apply"] = await ctx.ssh(
              `ip -br addr show dev ${S.vlanDev} 2>&1; systemctl is-enabled ${S.unit} 2>&1; systemctl is-active ${S.unit} 2>&1; true`,
            );
            got["second"] = await playbook(inv, "apply.yml", approval);
            got["rollback"] = await playbook(inv, "rollback.yml", approval);
            got["state-after-rollback"] = await ctx.ssh(
              `ip link show dev ${S.vlanDev} 2>&1; ls /etc/systemd/system/${S.unit} 2>&1; systemctl is-enabled ${S.unit} 2>&1; true`,
            );
            confirm = await confirmOverSsh(ctx);
            if (confirm.afterRollback?.code !== 0) return;
            const nodeInv = inventory(ctx, share, "fuel-env", "nodes", "cmp1");
            viaAnsible = await confirmOverAnsible(ctx, (book, extra) => playbook(nodeInv, book, nodeToken, extra, join(node, "ansible")));
          },
        },
      );
      process.stderr.write(`[guest] ansible and confirm flows: ${run.seconds.toFixed(1)}s over ${run.boots.length} boots\n`);
    },
    IMAGE_BUILD_TIMEOUT_MS + 35 * 60_000,
  );

  it("approval gate, apply, changed=0 on a second run, rollback: clean", () => {
    assertCompleted(run);
    expect(run.boots).toHaveLength(1);

    expect.soft(run.jobs["010-site"]?.rc, jobReport(run, "010-site")).toBe(0);
    // The approval gate: without approve= the play stops before any change.
    expect.soft(got["unapproved"]?.code, show(got["unapproved"])).not.toBe(0);
    expect.soft(got["unapproved"]?.stdout ?? "", show(got["unapproved"])).toMatch(/Not approved/);
    expect.soft(got["state-after-unapproved"]?.stdout ?? "").toMatch(new RegExp(`Device "${S.vlanDev.replace(".", "\\.")}" does not exist`));
    expect.soft(got["state-after-unapproved"]?.stdout ?? "").toMatch(/No such file or directory/);
    // Approved: applies (something changed), and a second run changes nothing.
    expect.soft(got["approved"]?.code, show(got["approved"])).toBe(0);
    expect.soft(recap(got["approved"]!)?.changed ?? 0, show(got["approved"])).toBeGreaterThan(0);
    expect.soft(got["second"]?.code, show(got["second"])).toBe(0);
    expect.soft(recap(got["second"]!), show(got["second"])).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect
      .soft(got["state-after-apply"]?.stdout ?? "", "after apply.yml")
      .toMatch(new RegExp(`^${S.vlanDev.replace(".", "\\.")}@${S.bridge}\\s+UP\\s+10\\.12\\.8\\.1/22`, "m"));
    expect.soft(got["state-after-apply"]?.stdout ?? "", "after apply.yml").toMatch(/^enabled\nactive$/m);
    expect.soft(got["rollback"]?.code, show(got["rollback"])).toBe(0);
    const gone = got["state-after-rollback"]?.stdout ?? "";
    expect.soft(gone, "after rollback.yml").toMatch(new RegExp(`Device "${S.vlanDev.replace(".", "\\.")}" does not exist`));
    expect.soft(gone, "after rollback.yml").toMatch(/No such file or directory/);
  });

  it(`an apply that cuts its own ssh session is reverted by the host within ${CUT_S} s and ssh comes back; a confirmed apply stays`, () => {
    const c = confirm;
    expect(c.setup?.code, show(c.setup)).toBe(0);
    expect(c.setup?.stdout).toMatch(/^default via 10\.0\.2\.2 dev \S+ onlink/m);
    expect(c.audit?.code, show(c.audit)).toBe(0);
    // the cut: the session running host.sh apply died (ssh 255), after it had armed; ssh was down right after
    expect(c.cutApply?.stdout ?? "", show(c.cutApply)).toMatch(new RegExp(`== armed: run \\S+ reverts in ${CUT_S} s`));
    expect(c.cutApply?.code, show(c.cutApply)).toBe(255);
    expect(c.downAt, "ssh answered right after the cutting apply").toBeDefined();
    // back only through the revert: not before the window, and well before the poll gave up
    expect(c.backAfter, "ssh never came back").toBeDefined();
    expect(c.backAfter!).toBeGreaterThanOrEqual(CUT_S - 5);
    expect(c.cutLog?.stdout ?? "", show(c.cutLog)).toMatch(/window expired unconfirmed: reverting 1 step\(s\), newest first/);
    expect(c.cutLog?.stdout ?? "").toMatch(/^reverted$/m);
    expect(c.afterRevert?.stdout, "routes and resolver after the revert").toBe(c.before?.stdout);
    // confirmed: armed, a second apply refuses, verify + confirm, still applied after the window
    expect(c.keptApply?.code, show(c.keptApply)).toBe(0);
    expect(c.keptId, show(c.keptApply)).toBeDefined();
    expect(c.secondApply?.code, show(c.secondApply)).toBe(1);
    expect(c.secondApply?.stdout).toContain(`!! refused: a revert is armed for run ${c.keptId}`);
    expect(c.confirm?.code, show(c.confirm)).toBe(0);
    expect(c.afterWindow?.stdout ?? "", show(c.afterWindow)).toMatch(/^default via 192\.168\.0\.2 dev br-mgmt/m);
    expect(c.afterWindow?.stdout ?? "").not.toMatch(/sitegen-revert-/);
    expect(c.keptLog?.stdout ?? "", show(c.keptLog)).toMatch(/confirmed: revert disarmed, the change stays/);
    expect(c.keptLog?.stdout ?? "").not.toMatch(/reverting/);
    expect(c.rollback?.code, show(c.rollback)).toBe(0);
    expect(c.afterRollback?.stdout, "routes and resolver after host.sh rollback").toBe(c.keptBefore?.stdout);
    process.stderr.write(
      `[guest] confirm: ssh down ${c.downAt?.toFixed(1)} s after the cutting apply began, back after ${c.backAfter?.toFixed(1)} s (window ${CUT_S} s); kept run confirmed ${c.confirmedAfter?.toFixed(1)} s after its apply (window ${KEPT_S} s)\n`,
    );
  });

  it(`the same through the playbooks: a cut session is waited for, the host reverts within ${ANS_CUT_S} s, a confirmed run stays`, () => {
    const a = viaAnsible;
    expect.soft(a.serve?.code, show(a.serve)).toBe(0);
    expect.soft(a.serve?.stdout).toMatch(/^default via 10\.0\.2\.2 dev \S+ onlink/m);
    // cut: the play does not drop the host, waits for a new session, and reports the host's own revert
    expect.soft(a.cut?.code, show(a.cut)).not.toBe(0);
    expect.soft(a.cut?.stdout ?? "", show(a.cut)).toMatch(/Stop here if this task lost the session[\s\S]*?fatal: \[cmp1\]: FAILED!/);
    expect.soft(a.cut?.stdout ?? "", show(a.cut)).toMatch(/Wait until a new session reaches the host[^\n]*\n(?:[^\n]*\n)*?ok: \[cmp1\]/);
    expect.soft(a.cut?.stdout ?? "", show(a.cut)).toMatch(/the host reverted this run's steps on its own \(reverted;/);
    expect.soft(a.cutLog?.stdout ?? "", show(a.cutLog)).toMatch(/window expired unconfirmed: reverting 1 step\(s\), newest first/);
    expect.soft(a.cutLog?.stdout ?? "").toMatch(/^reverted$/m);
    expect.soft(a.afterCut?.stdout, "routes and resolver after the host's own revert").toBe(a.before?.stdout);
    // kept: confirmed over a new session; no timer left, the node routes through the VIP; rollback.yml gives it back
    expect.soft(a.kept?.code, show(a.kept)).toBe(0);
    expect.soft(a.kept?.stdout ?? "", show(a.kept)).toMatch(/Keep the change: confirm this run[^\n]*\n(?:[^\n]*\n)*?ok: \[cmp1\]/);
    expect.soft(a.keptLog?.stdout ?? "", show(a.keptLog)).toMatch(/confirmed: revert disarmed, the change stays/);
    expect.soft(a.afterKept?.stdout ?? "", show(a.afterKept)).toMatch(/^default via 192\.168\.0\.2 dev br-mgmt/m);
    expect.soft(a.afterKept?.stdout ?? "").not.toMatch(/sitegen-revert-/);
    expect.soft(a.rollback?.code, show(a.rollback)).toBe(0);
    expect.soft(a.afterRollback?.stdout, "routes and resolver after rollback.yml").toBe(a.keptBefore?.stdout);
    process.stderr.write(`[guest] confirm via Ansible: the cut run took ${a.cutSeconds?.toFixed(1)} s (window ${ANS_CUT_S} s)\n`);
  });
});
