// Shell fixtures for the virtual-router guest test (vrouter-boot.test.ts): the guest plays ctrl1 of
// the golden case test/cases/golden/vrouter-single. Before the runbook it has what a deployed
// controller has: netplan-owned br-mgmt and br-ex (a dummy port each, so carrier is real) and a
// default route to the upstream router. Around it, a "world" that exists at every boot, before the
// router's daemons start, as a real site's upstream does: namespace "up" on br-ex (the public
// gateway 172.16.0.1 and, behind it, the DNS and NTP upstreams) and namespace "node" on br-mgmt
// (cmp1's address and routes, as its generated network-config gives them). Fixed MACs throughout, so
// that state snapshots compare across boots.

/** Site facts shared by the fixtures and the assertions (the test checks them against the inventory). */
export const VR = {
  mgmtVip: "192.168.0.2",
  memberAddr: "192.168.0.3",
  publicVip: "172.16.0.2",
  gateway: "172.16.0.1",
  node: "192.168.0.21/24",
  dns: ["198.51.100.53", "198.51.100.54"],
  ntp: ["198.51.100.123", "198.51.100.124"],
  domain: "single.example",
  namespace: "vrouter",
  units: ["sitegen-vrouter-boot.service", "sitegen-vrouter-dnsmasq.service", "sitegen-vrouter-chrony.service"],
} as const;

/** The world: namespaces up and node, the upstream dnsmasq and chronyd (-x: never steers a clock). */
const WORLD_SCRIPT = String.raw`#!/bin/sh
# test fixture: the world around ctrl1 (see test/guest/vrouter-fixtures.ts)
set -e
for b in br-mgmt br-ex; do
  i=0; while [ ! -d /sys/class/net/$b ]; do [ $i -ge 120 ] && exit 1; sleep 0.5; i=$((i + 1)); done
done
ip netns add up
ip link add w-up address 52:54:00:aa:10:01 type veth peer name eth0 address 52:54:00:aa:10:02 netns up
ip link set dev w-up master br-ex up
ip -n up link set lo up
ip -n up link set eth0 up
ip -n up addr add ${VR.gateway}/24 dev eth0
for a in ${[...VR.dns, ...VR.ntp].join(" ")}; do ip -n up addr add $a/32 dev lo; done
# what reaches the upstreams from the public VIP is counted: the NAT check reads it
ip netns exec up nft -f - <<'EOF'
table ip world {
  counter from-vip { }
  chain in { type filter hook input priority 0; policy accept; ip saddr ${VR.publicVip} counter name from-vip; }
}
EOF
ip netns exec up dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces \
  --listen-address=${VR.dns.join(",")} --address=/upstream.test/203.0.113.7 --pid-file=/run/sitegen-test-up-dnsmasq.pid
ip netns exec up chronyd -x -f /etc/sitegen-test/up-chrony.conf
ip netns add node
ip link add w-node address 52:54:00:aa:20:01 type veth peer name eth0 address 52:54:00:aa:20:02 netns node
ip link set dev w-node master br-mgmt up
ip -n node link set lo up
ip -n node link set eth0 up
ip -n node addr add ${VR.node} dev eth0
ip -n node route add default via ${VR.mgmtVip}
`;

/** Boot 1: ctrl1's netplan config, the bridges' dummy ports, the world unit (started now and at every boot). */
export const VR_SETUP = String.raw`
set -e
mkdir -p /etc/netplan /etc/sitegen-test /etc/netns/node
cat >/etc/netplan/10-site.yaml <<'EOF'
# test fixture: ctrl1's own netplan config, which owns br-mgmt and br-ex
network:
  version: 2
  renderer: networkd
  bridges:
    br-mgmt:
      macaddress: "52:54:00:16:80:11"
      addresses: [192.168.0.11/24]
      parameters: { stp: false }
    br-ex:
      macaddress: "52:54:00:17:20:11"
      addresses: [172.16.0.11/24]
      routes: [{ to: default, via: ${VR.gateway} }]
      parameters: { stp: false }
EOF
chmod 600 /etc/netplan/10-site.yaml
# the ports: netplan 0.106 cannot define dummy links, so networkd netdevs join the bridges
port() { # NAME BRIDGE MAC
  printf '[NetDev]\nName=%s\nKind=dummy\nMACAddress=%s\n' "$1" "$3" >/etc/systemd/network/20-$1.netdev
  printf '[Match]\nName=%s\n\n[Network]\nBridge=%s\n' "$1" "$2" >/etc/systemd/network/20-$1.network
}
port mgmt-port0 br-mgmt 52:54:00:aa:00:01
port ex-port0 br-ex 52:54:00:aa:00:02
netplan generate
netplan apply
printf 'nameserver ${VR.mgmtVip}\nsearch ${VR.domain}\n' >/etc/netns/node/resolv.conf
printf '%s\n' 'local stratum 3' 'allow all' 'cmdport 0' 'bindcmdaddress /run/sitegen-test-up-chrony/chronyd.sock' \
  'pidfile /run/sitegen-test-up-chrony/chronyd.pid' >/etc/sitegen-test/up-chrony.conf
cat >/usr/local/sbin/sitegen-test-world <<'WORLD'
${WORLD_SCRIPT}WORLD
chmod 755 /usr/local/sbin/sitegen-test-world
cat >/etc/systemd/system/sitegen-test-world.service <<'EOF'
[Unit]
Description=test fixture: the upstream and a node around ctrl1 (a real site's are there before it boots)
After=systemd-networkd.service
# only the router's daemons wait for the world: the router's own boot unit must order itself
Before=sitegen-vrouter-dnsmasq.service sitegen-vrouter-chrony.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/sitegen-test-world

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now sitegen-test-world.service
`;

/** Waits until the controller's own network and the world are up, as when an operator logs in. */
export const VR_SETTLE = String.raw`
wait_for 90 "br-mgmt holds 192.168.0.11/24" sh -c 'ip -br addr show dev br-mgmt | grep -q " 192.168.0.11/24"'
wait_for 30 "br-ex holds 172.16.0.11/24" sh -c 'ip -br addr show dev br-ex | grep -q " 172.16.0.11/24"'
wait_for 30 "br-mgmt has carrier" grep -qx up /sys/class/net/br-mgmt/operstate
wait_for 30 "br-ex has carrier" grep -qx up /sys/class/net/br-ex/operstate
wait_for 90 "the world is up" systemctl is-active --quiet sitegen-test-world.service
`;

/**
 * The guest's state beyond ip link/addr/route, printed for a text comparison: namespaces, the
 * host's packet filter, forwarding, installed units and files, what is enabled, the resolver.
 */
export const STATE = String.raw`
echo "## netns"; ip netns list | cut -d" " -f1 | sort
echo "## nft"; nft list ruleset
echo "## sysctl"; sysctl net.ipv4.ip_forward net.ipv4.ip_nonlocal_bind
echo "## files"; find /etc/systemd/system /etc/sitegen /etc/sitegen-test /etc/netplan /etc/netns -printf '%p %y %m\n' 2>/dev/null | sort
echo "## unit files"; systemctl list-unit-files --no-legend --no-pager 'sitegen-*' | sort
echo "## resolv"; cat /etc/resolv.conf
`;

/**
 * Checks from the node's point of view (bash functions; each prints ok/FAIL and returns non-zero
 * on failure): the VIP answers, NAT out of the public leg, DNS and NTP through the management VIP.
 */
export const SERVE_CHECKS = String.raw`
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; return 1; }
from_vip() { ip netns exec up nft list counter ip world from-vip | grep -o 'packets [0-9]*' | cut -d' ' -f2; }
ntp_query() { # SERVER: one NTP client packet (mode 3) from the node; prints "stratum refid"
  ip netns exec node python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b"\x23" + bytes(47), (sys.argv[1], 123)); m = s.recv(512)
print(m[1], ".".join(str(b) for b in m[12:16]))' "$1"
}
serve_checks() {
  local rc=0 n0 n1 r i
  # a leg that has just come up (an OVS port moved into the namespace) may take a moment to forward: wait, bounded
  for i in $(seq 1 20); do ip netns exec node ping -c1 -W1 -q ${VR.mgmtVip} >/dev/null 2>&1 && break; sleep 1; done
  ip netns exec node ping -c1 -W3 -q ${VR.mgmtVip} >/dev/null && ok "node pings the management VIP" || fail "node cannot ping ${VR.mgmtVip}" || rc=1
  # the upstream has no route to 192.168.0.0/24: a reply proves the source was rewritten
  n0=$(from_vip)
  ip netns exec node ping -c2 -W3 -q ${VR.dns[0]} >/dev/null && ok "node reaches the upstream ${VR.dns[0]}" \
    || fail "node cannot reach ${VR.dns[0]}" || rc=1
  n1=$(from_vip)
  [ "$n1" -ge $((n0 + 2)) ] && ok "the upstream saw the node's pings from the public VIP ${VR.publicVip} ($n0 -> $n1)" \
    || fail "not NATed to ${VR.publicVip} ($n0 -> $n1)" || rc=1
  r=$(ip netns exec node getent hosts upstream.test)
  [ "$(echo "$r" | cut -d' ' -f1)" = 203.0.113.7 ] && ok "node resolves upstream.test through ${VR.mgmtVip}: $r" \
    || fail "DNS through ${VR.mgmtVip}: '$r'" || rc=1
  # chronyd answers at once, but with its local stratum until it has synchronised to an upstream
  for i in $(seq 1 60); do r=$(ntp_query ${VR.mgmtVip} 2>&1) && [ "$(echo "$r" | cut -d' ' -f1)" = 4 ] && break; sleep 1; done
  case "$r" in
    "4 ${VR.ntp[0]}" | "4 ${VR.ntp[1]}") ok "node's NTP query to ${VR.mgmtVip}: stratum 4, synchronised to $r" ;;
    *) fail "NTP through ${VR.mgmtVip}: '$r' (want stratum 4 from ${VR.ntp.join(" or ")})" || rc=1 ;;
  esac
  return $rc
}
`;
