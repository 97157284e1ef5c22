// Confirm-or-revert through the playbooks in the guest (issue 12, point 4: "the Ansible flow does the same
// through a reconnect"), after confirm-flow.ts in the same boot and on the same cmp1 (live takeover):
//   cut:  the ssh path depends on the on-link default route again; apply.yml -e confirm_within=ANS_CUT_S;
//         the takeover cuts Ansible's session, the play keeps the host (ignore_unreachable), waits for a
//         new session, which comes back only once the host's systemd timer has reverted the run; the
//         play fails the host with the revert's log; routes and resolver equal the snapshot
//   kept: with 10.0.2.15/24 back, the same play arms, confirms over a new session after verify, and the
//         change stays with no revert timer left; rollback.yml gives the routes back
// The VIP's namespace serves DNS (dnsmasq) and NTP (chronyd -x: never steers the guest's clock) so the
// play's serving gate passes before the node changes.
import { NIC, ROUTES } from "./confirm-flow.js";
import type { ExecResult, SshContext } from "./harness.js";

// Not shorter: the window must outlast the play from the arm to the lost session (the steps before the cutting one,
// then ServerAlive's 15 s); at load 8-10 the cutting step began 39 s after the arm and the session was given up at 60 s.
export const ANS_CUT_S = 120;
export const ANS_KEPT_S = 240;

const SERVE = String.raw`set -e
# chronyd makes its command socket only in a folder of its own user: the node's chronyc reload must reach it.
# It stands in for the node's own chronyd (which may not run here: it would steer the guest's clock), so it
# reads the node's sources.d as that one would: after the takeover it lists the VIP, as check_time_source asks
install -d -m 0750 -o _chrony -g _chrony /run/chrony && mkdir -p /etc/sitegen-test /etc/chrony/sources.d
printf '%s\n' 'local stratum 3' 'allow all' 'cmdport 0' 'pidfile /run/chrony/vipns.pid' 'sourcedir /etc/chrony/sources.d' \
  > /etc/sitegen-test/vip-chrony.conf
ip netns exec vipns dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces --listen-address=192.168.0.2 \
  --address=/invalid/ --pid-file=/run/sitegen-test-vip-dnsmasq.pid
ip netns exec vipns chronyd -x -f /etc/sitegen-test/vip-chrony.conf`;

export interface AnsibleConfirmResults {
  serve?: ExecResult;
  before?: ExecResult;
  cut?: ExecResult;
  cutSeconds?: number;
  afterCut?: ExecResult;
  cutLog?: ExecResult;
  keptBefore?: ExecResult;
  kept?: ExecResult;
  afterKept?: ExecResult;
  keptLog?: ExecResult;
  rollback?: ExecResult;
  afterRollback?: ExecResult;
}

/** The newest run's log and outcome on the guest's cmp1. */
const newestRun = 'd=$(ls -td /var/lib/sitegen/cmp1/runs/*/ | head -1); cat "$d"revert.log "$d"outcome; ls /var/lib/sitegen/cmp1';

/** Plays cmp1 of the variant through its own playbooks; `play(book, extra)` runs ansible-playbook from its ansible folder. */
export async function confirmOverAnsible(ctx: SshContext, play: (book: string, extra: string[]) => Promise<ExecResult>): Promise<AnsibleConfirmResults> {
  const got: AnsibleConfirmResults = {};
  got.serve = await ctx.ssh(`${SERVE}\n${NIC}\nip addr del 10.0.2.15/24 dev "$nic"\nip -4 route show default`);
  if (got.serve.code !== 0) return got;
  got.before = await ctx.ssh(ROUTES);
  const t0 = Date.now();
  got.cut = await play("apply.yml", ["-e", `confirm_within=${ANS_CUT_S}`]);
  got.cutSeconds = (Date.now() - t0) / 1000;
  got.afterCut = await ctx.ssh(ROUTES);
  got.cutLog = await ctx.ssh(newestRun);
  got.keptBefore = await ctx.ssh(`${NIC} && ip addr add 10.0.2.15/24 dev "$nic" && { ${ROUTES}; }`);
  got.kept = await play("apply.yml", ["-e", `confirm_within=${ANS_KEPT_S}`]);
  got.afterKept = await ctx.ssh(`${ROUTES}; systemctl list-timers --all --no-legend 'sitegen-revert-*'`);
  got.keptLog = await ctx.ssh(newestRun);
  got.rollback = await play("rollback.yml", []);
  got.afterRollback = await ctx.ssh(ROUTES);
  return got;
}
