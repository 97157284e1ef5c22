// A synthetic site: N hosts, each with one bridge carrying two VLAN gateways (2N gateways in all).
export function syntheticSite(name, hosts) {
  const lines = [`site: ${name}`, "hosts:"];
  for (let i = 0; i < hosts; i++) {
    lines.push(
      `  - name: h${i}`,
      `    management: 10.200.${i >> 8}.${i & 255}`,
      "    bridges:",
      `      - { name: br0, owner: ${i % 2 ? "libvirt, libvirt_network: prov" : "netplan"} }`,
    );
  }
  lines.push("networks:");
  for (let i = 0; i < hosts; i++) {
    for (let k = 0; k < 2; k++) {
      const n = 2 * i + k; // /24 number n inside 10.0.0.0/8
      const net = `10.${n >> 8}.${n & 255}`;
      lines.push(
        `  - name: n${n}`,
        `    cidr: ${net}.0/24`,
        `    vlan: ${100 + k}`,
        `    attach: [{ host: h${i}, bridge: br0 }]`,
        `    gateway: { address: ${net}.1, on: host, host: h${i} }`,
        `    ranges: [{ name: vips, from: ${net}.50, to: ${net}.60 }]`,
        `    statics: [{ name: api, address: ${net}.40 }]`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
