#!/usr/bin/env bash
# Installs, from Debian's packages, every real program that consumes a generated
# artifact, plus what the namespace tests need. Idempotent: apt-get skips what is there.
# ntpsec conflicts with chrony, so it is unpacked (dpkg -x) into .tools/ntpsec, not installed.
# openssh-server is unpacked into .tools/openssh too: installing it would start an sshd on this machine;
# the multi-host Ansible tests start one per simulated host, inside its network namespace only.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

pkgs=(
  systemd netplan.io shellcheck dnsmasq chrony keepalived conntrackd conntrack
  pacemaker-cli-utils pcs resource-agents corosync pacemaker dbus cloud-init nftables iptables iproute2 iputils-ping dnsutils
  ansible-core ansible-lint yamllint python3 openssh-client tcpdump procps util-linux kmod iputils-arping ndisc6
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .tools/ntpsec/usr/sbin/ntpd ]; then
  [ "${#missing[@]}" -gt 0 ] || apt-get update -qq
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq ntpsec)
  mkdir -p .tools/ntpsec
  dpkg -x "$tmp"/ntpsec_*.deb .tools/ntpsec
  rm -rf "$tmp"
fi
if [ ! -x .tools/openssh/usr/sbin/sshd ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq openssh-server)
  mkdir -p .tools/openssh
  dpkg -x "$tmp"/openssh-server_*.deb .tools/openssh
  rm -rf "$tmp"
fi
echo "tools ready"
