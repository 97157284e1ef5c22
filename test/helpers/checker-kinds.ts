// Which files each real checker takes: the one table the checker suites select their files by, and
// the coverage test holds every target's files against (a target names its checkers in checkedBy).
import type { CheckerKind } from "../../src/targets/target.js";

export const CHECKED_FILES: Record<CheckerKind, RegExp> = {
  // libvirt runs every executable in hooks/network.d, whatever its name
  shellcheck: /(\.sh|\/etc\/libvirt\/hooks\/network\.d\/[^/]+)$/,
  "systemd-analyze": /\/etc\/systemd\/system\/[^/]+\.(service|target)$/,
  netplan: /(\/etc\/netplan\/[^/]+\.yaml|cloud-init\/network-config)$/,
  dnsmasq: /dnsmasq\.conf$/,
  chronyd: /(chrony\.conf|\/etc\/chrony\/sources\.d\/[^/]+\.sources)$/,
  ntpd: /\/ntp\.conf$/,
  keepalived: /keepalived\.conf$/,
  conntrackd: /conntrackd\.conf$/,
  pcs: /\/cib-[^/]+\.xml$/,
  "cloud-init": /cloud-init\/user-data$/,
  nft: /\.nft$/,
  python: /\.py$/,
  resolver: /\/etc\/netns\/[^/]+\/resolv\.conf$/,
};
