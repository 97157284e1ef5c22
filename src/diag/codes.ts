// Every code a diagnostic can carry, as types: a rule that reports a code not listed here does not
// compile, and test/unit/validate/invalid.test.ts and test/unit/validate/warnings.test.ts hold a case for each.

/** Every rule code the validator can emit; each has at least one case in test/cases/invalid. */
export const RULE_CODES = [
  "yaml-syntax", "yaml-alias", "duplicate-key", "unknown-key", "wrong-type", "missing-key", "bad-value", "bad-format",
  "cidr-host-bits", "invalid-cidr", "invalid-address", "gateway-outside-subnet", "static-outside-subnet", "range-outside-subnet",
  "address-outside-subnet", "reserved-address", "range-reversed", "range-mixed-family", "subnet-overlap", "address-collision",
  "vid-out-of-range", "vid-duplicate", "ifname-too-long", "unknown-host", "unknown-bridge", "host-attached-twice", "gateway-not-attached",
  "persistence-netplan-unowned", "gateway-needs-vlan", "duplicate-name", "site-name-mismatch", "gateway-not-ours",
  "unknown-network", "vip-outside-subnet", "dns-upstream-not-address", "ntp-name-needs-dns", "ntp-upstream-invalid",
  "vrouter-duplicate-member", "vrouter-ha-needs-address", "vrouter-ha-option-mismatch", "vrouter-ha-single-member", "vrouter-ipv6-unsupported",
  "vrouter-leg-unattached", "vrouter-leg-vlan-linux", "vrouter-link-clash", "vrouter-namespace-clash", "vrouter-no-gateway",
  "vrouter-peer-on-ovs", "vrouter-primary-not-member", "vrouter-priority-primary", "vrouter-priority-tie", "vrouter-priority-without-ha",
  "vrouter-same-network", "vrouter-sync-collision", "vrouter-sync-ftfw-members", "vrouter-sync-not-multicast", "vrouter-vrid-collision",
  "vrouter-vrid-missing", "fallback-gateway-is-router",
  "dual-stack-family", "gateway-address6-needs-cidr6",
  "management-unusable", "management-duplicate", "management-in-vip-range", "node-management-mismatch", "vrouter-node-vlan",
  "network-special", "gateway-no-room", "gateway-bridge-owner-tagged", "unit-not-ours", "unit-clash", "host-name-reserved",
  "attach-address-tagged",
  // allocation (src/alloc): a case's lock file is <case>.lock.yaml beside it
  "alloc-range-full", "alloc-no-range", "alloc-vrid-full", "lock-stale", "lock-outside-range", "lock-collision", "lock-invalid",
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** Every warning code (shown, blocking only with --strict); test/cases/warning has a case for each. */
export const WARNING_CODES = ["vrrp-unauthenticated", "node-bridge-no-ports"] as const;
export type WarningCode = (typeof WARNING_CODES)[number];
