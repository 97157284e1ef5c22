// End-to-end in a real guest kernel (issue 5, section 3): the netplan-owned variant of the jumphost
// (golden case test/cases/golden/jumphost-netplan: bridge br-prov owned by netplan), run from the
// case's reviewed expected output (test/unit/golden.test.ts keeps it equal to what the generator emits).
//   boot 1: site setup (netplan defines br-prov), audit (decides netplan), runtime apply, verify,
//           runtime rollback (state equals the snapshot), persistence 3B (`netplan apply`), reboot
//   boot 2: verify after the reboot, persistence rollback, reboot
//   boot 3: br-prov.104 gone, the drop-in gone, state equals the boot-1 snapshot
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  GUEST_TEST_TIMEOUT_MS,
  IMAGE_BUILD_TIMEOUT_MS,
  ROOT,
  assertCompleted,
  ensureImage,
  guestAvailability,
  jobReport,
  linkOf,
  runGuest,
  type GuestRun,
} from "./harness.js";
import { IN_SITE, NETPLAN_SETTLE, NETPLAN_SETUP, NETPLAN_SITE as S, auditLines, expectSameState } from "./site-fixtures.js";
import { HOST_SH, installedCopy } from "../helpers/gen.js";

const CASE = join(ROOT, "test/cases/golden/jumphost-netplan");
const HOST_DIR = join(CASE, "expected/hosts/jumphost");
const DROPIN = "/etc/netplan/zz-sitegen-br-prov-104.yaml"; // sorts after the files that define br-prov (src/targets/netplan)
const avail = guestAvailability();

// Soft: an end-to-end flow reports every step that went wrong, not just the first.
function expectRc(run: GuestRun, job: string, rc: number): void {
  expect.soft(run.jobs[job]?.rc, jobReport(run, job)).toBe(rc);
}

describe.skipIf(!avail.run)("guest e2e: jumphost variant, netplan-owned br-prov (persistence 3B)", () => {
  beforeAll(() => {
    ensureImage();
  }, IMAGE_BUILD_TIMEOUT_MS);

  it("the golden case is the netplan-owned variant the fixtures build", () => {
    const inv = readFileSync(join(CASE, "jumphost-netplan.yaml"), "utf8");
    expect(inv).toMatch(new RegExp(`name: ${S.bridge}\\s+owner: netplan`));
    expect(inv).toContain("vlan: 104");
    expect(inv).toContain("address: 10.12.8.1");
    expect(existsSync(join(HOST_DIR, HOST_SH)), `${HOST_DIR}/${HOST_SH}`).toBe(true);
    // the drop-in's copy, flat in files/, as host.sh's install line names it
    expect(existsSync(installedCopy(HOST_DIR, DROPIN)), DROPIN).toBe(true);
  });

  it(
    "audit decides netplan; netplan apply; reboot; verify; rollback; reboot; clean",
    async () => {
      const run = await runGuest(
        [
          // ---- boot 1
          { name: "010-site", script: `${NETPLAN_SETUP}\n${NETPLAN_SETTLE}\nsnap base\nip -br addr` },
          { name: "020-audit", script: `${IN_SITE}\nbash ./host.sh audit` },
          { name: "030-runtime-apply", script: `${IN_SITE}\nphase_apply runtime` },
          { name: "040-verify-runtime", script: `${IN_SITE}\nsnap runtime-applied\nbash ./host.sh verify runtime` },
          { name: "050-runtime-rollback", script: `${IN_SITE}\nphase_rollback runtime\nrc=$?\nsnap after-runtime-rollback\nexit $rc` },
          { name: "060-persist-apply", script: `${IN_SITE}\nphase_apply persist\nrc=$?\nnetworkctl list --no-pager >&2\nexit $rc`, reboot: true },
          // ---- boot 2
          {
            name: "070-verify-after-reboot",
            script: `${IN_SITE}\n${NETPLAN_SETTLE}\nwait_for 30 "${S.vlanDev} operstate up" grep -qx up /sys/class/net/${S.vlanDev}/operstate\nsnap after-reboot\nnetworkctl list --no-pager >&2\nbash ./host.sh verify`,
          },
          { name: "080-persist-rollback", script: `${IN_SITE}\nphase_rollback persist`, reboot: true },
          // ---- boot 3
          {
            name: "090-clean-after-reboot",
            script: String.raw`${IN_SITE}
${NETPLAN_SETTLE}
snap final
rc=0
if ip link show dev ${S.vlanDev} >/dev/null 2>&1; then echo "FAIL ${S.vlanDev} still exists"; rc=1; else echo "ok ${S.vlanDev} is gone"; fi
if [ -e ${DROPIN} ]; then echo "FAIL drop-in still installed"; rc=1; else echo "ok drop-in removed"; fi
exit $rc`,
          },
        ],
        { copy: [{ from: HOST_DIR, to: "site" }], totalTimeoutSec: 540 },
      );
      process.stderr.write(`[guest] netplan flow: ${run.seconds.toFixed(1)}s over ${run.boots.length} boots\n`);
      assertCompleted(run);
      expect(run.boots).toHaveLength(3);
      expect(new Set(run.boots).size).toBe(3);
      expectRc(run, "010-site", 0);

      expectRc(run, "020-audit", 0);
      const audit = auditLines(run.jobs["020-audit"]!.stdout);
      expect.soft(audit.stop, jobReport(run, "020-audit")).toEqual([]);
      expect
        .soft(
          audit.pass.some((l) => l.startsWith("PASS G5 ")),
          jobReport(run, "020-audit"),
        )
        .toBe(true);
      expect.soft(audit.decision).toMatch(/^decision: persistence=netplan\b/);

      expectRc(run, "030-runtime-apply", 0);
      expect.soft(linkOf(run.snapshot("runtime-applied"), S.vlanDev)?.["operstate"]).toBe("UP");
      expectRc(run, "040-verify-runtime", 0);
      expectRc(run, "050-runtime-rollback", 0);
      expectSameState(run, "base", "after-runtime-rollback", false);

      expectRc(run, "060-persist-apply", 0);
      expect(run.jobs["070-verify-after-reboot"]!.bootId).toBe(run.boots[1]);
      expectRc(run, "070-verify-after-reboot", 0);
      const vlan = linkOf(run.snapshot("after-reboot"), S.vlanDev);
      expect.soft(vlan?.["operstate"], `${S.vlanDev} after the reboot`).toBe("UP");
      expect.soft(vlan?.["link"]).toBe(S.bridge);

      expectRc(run, "080-persist-rollback", 0);
      expect(run.jobs["090-clean-after-reboot"]!.bootId).toBe(run.boots[2]);
      expectRc(run, "090-clean-after-reboot", 0);
      expectSameState(run, "base", "final", true);
    },
    GUEST_TEST_TIMEOUT_MS,
  );
});
