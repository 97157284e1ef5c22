// Confirm-or-revert over a real ssh session (issue 12, point 4), driven from the host while a guest
// holds: the guest plays cmp1 of fuel-env with a bridge netplan does not own, so the node takeover
// is live and replaces every default route with one via the management VIP. The guest's ssh path is
// made to depend on its default route (the user-mode NIC holds 10.0.2.15/32 and reaches qemu's
// 10.0.2.2 only through an on-link default, as a /32 cloud host does). A namespace on br-mgmt holds
// the management VIP, so the node's verify passes (the VIP answers ping), but it has no way back to
// the operator's network: the apply succeeds on the host and cuts the session that runs it. Two runs:
//   cut:       host.sh apply --confirm-within CUT_S over ssh; the session dies; nobody confirms; the host
//              reverts on its own and ssh answers again; routes equal the snapshot before the apply
//   confirmed: with 10.0.2.15/24 back (the session no longer needs the default route), host.sh apply
//              --confirm-within KEPT_S; a second apply refuses while armed; verify and confirm
//              over ssh; after the window the change is still there; rollback gives the routes back
import { exec, type ExecResult, type SshContext } from "./harness.js";

// Not shorter: the revert must not restore the path before the client has given the cut session up (about 6 s
// after the cut, which comes some 20 s into the apply under TCG); at load 10-12 ssh was down 31.5-35.7 s after the apply began.
export const CUT_S = 45;
export const KEPT_S = 30;
/** Where the test puts cmp1's generated folder in the share (the guest mounts the share at /mnt/host). */
export const CMP1_SHARE = "cmp1";

/** The virtio NIC that holds the ssh address. */
export const NIC = String.raw`nic=$(ip -o -4 addr show | awk '$4 ~ /^10\.0\.2\.15\// {print $2; exit}'); [ -n "$nic" ]`;

/** cmp1's br-mgmt (a veth port gives it carrier) and the ssh path through an on-link default route only. */
const NODE_SETUP = String.raw`set -e
rm -rf /root/cmp1 && cp -a /mnt/host/${CMP1_SHARE} /root/cmp1
ip link add br-mgmt type bridge && ip link add mgmt-p0 type veth peer name mgmt-p1
ip link set mgmt-p0 master br-mgmt && ip link set mgmt-p0 up && ip link set br-mgmt up
ip addr add 192.168.0.21/24 dev br-mgmt
# the router's VIP, serving the node's segment but with no route to the operator (10.0.2.2)
ip netns add vipns && ip link set mgmt-p1 netns vipns && ip -n vipns link set lo up
ip -n vipns addr add 192.168.0.2/24 dev mgmt-p1 && ip -n vipns link set mgmt-p1 up
${NIC}
ip addr add 10.0.2.15/32 dev "$nic"
ip route replace default via 10.0.2.2 dev "$nic" onlink
ip addr del 10.0.2.15/24 dev "$nic"
ip -4 route show default`;

export const ROUTES = "ip -4 route show; echo; cat /etc/resolv.conf";
const ARMED_ID = /== armed: run (\S+) reverts in/;

export interface ConfirmResults {
  setup?: ExecResult;
  before?: ExecResult;
  audit?: ExecResult;
  /** The cut run: its ssh session's result, and seconds from its start until ssh answered again. */
  cutApply?: ExecResult;
  cutId?: string;
  downAt?: number;
  backAfter?: number;
  afterRevert?: ExecResult;
  cutLog?: ExecResult;
  keptBefore?: ExecResult;
  keptApply?: ExecResult;
  keptId?: string;
  /** Seconds from the end of the arming apply until the confirm returned (the window is KEPT_S). */
  confirmedAfter?: number;
  secondApply?: ExecResult;
  confirm?: ExecResult;
  afterWindow?: ExecResult;
  keptLog?: ExecResult;
  rollback?: ExecResult;
  afterRollback?: ExecResult;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ssh that notices a dead path within about 6 s (an operator's client with keep-alives). */
const sshAlive = (ctx: SshContext, command: string, timeoutMs: number) =>
  exec("ssh", [...ctx.sshArgs, "-o", "ServerAliveInterval=2", "-o", "ServerAliveCountMax=3", "root@127.0.0.1", command], { timeoutMs });

/** Polls ssh (3 s connect timeout) until it answers or the deadline passes; returns when it answered. */
async function pollBack(ctx: SshContext, deadline: number): Promise<number | undefined> {
  while (Date.now() < deadline) {
    const r = await exec("ssh", [...ctx.sshArgs, "-o", "ConnectTimeout=3", "root@127.0.0.1", "true"], { timeoutMs: 15_000 });
    if (r.code === 0) return Date.now();
    await sleep(2000);
  }
  return undefined;
}

const runLog = (id: string) => `cat /var/lib/sitegen/cmp1/runs/${id}/revert.log /var/lib/sitegen/cmp1/runs/${id}/outcome; ls /var/lib/sitegen/cmp1`;

async function cutRun(ctx: SshContext, got: ConfirmResults): Promise<void> {
  const t0 = Date.now();
  got.cutApply = await sshAlive(ctx, `cd /root/cmp1 && bash host.sh apply --confirm-within ${CUT_S}`, 90_000);
  got.cutId = ARMED_ID.exec(got.cutApply.stdout)?.[1];
  const down = await exec("ssh", [...ctx.sshArgs, "-o", "ConnectTimeout=3", "root@127.0.0.1", "true"], { timeoutMs: 15_000 });
  if (down.code !== 0) got.downAt = (Date.now() - t0) / 1000;
  const back = await pollBack(ctx, t0 + (CUT_S + 90) * 1000);
  if (back === undefined) return;
  got.backAfter = (back - t0) / 1000;
  got.afterRevert = await ctx.ssh(ROUTES);
  if (got.cutId) got.cutLog = await ctx.ssh(runLog(got.cutId));
}

async function keptRun(ctx: SshContext, got: ConfirmResults): Promise<void> {
  got.keptBefore = await ctx.ssh(`${NIC} && ip addr add 10.0.2.15/24 dev "$nic" && { ${ROUTES}; }`);
  got.keptApply = await ctx.ssh(`cd /root/cmp1 && bash host.sh apply --confirm-within ${KEPT_S}`);
  // The window was armed inside that apply: from its end, KEPT_S s and a margin (for a revert that fired to have
  // logged) are past the window's end, however long the second apply and the confirm take meanwhile.
  const windowOver = Date.now() + (KEPT_S + 8) * 1000;
  got.keptId = ARMED_ID.exec(got.keptApply.stdout)?.[1];
  got.secondApply = await ctx.ssh(`cd /root/cmp1 && bash host.sh apply --confirm-within ${KEPT_S}`);
  got.confirm = await ctx.ssh(`cd /root/cmp1 && bash host.sh verify && bash host.sh confirm ${got.keptId ?? "none"}`);
  got.confirmedAfter = (Date.now() - (windowOver - (KEPT_S + 8) * 1000)) / 1000;
  await sleep(Math.max(0, windowOver - Date.now()));
  got.afterWindow = await ctx.ssh(`${ROUTES}; systemctl list-timers --all --no-legend 'sitegen-revert-*'`);
  if (got.keptId) got.keptLog = await ctx.ssh(runLog(got.keptId));
  got.rollback = await ctx.ssh("cd /root/cmp1 && bash host.sh rollback");
  got.afterRollback = await ctx.ssh(ROUTES);
}

/** Runs both scenarios over ssh; every result lands in the returned record for the test to assert on. */
export async function confirmOverSsh(ctx: SshContext): Promise<ConfirmResults> {
  const got: ConfirmResults = {};
  got.setup = await ctx.ssh(NODE_SETUP);
  if (got.setup.code !== 0) return got;
  got.before = await ctx.ssh(ROUTES);
  got.audit = await ctx.ssh("cd /root/cmp1 && bash host.sh audit");
  await cutRun(ctx, got);
  if (got.backAfter === undefined) return got;
  await keptRun(ctx, got);
  return got;
}
