import type { Diagnostic } from "../diag/diagnostic.js";
import { makeContext, type Rule } from "./context.js";
import type { Path, Source } from "../model/source.js";
import { schemaFindings } from "./schema.js";
import { isEcho, soundPart } from "./sound-part.js";
import { attachOnce } from "./rules/attach-once.js";
import { addressCollision } from "./rules/address-collision.js";
import { cidrForm } from "./rules/cidr-form.js";
import { dualStack } from "./rules/dual-stack.js";
import { gatewayPlacement } from "./rules/gateway-placement.js";
import { membership } from "./rules/membership.js";
import { rangeOrder } from "./rules/range-order.js";
import { references } from "./rules/references.js";
import { siteName } from "./rules/site-name.js";
import { subnetOverlap } from "./rules/subnet-overlap.js";
import { uniqueNames } from "./rules/unique-names.js";
import { vlans } from "./rules/vlans.js";
import { vrouterAddresses } from "./rules/vrouter-addresses.js";
import { vrouterLegs } from "./rules/vrouter-legs.js";
import { vrouterNames } from "./rules/vrouter-names.js";
import { vrouterReferences } from "./rules/vrouter-references.js";
import { vrouterUpstreams } from "./rules/vrouter-upstreams.js";
import { vrouterHa } from "./rules/vrouter-ha.js";
import { vrouterPriorities } from "./rules/vrouter-priorities.js";
import { vrouterSync } from "./rules/vrouter-sync.js";
import { vrouterVrid } from "./rules/vrouter-vrid.js";
import { nodeBridgePorts } from "./rules/node-bridge-ports.js";
import { attachAddress } from "./rules/attach-address.js";
import { hostNames } from "./rules/host-names.js";
import { management } from "./rules/management.js";
import { networkKind } from "./rules/network-kind.js";
import { unitNames } from "./rules/unit-names.js";
import { vrouterNodes } from "./rules/vrouter-nodes.js";
import { vrrpUnauthenticated } from "./rules/vrrp-unauthenticated.js";

/** Semantic rules, each in its own file; all run, and all their findings (errors and warnings) are reported together. */
export const RULES: Rule[] = [
  siteName,
  uniqueNames,
  hostNames,
  cidrForm,
  networkKind,
  dualStack,
  membership,
  management,
  attachOnce,
  rangeOrder,
  subnetOverlap,
  addressCollision,
  vlans,
  references,
  gatewayPlacement,
  unitNames,
  vrouterReferences,
  vrouterAddresses,
  vrouterNames,
  vrouterLegs,
  vrouterUpstreams,
  vrouterHa,
  vrouterPriorities,
  vrouterVrid,
  vrouterSync,
  vrouterNodes,
  attachAddress,
  vrrpUnauthenticated,
  nodeBridgePorts, // warnings
];

/**
 * Schema first; semantic rules then run on every part whose shape is sound (unknown keys and wrong values do not
 * stop them; an object with a wrong type or a missing key is left out, and a finding that it is missing is its
 * echo, not news), so one run reports everything that can be known.
 */
export function validate(src: Source, expectedSite: string): Diagnostic[] {
  const { diagnostics, broken } = schemaFindings(src);
  const part = broken.length ? soundPart(src.data, broken) : { data: src.data, toSource: (p: Path) => p, cutNames: new Set<string>() };
  if (!part) return diagnostics;
  const found: Diagnostic[] = [];
  const ctx = makeContext(src, expectedSite, found, part);
  for (const rule of RULES) rule(ctx);
  return [...diagnostics, ...found.filter((d) => !isEcho(d, part.cutNames))];
}
