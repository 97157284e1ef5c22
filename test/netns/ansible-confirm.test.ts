// Confirm-or-revert through the playbooks (issue 12, point 1: "the same in the playbooks"): apply.yml
// -e confirm_within=SECONDS over ssh to a simulated host with its own systemd and sshd (test/helpers/fleet.ts).
// SITEGEN_ARM=detached makes it arm a detached sleeper, as host.sh apply does on a host without systemd (the
// systemd timer's arm is the guest's, below). Cases, one host each time:
//   kept:    the run arms, journals the steps it changes, confirms over a new session; nothing is armed after
//   again:   a second confirmed run changes nothing and journals nothing
//   refused: while another run is armed on the host, the play stops before any change, with confirm_within or not
//   undone:  a failing verify rolls the steps back in the play, which disarms the revert (outcome recorded)
//   cut:     the host stops answering ssh right after the first step is journaled; the play neither dies nor
//            goes on changing the host: it waits, the host reverts on its own, and the play fails with the
//            revert's log; the host equals its snapshot from before the run
// The cut through a real route change and a real systemd timer is in the guest (test/guest/confirm-flow.ts).
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostCmd } from "../helpers/gen.js";
import { GW, token, writeConvergeSite } from "../helpers/ansible.js";
import { Fleet, requireSshd, type FleetRun } from "../helpers/fleet.js";
import { hostTempDir } from "../helpers/sim-host.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { Topology } from "../helpers/vrouter-topology.js";

const HOST = "gw01";
const ADDR = "192.168.0.10";
const STATE = `/var/lib/sitegen/${HOST}`;
const tmp = hostTempDir("ansible-confirm");
const topo = new Topology(`acf${process.pid % 1000}`);
let fleet: Fleet;
let site: string;
let failing: string;

const show = (r: FleetRun) => `exit ${r.code}\n${r.stdout.split("\n").slice(-80).join("\n")}\n${r.stderr}`;
const on = (script: string) => topo.sh(HOST, script);
const play = (dir: string, window: number) => fleet.play(dir, "apply.yml", ["-e", `approve=${token(dir)}`, "-e", `confirm_within=${window}`]);
/** The runs the host recorded, oldest first: id, outcome and journal. */
function runs(): Array<{ id: string; outcome: string; journal: string[] }> {
  const out = on(
    `cd ${STATE}/runs 2>/dev/null && for r in $(ls); do printf '%s|%s|%s\\n' "$r" "$(cat $r/outcome 2>/dev/null)" "$(paste -sd, $r/journal)"; done`,
  );
  return out.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [id, outcome, journal] = l.split("|");
      return { id: id!, outcome: outcome!, journal: journal ? journal.split(",") : [] };
    });
}
const armed = () => on(`cat ${STATE}/armed 2>/dev/null`).stdout.trim();

beforeAll(async () => {
  requireRootNetns();
  requireSshd();
  for (const t of ["ansible-playbook", "ssh", "ssh-keygen", "nsenter", "unshare", "nft"]) requireTool(t);
  topo.switch();
  fleet = new Fleet(topo, tmp);
  fleet.controller("192.168.0.250", 24);
  // the detached arm: the systemd timer's is the guest's (test/guest/confirm-flow.ts)
  await fleet.host({ name: HOST, bridges: [{ name: "virbr1", segment: "mgmt", address: ADDR, prefix: 24 }] }, ADDR, undefined, ["SITEGEN_ARM=detached"]);
  fleet.waitReady([ADDR]);
  const hosts = [{ name: HOST, management: ADDR }];
  site = writeConvergeSite(join(tmp, "out"), hosts, false);
  // the same plan with a final check that no host here can pass (no guest answers on virbr1)
  failing = writeConvergeSite(join(tmp, "failing"), hosts, true);
}, 120_000);

afterAll(async () => {
  await topo.teardown();
  rmSync(tmp, { recursive: true, force: true });
});

describe("apply.yml -e confirm_within: the host's own revert, driven by the playbook", () => {
  it("kept: arms, journals the steps it changes, confirms over a new session; a second run journals nothing", () => {
    const r = play(site, 120);
    expect(r.code, show(r)).toBe(0);
    expect(r.recaps[HOST]!.changed, show(r)).toBeGreaterThanOrEqual(4);
    expect(armed(), "nothing stays armed after the confirm").toBe("");
    expect(runs()).toEqual([expect.objectContaining({ outcome: "confirmed", journal: ["runtime-gw", "persist-forwarding"] })]);
    const again = play(site, 120);
    expect(again.code, show(again)).toBe(0);
    expect(again.recaps[HOST], show(again)).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect(runs()[1], "the second run changed nothing, so its revert had nothing to undo").toMatchObject({ outcome: "confirmed", journal: [] });
    const back = fleet.play(site, "rollback.yml", ["-e", `approve=${token(site)}`]);
    expect(back.code, show(back)).toBe(0);
  }, 300_000);

  it("refused: while another run is armed on the host, nothing changes (armed or not)", () => {
    const arm = on(`SITEGEN_ARM=detached ${hostCmd(`${site}/hosts/${HOST}`, "confirm --arm 300")}`);
    expect(arm.code, arm.stdout + arm.stderr).toBe(0);
    const other = arm.stdout.trim().split("\n").pop()!;
    try {
      const r = play(site, 120);
      expect(r.code, show(r)).not.toBe(0);
      expect(r.stdout).toContain(`refused: a revert is armed for run ${other}`);
      expect(r.recaps[HOST]!.changed, show(r)).toBe(0);
      expect(on(`ip link show dev ${GW}`).code, "no step ran").not.toBe(0);
      // a run that does not arm refuses too (as host.sh apply does while a revert is armed)
      const plain = fleet.play(site, "apply.yml", ["-e", `approve=${token(site)}`]);
      expect(plain.code, show(plain)).not.toBe(0);
      expect(plain.stdout).toContain(`refused: a revert is armed for run ${other}`);
      expect(on(`ip link show dev ${GW}`).code, "no step ran").not.toBe(0);
    } finally {
      expect(on(hostCmd(`${site}/hosts/${HOST}`, `confirm ${other}`)).code).toBe(0);
    }
  }, 300_000);

  it("undone: a failing verify rolls back in the play and disarms the revert", () => {
    const before = topo.snapshot(HOST);
    const r = play(failing, 120);
    expect(r.code, show(r)).not.toBe(0);
    expect(r.stdout).toMatch(/the steps started in this run were undone, newest first/);
    expect(armed()).toBe("");
    expect(runs().at(-1), "the play undid its steps: the revert was disarmed").toMatchObject({ outcome: "rolled back by apply" });
    expect(topo.snapshot(HOST)).toEqual(before);
  }, 300_000);

  // The host stops answering ssh once a new run has journaled a step, until that run has an outcome and at
  // least holdS seconds have passed: longer than ServerAlive's 15 s, the session is lost; shorter, it stalls.
  function cutAfterJournal(holdS: number, known: Set<string>): void {
    writeFileSync(join(tmp, "known"), `${[...known].join("\n")}\n`);
    const cutter = [
      "for i in $(seq 1 1000); do j=$(ls -t " + STATE + "/runs/*/journal 2>/dev/null | head -1);",
      `  if [ -n "$j" ] && [ -s "$j" ] && ! grep -qx "$(basename "$(dirname "$j")")" ${join(tmp, "known")}; then break; fi; sleep 0.1; done`,
      "nft add table inet cut && nft add chain inet cut in '{ type filter hook input priority 0; }' && nft add rule inet cut in tcp dport 22 drop",
      "echo cut; t0=$(date +%s)",
      `for i in $(seq 1 1000); do [ -s "$(dirname "$j")/outcome" ] && [ $(($(date +%s) - t0)) -ge ${holdS} ] && break; sleep 0.2; done`,
      "nft delete table inet cut; echo back after $(($(date +%s) - t0)) s",
    ].join("\n");
    topo.start(HOST, ["bash", "-c", cutter], join(tmp, `cutter-${holdS}.log`));
  }

  it.each([
    { what: "lost: the session dies (ServerAlive), the play waits for a new one", holdS: 35, window: 25 },
    { what: "stalled: the session survives the outage, the host reverted meanwhile", holdS: 0, window: 20 },
  ])(
    "cut, $what; the host reverts on its own, the play reports it and the host equals its snapshot",
    ({ holdS, window }) => {
      const before = topo.snapshot(HOST);
      const known = new Set(runs().map((x) => x.id));
      cutAfterJournal(holdS, known);
      const r = play(site, window);
      expect(r.code, show(r)).not.toBe(0);
      expect(r.stdout, show(r)).toMatch(/the host\s+reverted this run's steps on its own \(reverted;/);
      const run = runs().find((x) => !known.has(x.id));
      expect(run, "a new run was armed").toMatchObject({ outcome: "reverted" });
      expect(run!.journal[0]).toBe("runtime-gw");
      const log = on(`cat ${STATE}/runs/${run!.id}/revert.log; cat ${join(tmp, `cutter-${holdS}.log`)}`).stdout;
      expect(log).toMatch(/window expired unconfirmed: reverting 1 step\(s\), newest first/);
      if (holdS > 0) expect(r.stdout, show(r)).toMatch(/UNREACHABLE|unreachable/);
      expect(armed()).toBe("");
      expect(topo.snapshot(HOST), `the host is as it was before the run\n${log}\n${show(r)}`).toEqual(before);
    },
    400_000,
  );
});
