// Shell fixtures for the node takeover in the guest (vrouter-boot.test.ts, boot 3): after the
// controller's story, the guest becomes cmp1 of the golden case vrouter-single. It has what a
// deployed node has before the runbook: netplan owns br-mgmt (192.168.0.21/24, a default route via
// the old gateway 192.168.0.1, its resolver and search domain) and the host's chronyd syncs from the
// old NTP server. The router it is handed to is ctrl1's generated runtime and services, re-applied:
// its namespace sits on the same br-mgmt, as another box on the segment would.

/** The node's own network before sitegen, and the old servers the give-back must restore. */
export const NODE = { address: "192.168.0.21/24", oldGateway: "192.168.0.1", oldDomain: "old.example" } as const;

/** Turns the guest into cmp1 (the world's stand-in node goes: the guest is the node now). */
export const NODE_SETUP = String.raw`
set -e
ip netns del node
cat >/etc/netplan/10-site.yaml <<'EOF'
# test fixture: cmp1's own netplan config, which owns br-mgmt (br-ex stays as the segment of the router's public leg)
network:
  version: 2
  renderer: networkd
  bridges:
    br-mgmt:
      macaddress: "52:54:00:16:80:21"
      addresses: [${NODE.address}]
      routes: [{ to: default, via: ${NODE.oldGateway}, metric: 100 }]
      nameservers: { addresses: [${NODE.oldGateway}], search: [${NODE.oldDomain}] }
      parameters: { stp: false }
    br-ex:
      macaddress: "52:54:00:17:20:11"
      parameters: { stp: false }
EOF
chmod 600 /etc/netplan/10-site.yaml
netplan generate
netplan apply
# the host's NTP client, as on a node, but with -x: it never steers even the guest's clock
sed -i 's/^pool .*/server ${NODE.oldGateway} iburst/' /etc/chrony/chrony.conf
printf 'DAEMON_OPTS="-F 1 -x"\n' >/etc/default/chrony
systemctl unmask chrony.service
systemctl start chrony.service
wait_for 90 "br-mgmt holds ${NODE.address}" sh -c 'ip -br addr show dev br-mgmt | grep -q " ${NODE.address}"'
wait_for 30 "br-mgmt has carrier" grep -qx up /sys/class/net/br-mgmt/operstate
`;

/** What the give-back must restore, as text: routes, resolver (networkd's and the file), NTP sources, netplan files. */
export const NODE_STATE = String.raw`
echo "## routes"; ip -4 route show
echo "## resolver"; networkctl status br-mgmt --no-pager 2>/dev/null | grep -E '^ *(DNS|Search Domains):'
ls -l /etc/resolv.conf | cut -d' ' -f1,9-; cat /etc/resolv.conf
echo "## ntp sources"; chronyc -n -c sources | cut -d, -f1,3 | sort
echo "## chrony source files"; find /etc/chrony -type f -printf '%p %m\n' | sort
echo "## netplan"; for f in /etc/netplan/*.yaml; do echo "$f $(stat -c %a "$f") $(sha256sum <"$f" | cut -c1-16)"; done
echo "## sitegen"; find /etc/sitegen /var/lib/sitegen -printf '%p %y\n' 2>/dev/null | sort
exit 0 # a printout: the test compares it (find exits 1 on a path that is absent)
`;

/** After the takeover: one default route, via the VIP; the VIP resolves; chronyd reaches the VIP. */
export const NODE_TAKEN = String.raw`
rc=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; rc=1; }
d=$(ip -4 route show default)
[ "$(echo "$d" | wc -l)" = 1 ] && echo "$d" | grep -q "^default via 192.168.0.2 dev br-mgmt" && ok "one default route, via the VIP: $d" \
  || fail "default routes: $d"
dns=$(networkctl status br-mgmt --no-pager | grep -E '^ *(DNS|Search Domains):')
echo "$dns" | grep -q 'DNS: 192.168.0.2$' && ok "networkd's resolver for br-mgmt is the VIP" || fail "resolver: $dns"
ping -c2 -W3 -q 198.51.100.53 >/dev/null && ok "the node reaches the upstream through the router" || fail "no path to 198.51.100.53"
for i in $(seq 1 60); do chronyc -n -c sources | grep -q '^\^,[*+],192\.168\.0\.2,' && break; sleep 1; done
chronyc -n -c sources | grep -q '^\^,[*+],192\.168\.0\.2,' && ok "the node's chronyd selected 192.168.0.2" || fail "NTP: $(chronyc -n -c sources | tr '\n' ' ')"
exit $rc
`;
