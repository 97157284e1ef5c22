// Variants of the seed jumphost inventory, one definition for the bench's counts (bench/counts.mjs) and the
// tests (test/helpers/variant.ts): what "a second VLAN gateway" is must be the same in both.

/** The second gateway: the provider-vip gateway copied with another name, VID and subnet, on the same libvirt network. */
export const SECOND_GATEWAY = Object.freeze({ network: "provider-vip2", unit: "provider-vip2-gw.service", ifname: "virbr1.105", cidr: "10.12.12.1/22" });

/** The jumphost inventory's text with SECOND_GATEWAY on virbr1 (libvirt network 1_provider), VID 105. */
export function withSecondGateway(text) {
  const before = "  - name: provider-vip\n";
  if (!text.includes(before)) throw new Error("jumphost.yaml: no provider-vip network to put a second VLAN gateway beside");
  const added = [
    `  - name: ${SECOND_GATEWAY.network}`,
    "    cidr: 10.12.12.0/22",
    "    vlan: 105",
    "    attach:",
    "      - { host: jumphost, bridge: virbr1 }",
    "    gateway:",
    "      address: 10.12.12.1",
    "      on: host",
    "      host: jumphost",
    "      persistence: auto",
    `      unit: ${SECOND_GATEWAY.unit}`,
    "",
  ];
  return text.replace(before, `${added.join("\n")}\n${before}`);
}
