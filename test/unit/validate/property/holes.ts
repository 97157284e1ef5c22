// The model holes of issue 23 planted in a valid site, each with the code that must report it: a directed
// property (any valid site, any hole) beside the blind mutations, so a rule that stops firing is caught.
import fc from "fast-check";
import { parseDocument, stringify } from "yaml";

type Doc = { hosts: Array<Record<string, unknown>>; networks: Array<Record<string, unknown> & { gateway?: Record<string, unknown> }> };

export interface Hole {
  name: string;
  code: string;
  plant(d: Doc, pick: number): boolean;
}

const nth = <T>(xs: T[], k: number): T | undefined => (xs.length ? xs[k % xs.length] : undefined);

export const HOLES: Hole[] = [
  {
    name: "two hosts, one management address",
    code: "management-duplicate",
    plant: (d, k) => {
      if (d.hosts.length < 2) return false;
      d.hosts[1 + (k % (d.hosts.length - 1))]!.management = d.hosts[0]!.management;
      return true;
    },
  },
  {
    name: "a special management address",
    code: "management-unusable",
    plant: (d, k) => {
      nth(d.hosts, k)!.management = nth(["127.0.0.1", "0.0.0.0", "224.0.0.9", "ff02::1", "::1", "fe80::7"], k);
      return true;
    },
  },
  {
    name: "a zone id",
    code: "invalid-address",
    plant: (d, k) => {
      const h = nth(d.hosts, k)!;
      h.management = `${String(h.management)}%eth0`;
      return true;
    },
  },
  {
    name: "a special block as a network",
    code: "network-special",
    plant: (d, k) => {
      nth(d.networks, k)!.cidr = nth(["127.0.0.0/8", "239.1.0.0/16", "169.254.0.0/16", "fe80::/64", "ff00::/8", "0.0.0.0/0"], k);
      return true;
    },
  },
  {
    name: "a distribution's unit",
    code: "unit-not-ours",
    plant: (d, k) => {
      const g = d.networks.map((n) => n.gateway).filter((x) => x?.on === "host");
      if (!g.length) return false;
      nth(g, k)!.unit = nth(["ssh.service", "libvirtd.service", "systemd-networkd.service", "getty@tty1.service"], k);
      return true;
    },
  },
  {
    name: "two gateways, one unit",
    code: "unit-clash",
    plant: (d) => {
      const g = d.networks.map((n) => n.gateway).filter((x) => x?.on === "host");
      const [a, b] = [g[0], g.find((x) => x !== g[0] && x?.host === g[0]?.host)];
      if (!a || !b) return false;
      a.unit = b.unit = "twice.service";
      return true;
    },
  },
  {
    name: "a host named like an Ansible group",
    code: "host-name-reserved",
    plant: (d, k) => {
      nth(d.hosts, k)!.name = nth(["all", "ungrouped", "localhost"], k);
      return true;
    },
  },
  {
    name: "a bridge-owner gateway on a VLAN",
    code: "gateway-bridge-owner-tagged",
    plant: (d) => {
      const n = d.networks.find((x) => x.gateway?.on === "bridge-owner");
      if (!n) return false;
      n.vlan = 3000;
      return true;
    },
  },
];

/** A hole and which object it picks, as plain data so a failure prints it. */
export const holePick = fc.record({ hole: fc.nat(HOLES.length - 1), pick: fc.nat() });

/** The site with the hole planted, or undefined when the site has nothing the hole can go into. */
export function planted(text: string, hole: Hole, pick: number): string | undefined {
  const d = parseDocument(text).toJS() as Doc;
  return hole.plant(d, pick) ? stringify(d) : undefined;
}
