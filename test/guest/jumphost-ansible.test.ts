// End-to-end in a real guest kernel (issue 5, section 3, last bullet): the jumphost flow driven by
// the generated Ansible hand-off (out/jumphost/ansible) with ansible-playbook over ssh, to the guest
// on a loopback-only port forward (user-mode NIC, restrict=on: no path off this machine). One boot:
//   site setup; apply.yml without the approval refuses and changes nothing; apply.yml with the
//   approval (sha256 of manifest.json) applies and verifies; a second run reports changed=0;
//   rollback.yml (approved) removes virbr1.104 and the unit.
// Every Ansible task starts Python in the guest, ~3 s each under TCG (measured: a 10-task play
// 30 s with pipelining, 53 s without), so the four plays alone take ~4-5 minutes. That is why
// this flow does not reboot: the reboot proofs of the same unit file (persistence survives a
// reboot; a rollback leaves a clean reboot) are in jumphost-libvirt.test.ts.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  GUEST_TEST_TIMEOUT_MS, IMAGE_BUILD_TIMEOUT_MS, ROOT, assertCompleted, ensureImage, exec, guestAvailability, jobReport,
  runGuest, type ExecResult, type SshContext,
} from "./harness.js";
import { LIBVIRT_SETTLE, LIBVIRT_SETUP, LIBVIRT_SITE as S } from "./site-fixtures.js";

const OUT = join(ROOT, "out/jumphost");
const ANSIBLE_DIR = join(OUT, "ansible");
const avail = guestAvailability();

interface Recap { ok: number; changed: number; failed: number; unreachable: number }

function recap(r: ExecResult): Recap | null {
  const m = /^jumphost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/m.exec(r.stdout);
  return m ? { ok: Number(m[1]), changed: Number(m[2]), unreachable: Number(m[3]), failed: Number(m[4]) } : null;
}

function show(r: ExecResult | undefined): string {
  return r ? `exit ${r.code}\n--- stdout\n${r.stdout.split("\n").slice(-60).join("\n")}\n--- stderr\n${r.stderr}` : "did not run";
}

describe.skipIf(!avail.run)("guest e2e: jumphost through ansible-playbook over ssh (loopback port)", () => {
  beforeAll(() => {
    ensureImage();
  }, IMAGE_BUILD_TIMEOUT_MS);

  it("approval gate, apply, changed=0 on a second run, rollback: clean", async () => {
    for (const f of ["apply.yml", "rollback.yml", "ansible.cfg"]) expect(existsSync(join(ANSIBLE_DIR, f)), f).toBe(true);
    const token = createHash("sha256").update(readFileSync(join(OUT, "manifest.json"))).digest("hex");
    const got: Record<string, ExecResult> = {};

    const playbook = async (ctx: SshContext, inv: string, book: string, approve: boolean): Promise<ExecResult> => {
      const args = ["-i", inv, book, ...(approve ? ["-e", `approve=${token}`] : [])];
      // Connection settings only (the plays are untouched): pipelining and no ssh compression, since
      // every round trip and every byte of zlib costs under TCG.
      const env = {
        ...process.env, ANSIBLE_NOCOLOR: "1", ANSIBLE_HOST_KEY_CHECKING: "False", ANSIBLE_RETRY_FILES_ENABLED: "False",
        ANSIBLE_PIPELINING: "True", ANSIBLE_SSH_ARGS: "-o ControlMaster=auto -o ControlPersist=30s",
      };
      const t0 = Date.now();
      const r = await exec("ansible-playbook", args, { cwd: ANSIBLE_DIR, env, timeoutMs: 300_000 });
      process.stderr.write(`[guest] ansible-playbook ${book}${approve ? " (approved)" : ""}: exit ${r.code} in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
      return r;
    };
    const inventory = (ctx: SshContext, share: string): string => {
      // The generated inventory's groups (the site, its gateways tier) and host, pointed at the guest's loopback port.
      const inv = join(share, "ansible-inventory.yml");
      writeFileSync(inv, [
        "all:",
        "  vars:",
        "    sitegen_root: /",
        "  children:",
        "    site_jumphost:",
        "      children:",
        "        site_jumphost_gateways:",
        "          hosts:",
        "            jumphost:",
        "              ansible_host: 127.0.0.1",
        `              ansible_port: ${ctx.port}`,
        "              ansible_user: root",
        `              ansible_ssh_private_key_file: ${ctx.keyFile}`,
        `              ansible_ssh_common_args: "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes"`,
        "              ansible_python_interpreter: /usr/bin/python3",
        "",
      ].join("\n"));
      return inv;
    };

    const run = await runGuest([
      { name: "010-site", script: `${LIBVIRT_SETUP}\n${LIBVIRT_SETTLE}` },
      { name: "020-ansible", script: "", hold: true, timeoutSec: 480 },
    ], {
      ssh: true,
      totalTimeoutSec: 560,
      bootTimeoutSec: 550,
      onHold: async (_job, ctx) => {
        await ctx.waitSsh();
        const share = join(ctx.keyFile, "../..");
        const inv = inventory(ctx, share);
        got["unapproved"] = await playbook(ctx, inv, "apply.yml", false);
        got["state-after-unapproved"] = await ctx.ssh(`ip link show dev ${S.vlanDev} 2>&1; ls /etc/systemd/system/${S.unit} 2>&1; true`);
        got["approved"] = await playbook(ctx, inv, "apply.yml", true);
        got["state-after-apply"] = await ctx.ssh(`ip -br addr show dev ${S.vlanDev} 2>&1; systemctl is-enabled ${S.unit} 2>&1; systemctl is-active ${S.unit} 2>&1; true`);
        got["second"] = await playbook(ctx, inv, "apply.yml", true);
        got["rollback"] = await playbook(ctx, inv, "rollback.yml", true);
        got["state-after-rollback"] = await ctx.ssh(`ip link show dev ${S.vlanDev} 2>&1; ls /etc/systemd/system/${S.unit} 2>&1; systemctl is-enabled ${S.unit} 2>&1; true`);
      },
    });
    process.stderr.write(`[guest] ansible flow: ${run.seconds.toFixed(1)}s over ${run.boots.length} boots\n`);
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
    expect.soft(got["state-after-apply"]?.stdout ?? "", "after apply.yml").toMatch(new RegExp(`^${S.vlanDev.replace(".", "\\.")}@${S.bridge}\\s+UP\\s+10\\.12\\.8\\.1/22`, "m"));
    expect.soft(got["state-after-apply"]?.stdout ?? "", "after apply.yml").toMatch(/^enabled\nactive$/m);
    expect.soft(got["rollback"]?.code, show(got["rollback"])).toBe(0);
    const gone = got["state-after-rollback"]?.stdout ?? "";
    expect.soft(gone, "after rollback.yml").toMatch(new RegExp(`Device "${S.vlanDev.replace(".", "\\.")}" does not exist`));
    expect.soft(gone, "after rollback.yml").toMatch(/No such file or directory/);
  }, GUEST_TEST_TIMEOUT_MS);
});
