#!/bin/bash
# A simulated host: a machine made of namespaces with real systemd as its init, the one way the tests
# simulate a host (test/helpers/sim-host.ts drives it): the generated units, `systemctl` in the generated
# steps, Ansible's systemd module and Pacemaker's systemd: resources all meet a real service manager.
# PID 1 of this machine is not systemd, so each host boots its own.
#   sim-host.sh boot NAME NETNS DIR [OWNER]   (on this machine, as root)
# joins a cgroup of its own (sitegen-NETNS in the cgroup2 tree: NETNS names a test's host uniquely), then enters network namespace NETNS
# and new mount, UTS, PID and cgroup namespaces, and runs `init`, which becomes PID 1 there:
# private /run, /tmp and /dev/shm; /etc and /var copy-on-write over this machine's (overlays whose
# upper layers in DIR are the host's disk: they survive a reboot, that is killing PID 1 and
# booting again); /proc/sys read-only except the namespace's own net.*; hostname NAME; then systemd
# boots multi-user.target without CAP_SYS_TIME and CAP_SYS_MODULE (nothing in the host can set this
# machine's clock or load a module). Units that would touch this machine (sysctl, modules,
# binfmt, tmpfiles, ...) are masked on first boot. With OWNER (a PID: the test's process), a watcher
# kills PID 1 once OWNER is gone, so a test that dies before its teardown leaves no booted systemd behind.
set -euo pipefail
case "$1" in
boot)
  name=$2 netns=$3 dir=$4 owner=${5:-}
  cg=/sys/fs/cgroup/unified/sitegen-$netns
  [ -d /sys/fs/cgroup/unified ] || cg=/sys/fs/cgroup/sitegen-$netns
  if [ -n "$owner" ]; then
    # forked before joining the cgroup (so the cgroup empties with PID 1); $$ is unshare after the exec below,
    # whose death kills PID 1 (--kill-child), which ends every process of the host's PID namespace; then the
    # emptied cgroup goes too (the network namespace is the test's: its teardown deletes it)
    self=$$
    (while kill -0 "$self" 2>/dev/null; do
      if ! kill -0 "$owner" 2>/dev/null; then
        kill -KILL "$self"
        for _ in $(seq 50); do
          [ -d "$cg" ] || exit 0
          find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || sleep 0.2 # busy until its last process is gone
        done
      fi
      sleep 2
    done) </dev/null >/dev/null 2>&1 &
  fi
  mkdir -p "$cg"
  echo $$ >"$cg/cgroup.procs"
  exec ip netns exec "$netns" unshare --mount --uts --pid --cgroup --fork --kill-child=SIGKILL --propagation private bash "$0" init "$name" "$dir"
  ;;
init) name=$2 dir=$3 ;;
*) echo "usage: $0 boot NAME NETNS DIR [OWNER]" >&2; exit 2 ;;
esac

mkdir -p "$dir"/etc/{up,wk} "$dir"/var/{up,wk}
mount -t proc proc /proc
mount -o remount,ro /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$dir/etc/up,workdir=$dir/etc/wk" /etc
mount -t overlay overlay -o "lowerdir=/var,upperdir=$dir/var/up,workdir=$dir/var/wk" /var
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount --bind /proc/sys /proc/sys
mount --bind /proc/sys/net /proc/sys/net
mount -o remount,bind,ro /proc/sys
hostname "$name"

if [ ! -e /etc/.sitegen-member ]; then
  echo "$name" >/etc/hostname
  echo "$name" | md5sum | cut -c1-32 >/etc/machine-id
  # this machine's own units and enablement stay out of the member
  rm -rf /etc/systemd/system/*
  for u in systemd-sysctl.service systemd-modules-load.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
    systemd-random-seed.service systemd-firstboot.service systemd-machine-id-commit.service systemd-repart.service \
    systemd-pcrphase-sysinit.service systemd-pcrphase.service systemd-sysusers.service systemd-tmpfiles-setup-dev.service \
    systemd-tmpfiles-setup.service systemd-tmpfiles-clean.timer systemd-update-utmp.service systemd-update-utmp-runlevel.service \
    kmod-static-nodes.service sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount \
    dev-hugepages.mount dev-mqueue.mount systemd-journal-flush.service getty.target console-getty.service systemd-logind.service \
    systemd-remount-fs.service systemd-timesyncd.service chrony.service ntpsec.service systemd-networkd-wait-online.service \
    systemd-ask-password-console.path systemd-ask-password-wall.path; do
    ln -sf /dev/null "/etc/systemd/system/$u"
  done
  touch /etc/.sitegen-member
fi

export container=sitegen
exec setpriv --bounding-set -sys_time,-sys_module,-sys_boot /lib/systemd/systemd --unit=multi-user.target
