// The Corosync configuration of a cluster of simulated hosts (sim-host.ts), for the Pacemaker tests.

/** corosync.conf of a cluster of members on the management segment (knet, no crypto: a private test segment). */
export function corosyncConf(cluster: string, nodes: Array<{ name: string; address: string }>): string {
  const nodelist = nodes.map((n, i) => `  node {\n    name: ${n.name}\n    nodeid: ${i + 1}\n    ring0_addr: ${n.address}\n  }`).join("\n");
  const two = nodes.length === 2 ? "\n  two_node: 1" : "";
  return (
    `totem {\n  version: 2\n  cluster_name: ${cluster}\n  transport: knet\n  crypto_cipher: none\n  crypto_hash: none\n}\n` +
    `logging {\n  to_logfile: yes\n  logfile: /var/log/corosync/corosync.log\n  to_syslog: no\n  timestamp: hires\n}\n` +
    `quorum {\n  provider: corosync_votequorum${two}\n}\nnodelist {\n${nodelist}\n}\n`
  );
}
