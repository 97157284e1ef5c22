// The registry: every target is one row. Order is the order their contributions are merged.
import { audit } from "./audit/index.js";
import { cloudInit } from "./cloud-init/index.js";
import { conntrackd } from "./conntrackd/index.js";
import { dnsmasq } from "./dnsmasq/index.js";
import { keepalived } from "./keepalived/index.js";
import { netns } from "./netns/index.js";
import { netplan } from "./netplan/index.js";
import { ntp } from "./ntp/index.js";
import { pacemaker } from "./pacemaker/index.js";
import { systemd } from "./systemd/index.js";
import type { Target } from "./target.js";
import { verify } from "./verify/index.js";
import { vrouterBoot } from "./vrouter-boot/index.js";
import { vlanGateway } from "./vlan-gateway/index.js";

// vrouter-boot after netns (its boot.sh replays netns's runtime steps); dnsmasq and NTP before the failover manager:
// keepalived takes the VIPs (and Pacemaker's script creates resources) only once the services they carry are installed
// verify's extras and REVIEW.md tests for gateways held elsewhere come with the host's own gateways, before the routers'
export const TARGETS: readonly Target[] = [
  audit,
  vlanGateway,
  systemd,
  netplan,
  verify,
  netns,
  vrouterBoot,
  dnsmasq,
  ntp,
  conntrackd,
  keepalived,
  pacemaker,
  cloudInit,
];
