// Which files each real checker takes: the one table the checker suites select their files by, and
// the coverage test holds every target's files against (a target names its checkers in checkedBy).
import { dirname } from "node:path";
import type { Artifact } from "../../src/plan/types.js";
import type { CheckerKind } from "../../src/targets/target.js";
import { installedCopies } from "./gen.js";

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

/**
 * What a checker's pattern reads of a file: where it lands. An installed copy (hosts/<host>/files/<name>,
 * flat) lands at its path on the host; any other file of out/ is read where it is.
 */
export const artifactLandsAt = (a: Artifact): string => ("installs" in a ? (a as Artifact & { installs: { dest: string } }).installs.dest : a.path);

const COPY = /\/hosts\/[^/]+\/files\/[^/]+$/;
const landings = new Map<string, Map<string, string>>();
/** The same for a file of an out/ tree on disk (an absolute path): a copy's destination is its host.sh's. */
export function landsAt(path: string): string {
  if (!COPY.test(path)) return path;
  const host = dirname(dirname(path));
  if (!landings.has(host)) landings.set(host, new Map([...installedCopies(host)].map(([dest, copy]) => [copy, dest])));
  return landings.get(host)!.get(path) ?? path;
}
