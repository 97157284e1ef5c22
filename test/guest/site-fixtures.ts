// Shell fixtures for the guest end-to-end tests: they give the disposable guest the state a real
// jumphost has before the runbook starts (a bridge with an owner, a port on it, forwarding).
// The values mirror the sites' inventories; the tests check that they still do.
import { expect } from "vitest";
import { normalizeSnapshot, type GuestRun } from "./harness.js";

/** Site facts shared by the fixtures and the assertions. */
export const LIBVIRT_SITE = {
  network: "1_provider",
  bridge: "virbr1",
  bridgeCidr: "10.12.4.1/22",
  vlanDev: "virbr1.104",
  gatewayCidr: "10.12.8.1/22",
  unit: "provider-vip-gw.service",
  hook: "/etc/libvirt/hooks/network.d/sitegen-1_provider",
} as const;

/** Prints the files a persistence step touches (path, type, mode) as "files: " lines, to compare a rollback with its snapshot. */
export const FILES_SNAP = "find /etc/libvirt/hooks /etc/systemd/system -printf 'files: %p %y %m\\n' | LC_ALL=C sort";
/** The "files: " lines of a job's output. */
export const fileLines = (stdout: string): string[] => stdout.split("\n").filter((l) => l.startsWith("files: "));

export const NETPLAN_SITE = {
  bridge: "br-prov",
  bridgeCidr: "10.12.4.1/22",
  vlanDev: "br-prov.104",
  gatewayCidr: "10.12.8.1/22",
} as const;

/**
 * A boot-time port for a bridge that some other manager creates: a dummy link with a fixed MAC,
 * enslaved as soon as the bridge appears (libvirt creates virbr1 asynchronously, a few seconds
 * after libvirtd.service reports started). Without a port a bridge has no carrier and a VLAN on
 * it stays LOWERLAYERDOWN; with one, "UP" in verify is real.
 */
const PORT_UNIT = (bridge: string) => String.raw`
cat >/usr/local/sbin/sitegen-test-port <<'EOF'
#!/bin/sh
# test fixture: give ${bridge} a port (a dummy link) once it exists
i=0
while [ ! -d /sys/class/net/${bridge} ] && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done
[ -d /sys/class/net/${bridge} ] || exit 1
ip link show dev prov-port0 >/dev/null 2>&1 || ip link add prov-port0 address 52:54:00:aa:01:04 type dummy
ip link set dev prov-port0 master ${bridge}
ip link set dev prov-port0 up
EOF
chmod 755 /usr/local/sbin/sitegen-test-port
cat >/etc/systemd/system/sitegen-test-port.service <<'EOF'
[Unit]
Description=test fixture: a port on ${bridge} so that it has carrier
After=libvirtd.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/sitegen-test-port

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now sitegen-test-port.service
`;

/** Boot 1 of the libvirt-owned site: the 1_provider NAT network owning virbr1, autostarted. */
export const LIBVIRT_SETUP = String.raw`
set -e
cat >/tmp/1_provider.xml <<'EOF'
<network>
  <name>1_provider</name>
  <forward mode='nat'/>
  <bridge name='virbr1' stp='on' delay='0'/>
  <mac address='52:54:00:12:04:01'/>
  <ip address='10.12.4.1' netmask='255.255.252.0'/>
</network>
EOF
virsh net-define /tmp/1_provider.xml
virsh net-autostart 1_provider
virsh net-start 1_provider
${PORT_UNIT("virbr1")}
`;

/**
 * Waits until the libvirt site is as settled as a real host is when an operator logs in: libvirt
 * has finished autostarting 1_provider (virbr1 holds 10.12.4.1/22) and the bridge has carrier.
 * libvirt 9.0 autostarts networks after libvirtd.service reports "started" (seen: ~5 s later).
 */
export const LIBVIRT_SETTLE = String.raw`
wait_for 90 "virbr1 holds 10.12.4.1/22 (libvirt autostart)" sh -c 'ip -br addr show dev virbr1 | grep -q " 10.12.4.1/22"'
wait_for 30 "virbr1 has carrier" grep -qx up /sys/class/net/virbr1/operstate
`;

/** Boot 1 of the netplan-owned site: netplan defines br-prov; forwarding on; a networkd port. */
export const NETPLAN_SETUP = String.raw`
set -e
printf 'net.ipv4.ip_forward = 1\n' >/etc/sysctl.d/60-sitegen-test-forward.conf
sysctl -q -p /etc/sysctl.d/60-sitegen-test-forward.conf
mkdir -p /etc/netplan
cat >/etc/netplan/10-site.yaml <<'EOF'
# test fixture: the site's own netplan config, which owns br-prov
network:
  version: 2
  renderer: networkd
  bridges:
    br-prov:
      macaddress: "52:54:00:12:04:02"
      addresses: [10.12.4.1/22]
      parameters:
        stp: false
EOF
chmod 600 /etc/netplan/10-site.yaml
# The port: netplan 0.106 cannot define dummy links, so a plain networkd netdev joins the bridge
# (networkd renders netplan's config too, so one manager owns both).
cat >/etc/systemd/network/20-prov-port0.netdev <<'EOF'
[NetDev]
Name=prov-port0
Kind=dummy
MACAddress=52:54:00:aa:01:04
EOF
cat >/etc/systemd/network/20-prov-port0.network <<'EOF'
[Match]
Name=prov-port0

[Network]
Bridge=br-prov
EOF
netplan generate
netplan apply
`;

export const NETPLAN_SETTLE = String.raw`
wait_for 90 "br-prov holds 10.12.4.1/22" sh -c 'ip -br addr show dev br-prov | grep -q " 10.12.4.1/22"'
wait_for 30 "br-prov has carrier" grep -qx up /sys/class/net/br-prov/operstate
`;

/**
 * Copies the generated host directory from the share to /root/site once, then cds into it.
 * `phase_apply PHASE` / `phase_rollback PHASE` run one phase (runtime or persist): `host.sh apply PHASE`,
 * `host.sh rollback PHASE`.
 */
export const IN_SITE = String.raw`
[ -d /root/site ] || cp -a "$GUEST_SHARE/site" /root/site
cd /root/site
phase_apply() { bash ./host.sh apply "$1"; }
phase_rollback() { bash ./host.sh rollback "$1"; }
`;

/** Prints the audit's lines of interest and returns them parsed. */
export function auditLines(stdout: string): { pass: string[]; warn: string[]; stop: string[]; decision: string } {
  const lines = stdout
    .split("\n")
    .map((l) => l.trimEnd())
    .filter(Boolean);
  return {
    pass: lines.filter((l) => l.startsWith("PASS ")),
    warn: lines.filter((l) => l.startsWith("WARN ")),
    stop: lines.filter((l) => l.startsWith("STOP ")),
    decision: lines.at(-1) ?? "",
  };
}

/** State comparison with the volatile fields removed (see normalizeSnapshot for which and why). */
export function expectSameState(run: GuestRun, before: string, after: string, acrossBoots: boolean): void {
  const a = normalizeSnapshot(run.snapshot(before), acrossBoots);
  const b = normalizeSnapshot(run.snapshot(after), acrossBoots);
  expect.soft(b.link, `ip -j link: ${after} vs ${before}`).toEqual(a.link);
  expect.soft(b.addr, `ip -j addr: ${after} vs ${before}`).toEqual(a.addr);
  expect.soft(b.route, `ip -j route: ${after} vs ${before}`).toEqual(a.route);
}
