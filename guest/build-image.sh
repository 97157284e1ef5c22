#!/usr/bin/env bash
# guest/build-image.sh -- build (or reuse) the disposable Debian bookworm guest used by the
# guest-kernel tests (test/guest/). Prints the image directory on stdout.
#
# The image is made from Debian packages only (mmdebstrap, root mode), without loop mounts
# (mkfs.ext4 -d), and cached under .cache/guest/<key>/ where <key> is the sha256 of THIS file:
# everything that goes into the image (package list, job runner, units) is written below, so
# editing this script is what invalidates the cache. A missing or incomplete cache is rebuilt.
#
#   guest/build-image.sh            build if needed, print the image dir
#   guest/build-image.sh --force    rebuild even when cached
#   guest/build-image.sh --print    print the image dir only if it is cached (exit 1 otherwise)
#
# Environment: GUEST_CACHE_DIR (default <repo>/.cache/guest), GUEST_MIRROR
# (default http://deb.debian.org/debian), GUEST_SECURITY_MIRROR
# (default http://deb.debian.org/debian-security).
#
# Image contents (in <key>/): vmlinuz, initrd.img (small: virtio + ext4 only), rootfs.raw
# (ext4, 2 GiB sparse, root=/dev/vda), packages.txt, kernel-version, build-seconds.
# The guest has systemd, udev, kmod, iproute2, netplan.io, iptables, python3, dbus,
# openssh-server, libvirt-daemon-system, dnsmasq-base, openvswitch-switch, iputils-arping (the
# audit's VIP gate), nftables and chrony (its own service masked: tests run chronyd -x in
# namespaces only), and a oneshot unit,
# guest-runner.service, that runs job scripts from a 9p share (mount tag "hostshare");
# see guest/vm.sh for the protocol.
set -euo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
repo=$(dirname "$(dirname "$self")")
key=$(sha256sum "$self" | cut -c1-16)
cache=${GUEST_CACHE_DIR:-$repo/.cache/guest}
dir=$cache/$key
force=0
case "${1:-}" in
  --force) force=1 ;;
  --print) if [ -f "$dir/complete" ]; then echo "$dir"; exit 0; else exit 1; fi ;;
  "") ;;
  *) echo "usage: $0 [--force|--print]" >&2; exit 2 ;;
esac

log() { echo "build-image: $*" >&2; }

if [ "$force" = 0 ] && [ -f "$dir/complete" ]; then
  log "cached: $dir"
  echo "$dir"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  log "must run as root (mmdebstrap --mode=root, apt-get); image not cached at $dir"
  exit 1
fi

# ---- host tools (Debian packages), installed only when missing -------------------------------
host_pkgs=(qemu-system-x86 qemu-utils mmdebstrap e2fsprogs zstd util-linux coreutils)
missing=()
for p in "${host_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing host packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; }
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
if ! flock -w 900 9; then log "timed out waiting for $cache/.lock"; exit 1; fi
# Another build may have finished while we waited.
if [ "$force" = 0 ] && [ -f "$dir/complete" ]; then echo "$dir"; exit 0; fi

start=$(date +%s)
work=$(mktemp -d "$cache/.build-$key-XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs" "$work/hooks"

# ---- files placed into the guest -----------------------------------------------------------
# Job runner: runs every pending job script of the 9p share, in name order, one at a time.
#   share/jobs/NAME.sh        the job (bash); NAME.timeout optionally holds its timeout (s)
#   share/results/NAME.{out,err,boot_id,rc}   written back; .rc is written last (atomic rename)
#   $GUEST_REBOOT (a path)    a job that creates it asks for a real reboot after it ends
# When a reboot is asked for, the runner reboots (qemu runs with -no-reboot, so qemu exits and
# the host starts it again); when no job is left it powers off.
cat >"$work/hooks/guest-runner" <<'RUNNER'
#!/bin/bash
set -u
share=/mnt/host
say() { echo "guest-runner: $*" >/dev/console; }
mkdir -p "$share"
if ! mountpoint -q "$share"; then
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none hostshare "$share" \
    || { say "cannot mount the 9p share; powering off"; systemctl --no-block poweroff; exit 1; }
fi
jobs=$share/jobs
res=$share/results
mkdir -p "$res"
boot_id=$(cat /proc/sys/kernel/random/boot_id)
echo "$boot_id" >>"$res/boots"
say "boot $boot_id, userspace up $(cut -d' ' -f1 /proc/uptime)s after kernel start"
for job in "$jobs"/*.sh; do
  [ -e "$job" ] || continue
  name=$(basename "$job" .sh)
  [ -e "$res/$name.rc" ] && continue
  if [ -e "$res/$name.started" ]; then
    # Started in an earlier boot but never finished (the guest went down under it).
    say "job $name was interrupted by a reboot or crash"
    echo 255 >"$res/$name.rc"
    continue
  fi
  t=300
  [ -f "$jobs/$name.timeout" ] && t=$(cat "$jobs/$name.timeout")
  echo "$boot_id" >"$res/$name.boot_id"
  : >"$res/$name.started"
  say "job $name start (timeout ${t}s)"
  wd=$(mktemp -d /tmp/job.XXXXXX)
  ( cd "$wd" && GUEST_SHARE=$share GUEST_JOB=$name GUEST_REBOOT=$res/$name.reboot \
      timeout --kill-after=10 "$t" bash "$job" ) >"$res/$name.out" 2>"$res/$name.err" </dev/null
  rc=$?
  echo "$rc" >"$res/$name.rc.tmp"
  mv "$res/$name.rc.tmp" "$res/$name.rc"
  sync
  say "job $name rc=$rc"
  if [ -e "$res/$name.reboot" ]; then
    say "job $name asked for a reboot"
    systemctl --no-block reboot
    exit 0
  fi
done
say "no job left; powering off"
systemctl --no-block poweroff
RUNNER

cat >"$work/hooks/guest-runner.service" <<'UNIT'
[Unit]
Description=Run pending job scripts from the host's 9p share (test harness)
# Runs once the boot is complete; DefaultDependencies=no so that After=multi-user.target does
# not form a cycle with multi-user.target wanting this unit.
DefaultDependencies=no
After=multi-user.target
Requires=sysinit.target
Conflicts=shutdown.target
Before=shutdown.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/guest-runner
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT

# ---- mmdebstrap ----------------------------------------------------------------------------
mirror=${GUEST_MIRROR:-http://deb.debian.org/debian}
secmirror=${GUEST_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
include=(
  systemd-sysv udev kmod dbus procps iproute2 iputils-ping iptables netplan.io python3
  openssh-server sudo libvirt-daemon-system dnsmasq-base linux-image-amd64 initramfs-tools
  zstd
  nftables chrony openvswitch-switch iputils-arping
)
set -f  # the patterns below are for dpkg, not for this shell
excl=(
  /usr/share/doc/* /usr/share/man/* /usr/share/info/* /usr/share/locale/*/LC_MESSAGES/*.mo
  /usr/share/lintian/*
  /lib/modules/*/kernel/sound/*.ko
  /lib/modules/*/kernel/drivers/gpu/*.ko /lib/modules/*/kernel/drivers/media/*.ko
  /lib/modules/*/kernel/drivers/infiniband/*.ko /lib/modules/*/kernel/drivers/scsi/*.ko
  /lib/modules/*/kernel/drivers/staging/*.ko /lib/modules/*/kernel/drivers/usb/*.ko
  /lib/modules/*/kernel/drivers/hid/*.ko /lib/modules/*/kernel/drivers/input/*.ko
  /lib/modules/*/kernel/drivers/iio/*.ko /lib/modules/*/kernel/drivers/bluetooth/*.ko
  /lib/modules/*/kernel/drivers/isdn/*.ko /lib/modules/*/kernel/drivers/mtd/*.ko
  /lib/modules/*/kernel/drivers/hwmon/*.ko /lib/modules/*/kernel/drivers/platform/*.ko
  /lib/modules/*/kernel/drivers/thunderbolt/*.ko /lib/modules/*/kernel/drivers/nfc/*.ko
  /lib/modules/*/kernel/drivers/mfd/*.ko /lib/modules/*/kernel/drivers/video/*.ko
  /lib/modules/*/kernel/drivers/mmc/*.ko /lib/modules/*/kernel/drivers/memstick/*.ko
  /lib/modules/*/kernel/drivers/target/*.ko /lib/modules/*/kernel/drivers/atm/*.ko
  /lib/modules/*/kernel/drivers/firewire/*.ko /lib/modules/*/kernel/drivers/leds/*.ko
  /lib/modules/*/kernel/drivers/gnss/*.ko /lib/modules/*/kernel/drivers/fpga/*.ko
  /lib/modules/*/kernel/drivers/net/wireless/*.ko /lib/modules/*/kernel/drivers/net/ethernet/*.ko
  /lib/modules/*/kernel/drivers/net/can/*.ko /lib/modules/*/kernel/drivers/net/usb/*.ko
  /lib/modules/*/kernel/drivers/net/wwan/*.ko /lib/modules/*/kernel/drivers/net/ieee802154/*.ko
  /lib/modules/*/kernel/drivers/net/hamradio/*.ko /lib/modules/*/kernel/drivers/net/dsa/*.ko
  /lib/modules/*/kernel/net/wireless/*.ko /lib/modules/*/kernel/net/mac80211/*.ko
  /lib/modules/*/kernel/net/bluetooth/*.ko /lib/modules/*/kernel/net/nfc/*.ko
  /lib/modules/*/kernel/net/ieee802154/*.ko /lib/modules/*/kernel/net/can/*.ko
  /lib/modules/*/kernel/net/ceph/*.ko /lib/modules/*/kernel/net/rxrpc/*.ko
  /lib/modules/*/kernel/fs/nfs/*.ko /lib/modules/*/kernel/fs/nfsd/*.ko /lib/modules/*/kernel/fs/xfs/*.ko
  /lib/modules/*/kernel/fs/btrfs/*.ko /lib/modules/*/kernel/fs/ocfs2/*.ko /lib/modules/*/kernel/fs/gfs2/*.ko
  /lib/modules/*/kernel/fs/ceph/*.ko /lib/modules/*/kernel/fs/smb/*.ko /lib/modules/*/kernel/fs/f2fs/*.ko
  /lib/modules/*/kernel/fs/ntfs3/*.ko /lib/modules/*/kernel/fs/jfs/*.ko /lib/modules/*/kernel/fs/reiserfs/*.ko
  /lib/modules/*/kernel/fs/ubifs/*.ko /lib/modules/*/kernel/fs/afs/*.ko /lib/modules/*/kernel/fs/dlm/*.ko
)
dpkgopts=()
for p in "${excl[@]}"; do dpkgopts+=("--dpkgopt=path-exclude=$p"); done
set +f
# Keep the copyright files (licence notices) even though the rest of /usr/share/doc goes.
dpkgopts+=("--dpkgopt=path-include=/usr/share/doc/*/copyright")

# The initrd only needs to find an ext4 root on virtio-blk; MODULES=list plus a hook naming
# those modules gives a ~few-MB initrd built once, when the kernel package is configured.
essential_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks"
printf "MODULES=list\nCOMPRESS=zstd\n" >"$1/etc/initramfs-tools/conf.d/guest-small"
cat >"$1/etc/initramfs-tools/hooks/guest-modules" <<"EOF"
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
manual_add_modules virtio_pci virtio_blk ext4 crc32c_generic
EOF
chmod 755 "$1/etc/initramfs-tools/hooks/guest-modules"'

customize_hook='set -e
r=$1
echo guest >"$r/etc/hostname"
printf "127.0.0.1 localhost\n127.0.1.1 guest\n" >"$r/etc/hosts"
printf "/dev/vda / ext4 rw,errors=remount-ro 0 0\n" >"$r/etc/fstab"
install -m 755 "$HOOKS/guest-runner" "$r/usr/local/sbin/guest-runner"
install -m 644 "$HOOKS/guest-runner.service" "$r/etc/systemd/system/guest-runner.service"
mkdir -p "$r/etc/systemd/system/multi-user.target.wants"
ln -sf ../guest-runner.service "$r/etc/systemd/system/multi-user.target.wants/guest-runner.service"
# No network path exists, so nothing may wait for one: systemd-networkd-wait-online gives up
# after 10 s and succeeds as soon as any managed link is online (see guest-notes.md: without
# this a unit with Wants=network-online.target costs 2 minutes per boot).
mkdir -p "$r/etc/systemd/system/systemd-networkd-wait-online.service.d"
printf "[Service]\nExecStart=\nExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=10\n" \
  >"$r/etc/systemd/system/systemd-networkd-wait-online.service.d/guest-short.conf"
# Quiet, fast boots: no getty on the serial console, no periodic timers, no ssh unless asked
# (vm.sh adds systemd.wants=ssh.service to the kernel command line when it forwards a port;
# the bookworm ssh.socket is not used: it was seen to hang connections).
for u in serial-getty@ttyS0.service getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
         e2scrub_all.timer e2scrub_reap.service fstrim.timer man-db.timer dpkg-db-backup.timer \
         ssh.socket libvirt-guests.service chrony.service; do
  ln -sf /dev/null "$r/etc/systemd/system/$u"
done
systemctl --root="$r" disable ssh.service >/dev/null 2>&1 || true
mkdir -p "$r/root/.ssh" && chmod 700 "$r/root/.ssh"
# No resolver: the guest has no network (mmdebstrap copied the host file).
: >"$r/etc/resolv.conf"
# libvirt: the packaged "default" network (virbr0) stays defined but is not autostarted;
# tests define the site network (1_provider on virbr1) themselves.
rm -f "$r/etc/libvirt/qemu/networks/autostart/default.xml"
# A fixed machine-id (the guest is disposable; an empty one would mean "first boot").
rm -f "$r/etc/machine-id" && chroot "$r" systemd-machine-id-setup >/dev/null
chroot "$r" ls /lib/modules >"$HOOKS/kver"
kv=$(cat "$HOOKS/kver")
chroot "$r" depmod -a "$kv"
cp -L "$r/boot/vmlinuz-$kv" "$HOOKS/vmlinuz"
cp -L "$r/boot/initrd.img-$kv" "$HOOKS/initrd.img"
chroot "$r" dpkg-query -W -f="\${Package} \${Version}\n" >"$HOOKS/packages.txt"
rm -rf "$r/var/cache/apt/archives/"*.deb "$r/var/lib/apt/lists/"*_Packages'

log "mmdebstrap bookworm (minbase + ${#include[@]} packages) ..."
HOOKS=$work/hooks mmdebstrap --variant=minbase --mode=root --format=directory \
  --include="$(IFS=,; echo "${include[*]}")" \
  "${dpkgopts[@]}" \
  --essential-hook="$essential_hook" \
  --customize-hook="$customize_hook" \
  bookworm "$rootfs" \
  "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" \
  "deb $secmirror bookworm-security main" >&2

log "mkfs.ext4 -d (no mount) ..."
mkfs.ext4 -q -F -L guestroot -d "$rootfs" "$work/rootfs.raw" 2G >&2
rm -rf "$rootfs"
mv "$work/hooks/vmlinuz" "$work/hooks/initrd.img" "$work/hooks/packages.txt" "$work/"
mv "$work/hooks/kver" "$work/kernel-version"
rm -rf "$work/hooks"
echo $(( $(date +%s) - start )) >"$work/build-seconds"
: >"$work/complete"

rm -rf "$dir"
mv "$work" "$dir"
trap - EXIT
# Drop images built by older versions of this script (only hex-named dirs of our own cache).
for old in "$cache"/*; do
  b=$(basename "$old")
  [[ "$b" =~ ^[0-9a-f]{16}$ ]] && [ "$b" != "$key" ] && rm -rf "$old"
done
log "built $dir in $(cat "$dir/build-seconds") s ($(du -sh --apparent-size "$dir/rootfs.raw" | cut -f1) apparent, $(du -sh "$dir/rootfs.raw" | cut -f1) used)"
echo "$dir"
