// HA day two at plan level (issue 20, part 3): a daemon's files compared by what they mean to it, a
// membership change ordered joins / leaves / backups / holder, the VIP moves it costs, holder.sh. In
// process; vrouter-membership.test.ts runs the same transitions live in network namespaces.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { meaning, unitRestartMeaning } from "../../../src/plan/daemon-meaning.js";
import { HOST_SH, inversesOf, stepsOf } from "../../helpers/gen.js";
import { genIn } from "../../helpers/gen-inprocess.js";
import { tempDir } from "../../helpers/tree.js";
import { fuelEnvText, withMember, withoutMember } from "../../helpers/variant.js";

const tmp = tempDir("transition-ha");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const V3 = fuelEnvText();
const V4 = withMember(V3, "ctrl4", 3, 80, "192.168.0.6");

/** gen plan --from: the old text as a file, the new one as the inventory; the summary and the transition's folder. */
async function plan(name: string, from: string, to: string): Promise<{ stdout: string; dir: string }> {
  const inv = join(tmp, name, "inventories");
  mkdirSync(inv, { recursive: true });
  writeFileSync(join(inv, "fuel-env.yaml"), to);
  writeFileSync(join(tmp, name, "old.yaml"), from);
  const r = await genIn(["plan", "--site", "fuel-env", "--from", join(tmp, name, "old.yaml"), "--inventory", inv, "--out", join(tmp, name, "out")]);
  expect(r.code, r.stderr).toBe(0);
  return { stdout: r.stdout, dir: join(tmp, name, "out/fuel-env.transition") };
}
const script = (dir: string, host: string, f: string) => readFileSync(join(dir, "hosts", host, f), "utf8");
/** The transition host.sh's steps (what its apply runs), and its inverses (what its rollback runs). */
const steps = (dir: string, host: string) => stepsOf(script(dir, host, HOST_SH));
const inverses = (dir: string, host: string) => inversesOf(script(dir, host, HOST_SH));
const KEEPALIVED = "sitegen-vrouter-keepalived.service";
/** Any systemctl operation on keepalived's unit (its name alone is also in titles and checks). */
const touchesKeepalived = new RegExp(`systemctl [a-z-]+ (--now )?${KEEPALIVED}`);

describe("what a daemon's file means to it", () => {
  it("drops comments, blank lines and indentation, and keeps everything else", () => {
    expect(meaning("# a\n\tpriority 150\n\n  # peers: ctrl2\n", "hash-comments")).toBe(meaning("# b\npriority 150\n", "hash-comments"));
    expect(meaning("priority 150\n", "hash-comments")).not.toBe(meaning("priority 151\n", "hash-comments"));
    expect(meaning("IPv4_address 10.0.0.1 # ctrl1\n", "hash-comments")).toBe("IPv4_address 10.0.0.1");
    // keepalived also takes '!'; a '#' inside a word is no comment
    expect(meaning('! note\nnotify "a#b"\n', "hash-comments", "#!")).toBe('notify "a#b"');
    expect(meaning("! note\n", "hash-comments")).toBe("! note");
  });

  it("a unit's ExecReload= needs only a daemon-reload; ExecStart= needs a restart", () => {
    const unit = "[Service]\n# why\nExecStart=/usr/sbin/keepalived\n";
    expect(unitRestartMeaning(unit)).toBe(unitRestartMeaning(`${unit}ExecReload=/bin/kill -HUP $MAINPID\n`));
    expect(unitRestartMeaning(`[Unit]\n${unit}`)).toBe(unitRestartMeaning(`[Unit]\nDescription=VRRP, priority 95\n${unit}`));
    expect(unitRestartMeaning(unit)).not.toBe(unitRestartMeaning(unit.replace("keepalived", "keepalived -D")));
  });
});

describe("HA day two (fuel-env, keepalived)", () => {
  it("a fourth member joins first; the others get new files, keepalived untouched, conntrackd restarted; 0 VIP moves", async () => {
    const { stdout, dir } = await plan("join", V3, V4);
    expect(stdout).toContain("run order: ctrl4, ctrl2, ctrl3, ctrl1\n");
    expect(stdout).toContain("router vrouter (keepalived): ctrl4 joins first; then ctrl2, ctrl3, ctrl1 one at a time, the one that holds the VIPs last");
    expect(stdout).toMatch(/VIP moves: 0 \(/);
    expect(stdout).toContain("changed  services vrouter-vrouter-keepalived  [none (files only, nothing live changes)]");
    for (const h of ["ctrl1", "ctrl2", "ctrl3"]) {
      const apply = steps(dir, h);
      // keepalived.conf differs only in comments (the peer list): no unit operation on keepalived at all
      expect(apply).toContain("/etc/sitegen/vrouter/keepalived.conf");
      expect(apply).not.toMatch(touchesKeepalived);
      // conntrackd's filter lists ctrl4's address: it cannot reread its config, so a restart in place (no disable, no rm)
      expect(apply).toContain("run systemctl restart sitegen-vrouter-conntrackd.service");
      expect(apply).not.toMatch(/disable --now sitegen-vrouter-conntrackd/);
      expect(script(dir, h, "holder.sh")).toContain("grep -qF ' 192.168.0.2/24 '");
    }
    expect(readFileSync(join(dir, "REVIEW.md"), "utf8")).toContain("**VIP moves: 0**");
  });

  it("a member leaves first, then the others, holder last: 0 moves if it is a backup, 1 if it holds the VIPs", async () => {
    const { stdout, dir } = await plan("leave", V4, withoutMember(V4, "ctrl3"));
    expect(stdout).toContain("run order: ctrl3, ctrl2, ctrl4, ctrl1\n");
    expect(stdout).toContain("VIP moves: 0 to 1 (ctrl3 leaves: 1 if it holds the VIPs then)");
    // the leaving member's keepalived stops gracefully before its legs go
    const apply = steps(dir, "ctrl3");
    expect(apply.indexOf(`disable --now ${KEEPALIVED}`)).toBeGreaterThan(0);
    expect(apply.indexOf(`disable --now ${KEEPALIVED}`)).toBeLessThan(apply.indexOf("ip link del"));
    expect(steps(dir, "ctrl1")).not.toMatch(touchesKeepalived);
  });

  it("a changed priority is a reload of keepalived (SIGHUP keeps the VRRP state), in place, and its rollback too", async () => {
    const { stdout, dir } = await plan(
      "priority",
      V3,
      V3.replace("{ host: ctrl3, address: auto, priority: 90 }", "{ host: ctrl3, address: auto, priority: 95 }"),
    );
    expect(stdout).toContain("host ctrl3: 0 removed, 1 changed, 0 added, 0 reset; at worst: moves a VIP");
    expect(stdout).toMatch(/VIP moves: 0 \(/);
    const apply = steps(dir, "ctrl3");
    expect(apply).toContain(`run systemctl reload-or-restart ${KEEPALIVED}`);
    expect(apply).not.toContain(`disable --now ${KEEPALIVED}`);
    expect(inverses(dir, "ctrl3")).toContain(`run systemctl reload-or-restart ${KEEPALIVED}`);
    // the unit reloads keepalived with SIGHUP
    expect(readFileSync(join(dir, "hosts/ctrl3/files", KEEPALIVED), "utf8")).toContain("ExecReload=/bin/kill -HUP $MAINPID");
  });

  it("a re-created leg on the holder costs a move: the count says so", async () => {
    const { stdout } = await plan("leg", V3, V3.replace("link: vr-mgmt }", "link: vr-m2 }"));
    expect(stdout).toMatch(/VIP moves: 1 \(ctrl\d(, ctrl\d)* (is|are) undone and applied again: 1 if/);
  });
});
