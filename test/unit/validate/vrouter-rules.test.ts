// The virtual-router rules (src/validate/rules/vrouter-*.ts): each code has an invalid case in
// test/cases/invalid (checked there for its exact text), and name suggestions fit IFNAMSIZ.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shorten } from "../../../src/validate/names.js";
import { ROOT } from "../../helpers/gen.js";

const VROUTER_CODES = [
  "vrouter-primary-not-member",
  "vrouter-duplicate-member",
  "vrouter-leg-unattached",
  "vrouter-same-network",
  "vrouter-no-gateway",
  "unknown-network",
  "vip-outside-subnet",
  "vrouter-ipv6-unsupported",
  "vrouter-link-clash",
  "vrouter-namespace-clash",
  "vrouter-peer-on-ovs",
  "vrouter-leg-vlan-linux",
  "dns-upstream-not-address",
  "ntp-upstream-invalid",
  "ntp-name-needs-dns",
  "ifname-too-long",
  "address-collision",
  // failover (vrouter-ha, vrouter-priorities, vrouter-vrid, vrouter-sync)
  "vrouter-ha-option-mismatch",
  "vrouter-vrid-missing",
  "vrouter-ha-single-member",
  "vrouter-ha-needs-address",
  "vrouter-priority-without-ha",
  "vrouter-priority-tie",
  "vrouter-priority-primary",
  "vrouter-vrid-collision",
  "vrouter-sync-not-multicast",
  "vrouter-sync-collision",
  "vrouter-sync-ftfw-members",
  "bad-value",
];

describe("virtual router rules", () => {
  it("every code has an invalid case", () => {
    const dir = join(ROOT, "test/cases/invalid");
    const seen = new Set(
      readdirSync(dir)
        .filter((f) => f.startsWith("vrouter-") && f.endsWith(".expected"))
        .flatMap((f) => [...readFileSync(join(dir, f), "utf8").matchAll(/error\[([a-z0-9-]+)\]/g)].map((m) => m[1])),
    );
    expect(VROUTER_CODES.filter((c) => !seen.has(c))).toEqual([]);
  });

  it.each([
    ["virtual-router-namespace", "vrtl-rtr-nmspc"],
    ["vr-management-leg", "vr-mngmnt-leg"],
    ["sitegen-vrouter-public", "stgn-vrtr-pblc"],
    ["abcdefghijklmnopqrstuvwxyz", "abcdfghjklmnpqr"],
    ["vr-mgmt", "vr-mgmt"],
  ])("shorten(%s) suggests %s, at most 15 characters, never a hash", (name, want) => {
    const s = shorten(name, 15);
    expect(s).toBe(want);
    expect(s.length).toBeLessThanOrEqual(15);
  });
});
