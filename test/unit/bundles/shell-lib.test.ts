// The generated lib.sh's file helpers, run below a scratch $SITEGEN_ROOT: a rollback leaves /etc as
// the apply found it, so the directories install_file made under /etc/sitegen go with their last file
// (the qemu guest found an empty /etc/sitegen/vrouter after a rollback), and nothing else is removed.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/gen.js";
import { run } from "../../helpers/tools.js";

const LIB = join(ROOT, "out/engine/lib.sh");
// install_file reads the files from the host's folder, as the host's scripts set it
const HERE = join(ROOT, "out/fuel-env/hosts/ctrl1");
let root = "";
afterEach(() => rmSync(root, { recursive: true, force: true }));

function lib(lines: string): string {
  const r = run("bash", ["-c", `host=ctrl1 here=${HERE}; . ${LIB}\n${lines}`], { env: { ...process.env, SITEGEN_ROOT: root } });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.stdout;
}

describe("lib.sh install_file / remove_file", () => {
  it("removing the last file under /etc/sitegen removes the directories install_file made", () => {
    root = mkdtempSync(join(tmpdir(), "sitegen-lib-"));
    mkdirSync(join(root, "etc/systemd/system"), { recursive: true });
    lib(
      "install_file /etc/sitegen/vrouter/boot.sh 0755 boot.sh; install_file /etc/sitegen/vrouter/chrony.conf 0644 chrony.conf\n" +
        "install_file /etc/systemd/system/sitegen-vrouter-boot.service 0644 sitegen-vrouter-boot.service",
    );
    expect(existsSync(join(root, "etc/sitegen/vrouter/boot.sh"))).toBe(true);

    // one file left: its directory stays
    lib("remove_file /etc/sitegen/vrouter/boot.sh");
    expect(existsSync(join(root, "etc/sitegen/vrouter/chrony.conf"))).toBe(true);

    const out = lib("remove_file /etc/sitegen/vrouter/chrony.conf; remove_file /etc/systemd/system/sitegen-vrouter-boot.service");
    expect(out).toContain(`+ rmdir ${root}/etc/sitegen/vrouter\n+ rmdir ${root}/etc/sitegen\n`);
    expect(existsSync(join(root, "etc/sitegen"))).toBe(false);
    // a directory outside sitegen's own stays, empty or not
    expect(existsSync(join(root, "etc/systemd/system"))).toBe(true);
    // removing what is already gone is a no-op, as a guarded rollback expects
    lib("remove_file /etc/sitegen/vrouter/chrony.conf");
  });

  it("keeps /etc/sitegen while another router's files are in it", () => {
    root = mkdtempSync(join(tmpdir(), "sitegen-lib-"));
    mkdirSync(join(root, "etc/sitegen/other"), { recursive: true });
    writeFileSync(join(root, "etc/sitegen/other/keep.conf"), "x\n");
    lib("install_file /etc/sitegen/vrouter/dnsmasq.conf 0644 dnsmasq.conf; remove_file /etc/sitegen/vrouter/dnsmasq.conf");
    expect(existsSync(join(root, "etc/sitegen/vrouter"))).toBe(false);
    expect(existsSync(join(root, "etc/sitegen/other/keep.conf"))).toBe(true);
  });
});
