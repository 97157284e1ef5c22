// The drift model host.sh carries: read from the plan's checks and installs, each installed file with the sha256 of its copy in files/.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../../src/compile.js";
import { modelLines, ROOT } from "../../helpers/gen.js";

function modelOf(site: string, host: string): { lines: string[]; file: (path: string) => string } {
  const r = compile(readFileSync(join(ROOT, `inventories/${site}.yaml`), "utf8"), `inventories/${site}.yaml`, { site, source: `inventories/${site}.yaml` });
  if (!r.ok) throw new Error("compile failed");
  const file = (p: string) => r.build.files.find((f) => f.path === p)!.content;
  return { lines: modelLines(file(`hosts/${host}/host.sh`)), file };
}

describe("drift model", () => {
  it("jumphost: the VLAN it owns, its address, the checked bridge address, the unit file with its copy's sha256", () => {
    const { lines, file } = modelOf("jumphost", "jumphost");
    expect(lines).toContain("vlan runtime virbr1.104 virbr1 104");
    expect(lines).toContain("owned runtime - virbr1.104");
    expect(lines).toContain("addr runtime - virbr1.104 10.12.8.1/22");
    // libvirt's bridge is checked, not owned: its other addresses are never extra
    expect(lines).not.toContain("owned runtime - virbr1");
    const sha = createHash("sha256").update(file("hosts/jumphost/files/provider-vip-gw.service")).digest("hex");
    expect(lines).toContain(`file persist /etc/systemd/system/provider-vip-gw.service 0644 ${sha}`);
  });

  it("fuel-env with keepalived: the VIPs and the upstream default route are allowed, not extra; the secret is checked by mode only", () => {
    const { lines } = modelOf("fuel-env", "ctrl2");
    expect(lines).toEqual(
      expect.arrayContaining([
        "ns runtime vrouter",
        "owned runtime vrouter vr-ex",
        "route runtime vrouter default 192.168.0.2",
        "table runtime vrouter inet sitegen-vrouter nftables-vrouter.nft",
        "allow-addr runtime vrouter vr-mgmt 192.168.0.2/24",
        "allow-addr runtime vrouter vr-ex 172.16.0.2/24",
        "allow-route runtime vrouter default 172.16.0.1",
        "secret services /etc/sitegen/vrouter/vrrp-auth.conf",
      ]),
    );
    expect(new Set(lines).size).toBe(lines.length);
  });
});
