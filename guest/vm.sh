#!/usr/bin/env bash
# guest/vm.sh -- boot the disposable Debian guest (guest/build-image.sh) headless under qemu and
# run job scripts in it, non-interactively, across real reboots.
#
#   guest/vm.sh run SHARE
#
# SHARE is a directory prepared by the caller:
#   SHARE/jobs/NAME.sh        job scripts, run in name order (bash, as root, cwd a fresh tmp dir)
#   SHARE/jobs/NAME.timeout   optional per-job timeout in seconds (default 300, enforced in the guest)
#   SHARE/...                 anything else the jobs need; the guest sees SHARE at /mnt/host
#                             ($GUEST_SHARE).
# A job asks for a real reboot after it ends by creating the file named by $GUEST_REBOOT.
# Results come back in SHARE/results/: NAME.out, NAME.err, NAME.rc (exit code; 124 = timed out,
# 255 = interrupted), NAME.boot_id, and `boots` (one boot_id per boot). Each boot's serial
# console is SHARE/console-N.log (host epoch times of qemu start/exit in boot-N.start/.end),
# and vm.sh's own log is SHARE/vm.log.
#
# Reboots are real: qemu runs with -no-reboot, so a guest reboot ends qemu and vm.sh starts it
# again on the same per-run qcow2 overlay (the base image stays read-only and shared).
#
# Exit status: 0 when every job has an exit code (whatever it is); 3 when a boot ends without any
# job progress or the guest misbehaves; 4 on a timeout; 2 on usage or missing image.
#
# Environment:
#   GUEST_IMAGE_DIR        image directory (default: what guest/build-image.sh --print says)
#   GUEST_BOOT_TIMEOUT     seconds one qemu run may last (default 420)
#   GUEST_TOTAL_TIMEOUT    seconds for the whole run (default 900)
#   GUEST_MAX_BOOTS        default: number of jobs + 1
#   GUEST_ACCEL=kvm        opt in to KVM (-accel kvm -cpu host); default TCG, -cpu qemu64, smp 2
#   GUEST_SSH_PORT=N       add a user-mode NIC with restrict=on (no path off this machine) and
#                          hostfwd tcp 127.0.0.1:N -> guest :22, and start ssh.service; put a
#                          public key in SHARE/authorized_keys and have a job install it.
#
# Network isolation: by default the guest has NO network device (-nic none). The optional ssh
# NIC is user-mode with restrict=on and a port forward bound to 127.0.0.1 only; never
# restrict=off (that would forward guest traffic, DNS included, off this machine).
#
# Process hygiene: vm.sh starts exactly one qemu at a time, remembers its PID (SHARE/qemu.pid),
# and kills that PID, and only that PID, on timeout or when vm.sh itself is interrupted.
set -euo pipefail

usage() { echo "usage: $0 run SHARE" >&2; exit 2; }
[ "${1:-}" = run ] && [ -n "${2:-}" ] || usage
share=$(readlink -f "$2")
[ -d "$share/jobs" ] || { echo "vm.sh: $share/jobs does not exist" >&2; exit 2; }

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
img=${GUEST_IMAGE_DIR:-}
if [ -z "$img" ]; then
  img=$("$here/build-image.sh" --print) || { echo "vm.sh: no cached image; run guest/build-image.sh" >&2; exit 2; }
fi
for f in vmlinuz initrd.img rootfs.raw; do
  [ -f "$img/$f" ] || { echo "vm.sh: $img/$f missing" >&2; exit 2; }
done

boot_timeout=${GUEST_BOOT_TIMEOUT:-420}
total_timeout=${GUEST_TOTAL_TIMEOUT:-900}
mkdir -p "$share/results"
njobs=$(find "$share/jobs" -maxdepth 1 -name '*.sh' | wc -l)
max_boots=${GUEST_MAX_BOOTS:-$((njobs + 1))}
logf=$share/vm.log
log() { printf '%s vm.sh: %s\n' "$(date +%T.%3N)" "$*" | tee -a "$logf" >&2; }

qpid=
kill_qemu() {
  if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
    log "killing qemu pid $qpid"
    kill -TERM "$qpid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qpid" 2>/dev/null || break; sleep 0.3; done
    kill -KILL "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || true
  fi
  qpid=
  rm -f "$share/qemu.pid"
}
# The per-run overlay lives outside the share, so the guest cannot see it.
ovdir=$(mktemp -d "${TMPDIR:-/tmp}/sitegen-guest-overlay.XXXXXX")
overlay=$ovdir/run.qcow2
on_exit() { kill_qemu; rm -rf "$ovdir"; }
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP

qemu-img create -q -f qcow2 -b "$img/rootfs.raw" -F raw "$overlay"

accel=(-accel tcg,thread=multi -cpu qemu64 -smp 2)
if [ "${GUEST_ACCEL:-}" = kvm ]; then accel=(-accel kvm -cpu host -smp 2); fi
bios=()
[ -f /usr/share/qemu/qboot.rom ] && bios=(-bios /usr/share/qemu/qboot.rom)
net=(-nic none)
# no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can miss its ticks and
# panic ("IO-APIC + timer doesn't work!", seen at load 25); the check proves nothing in a VM
append="root=/dev/vda rw console=ttyS0 quiet panic=1 systemd.show_status=0 no_timer_check"
if [ -n "${GUEST_SSH_PORT:-}" ]; then
  [[ "$GUEST_SSH_PORT" =~ ^[0-9]+$ ]] || { echo "vm.sh: bad GUEST_SSH_PORT" >&2; exit 2; }
  net=(-nic "user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:${GUEST_SSH_PORT}-:22")
  append="$append systemd.wants=ssh.service"
fi

pending() {
  local n=0 j
  for j in "$share"/jobs/*.sh; do
    [ -e "$j" ] || continue
    [ -e "$share/results/$(basename "$j" .sh).rc" ] || n=$((n + 1))
  done
  echo "$n"
}

start_all=$(date +%s)
boot=0
while [ "$(pending)" -gt 0 ]; do
  if [ "$boot" -ge "$max_boots" ]; then
    log "giving up: $max_boots boots and $(pending) job(s) still pending"; exit 3
  fi
  boot=$((boot + 1))
  before=$(pending)
  console=$share/console-$boot.log
  log "boot $boot: starting qemu ($before job(s) pending)"
  t0=$(date +%s)
  date +%s.%N >"$share/boot-$boot.start"
  qemu-system-x86_64 -name "sitegen-guest,process=sitegen-guest" \
    "${accel[@]}" -m 1024 -machine q35 \
    -nodefaults -no-user-config -display none -vga none -no-reboot \
    "${bios[@]}" \
    -kernel "$img/vmlinuz" -initrd "$img/initrd.img" -append "$append" \
    -drive "file=$overlay,if=virtio,format=qcow2,cache=unsafe" \
    -virtfs "local,path=$share,mount_tag=hostshare,security_model=none,id=hostshare" \
    "${net[@]}" \
    -serial "file:$console" -monitor none \
    </dev/null >>"$share/qemu.stderr" 2>&1 &
  qpid=$!
  echo "$qpid" >"$share/qemu.pid"
  while kill -0 "$qpid" 2>/dev/null; do
    now=$(date +%s)
    if [ $((now - t0)) -ge "$boot_timeout" ]; then
      log "boot $boot: timed out after ${boot_timeout}s"; kill_qemu; tail -n 30 "$console" >&2 || true; exit 4
    fi
    if [ $((now - start_all)) -ge "$total_timeout" ]; then
      log "run timed out after ${total_timeout}s"; kill_qemu; tail -n 30 "$console" >&2 || true; exit 4
    fi
    sleep 0.2
  done
  qrc=0; wait "$qpid" || qrc=$?
  qpid=; rm -f "$share/qemu.pid"
  date +%s.%N >"$share/boot-$boot.end"
  after=$(pending)
  log "boot $boot: qemu exited rc=$qrc after $(( $(date +%s) - t0 ))s; $((before - after)) job(s) done, $after pending"
  if [ "$qrc" != 0 ]; then
    log "qemu failed:"; tail -n 20 "$share/qemu.stderr" >&2 || true; exit 3
  fi
  if [ "$after" -ge "$before" ]; then
    log "boot $boot made no progress; console tail:"; tail -n 40 "$console" >&2 || true; exit 3
  fi
done
log "all $njobs job(s) done in $(( $(date +%s) - start_all ))s over $boot boot(s)"
