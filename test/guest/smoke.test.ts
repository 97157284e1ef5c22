// Guest smoke test: the guest kernel has 8021q, a VLAN sub-interface can be created on a bridge,
// and a requested reboot is a real one (new boot_id). Everything else in test/guest stands on this.
import { beforeAll, describe, expect, it } from "vitest";
import { GUEST_TEST_TIMEOUT_MS, IMAGE_BUILD_TIMEOUT_MS, assertCompleted, ensureImage, guestAvailability, jobReport, runGuest } from "./harness.js";

const avail = guestAvailability();
if (!avail.run) console.warn(`[guest] skipping guest-kernel tests (CI unset): ${avail.reason}`);

describe.skipIf(!avail.run)("guest smoke (qemu, Debian bookworm kernel)", () => {
  beforeAll(() => {
    ensureImage();
  }, IMAGE_BUILD_TIMEOUT_MS);

  it(
    "loads 8021q, puts a VLAN on a bridge, and really reboots",
    async () => {
      const run = await runGuest(
        [
          {
            name: "010-vlan-on-bridge",
            script: String.raw`
mark job1.start
set -e
modprobe 8021q
grep -q '^8021q ' /proc/modules
ip link add smoke-br type bridge
ip link add smoke-port type dummy
ip link set smoke-port master smoke-br
ip link set smoke-port up
ip link set smoke-br up
ip link add link smoke-br name smoke-br.104 type vlan id 104
ip addr add 10.12.8.1/22 dev smoke-br.104
ip link set smoke-br.104 up
wait_for 10 "smoke-br.104 operstate up" grep -qx up /sys/class/net/smoke-br.104/operstate
ip -d -o link show dev smoke-br.104
ip -br addr show dev smoke-br.104
uname -r
mark job1.end
`,
            reboot: true,
          },
          {
            name: "020-after-reboot",
            script: String.raw`
mark job2.start
cat /proc/sys/kernel/random/boot_id
# Runtime-only state must be gone after a real reboot.
if ip link show dev smoke-br.104 >/dev/null 2>&1; then echo "smoke-br.104 survived the reboot" >&2; exit 1; fi
echo "clean after reboot"
`,
          },
        ],
        { totalTimeoutSec: 420 },
      );
      assertCompleted(run);
      const a = run.jobs["010-vlan-on-bridge"]!;
      const b = run.jobs["020-after-reboot"]!;
      expect(a.rc, jobReport(run, a.name)).toBe(0);
      expect(a.stdout).toMatch(/smoke-br\.104@smoke-br: .*vlan protocol 802\.1Q id 104 /);
      expect(a.stdout).toMatch(/smoke-br\.104@smoke-br\s+UP\s+10\.12\.8\.1\/22/);
      expect(b.rc, jobReport(run, b.name)).toBe(0);
      expect(b.stdout).toContain("clean after reboot");

      // Two boots, two different boot_ids, and each job ran in the boot it should have.
      expect(run.boots).toHaveLength(2);
      expect(run.boots[0]).not.toBe(run.boots[1]);
      expect(a.bootId).toBe(run.boots[0]);
      expect(b.bootId).toBe(run.boots[1]);
      expect(b.stdout.trim().split("\n")[0]).toBe(run.boots[1]);

      // Measured, for docs/guest.md: qemu start -> first job, and first job end -> job after the reboot.
      const w = run.bootWindows;
      const m = run.marks;
      const bootToJob = (m["job1.start"] ?? NaN) - (w[0]?.start ?? NaN);
      const reboot = (m["job2.start"] ?? NaN) - (m["job1.end"] ?? NaN);
      process.stderr.write(
        `[guest] smoke timings: qemu start to job ${bootToJob.toFixed(1)}s; reboot (job end to next job) ${reboot.toFixed(1)}s; whole run ${run.seconds.toFixed(1)}s\n`,
      );
    },
    GUEST_TEST_TIMEOUT_MS,
  );
});
