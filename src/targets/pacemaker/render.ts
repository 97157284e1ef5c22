// The two renderings of a Cluster (cib.ts): pcs command lines, and the CIB elements pcs writes for them.
import { shq } from "../../render/shell-quote.js";
import type { Cluster, Constraint, Op, Primitive, Resource } from "./cib.js";

/** A pcs command as a shell line: a bare `then` argument would read as the keyword to shellcheck (SC1010). */
export const pcsLine = (argv: string[]): string => argv.map((w) => (w === "then" ? `'then'` : shq(w))).join(" ");

const opArgs = (ops: Op[]) => ops.flatMap((o) => ["op", "monitor", `interval=${o.interval}`, `timeout=${o.timeout}`, ...(o.role ? [`role=${o.role}`] : [])]);
/** pcs cannot read a systemd unit's metadata offline or before the unit is installed: --force skips only that lookup. */
const force = (p: Primitive) => (p.agent.startsWith("systemd:") ? ["--force"] : []);
const create = (p: Primitive) => ["resource", "create", p.id, p.agent, ...p.params.map(([k, v]) => `${k}=${v}`), "--no-default-ops", ...opArgs(p.ops)];

/** Every pcs command (after `pcs -f CIB`) that builds the configuration, with a comment for each. */
export function pcsCreate(c: Cluster): Array<{ comment: string; argv: string[] }> {
  const res = c.resources.flatMap((r): Array<{ comment: string; argv: string[] }> => {
    if (r.kind === "clone") {
      const metaArgs = r.meta.map(([k, v]) => `${k}=${v}`);
      return [{ comment: `${r.id}: ${r.prim.what}`, argv: [...create(r.prim), r.promotable ? "promotable" : "clone", ...metaArgs, ...force(r.prim)] }];
    }
    return [
      ...r.prims.map((p) => ({ comment: `${r.id} (${r.what}): ${p.what}`, argv: [...create(p), "--group", r.id, ...force(p)] })),
      { comment: `${r.id}: ${r.meta.map(([k, v]) => `${k}=${v}`).join(", ")}`, argv: ["resource", "meta", r.id, ...r.meta.map(([k, v]) => `${k}=${v}`)] },
    ];
  });
  return [...res, ...c.constraints.map((k) => ({ comment: `${k.id}: ${k.why}`, argv: constraintArgs(k) }))];
}

function constraintArgs(k: Constraint): string[] {
  switch (k.kind) {
    case "order":
      return ["constraint", "order", k.firstAction, k.first, "then", "start", k.then, `id=${k.id}`];
    case "colocation":
      return ["constraint", "colocation", "add", k.rsc, "with", ...(k.withRole ? [k.withRole] : []), k.withRsc, "INFINITY", `id=${k.id}`];
    case "location":
      return ["constraint", "location", "add", k.id, k.rsc, k.node, String(k.score)];
  }
}

/** The pcs command (on the live cluster) that stops everything create made, and waits for it. */
export const pcsDisable = (c: Cluster): string[] => ["resource", "disable", ...c.top, "--wait=120"];

/** pcs commands that remove everything create made (a resource's constraints go with it). */
export const pcsDelete = (c: Cluster): string[][] => [...c.top].reverse().map((id) => ["resource", "delete", id]);

const attrs = (xs: Array<[string, string]>) => xs.map(([k, v]) => ` ${k}="${v}"`).join("");
const sorted = (xs: Array<[string, string]>) => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : 1));

function nvpairs(tag: string, id: string, xs: Array<[string, string]>, pad: string): string[] {
  if (!xs.length) return [];
  return [`${pad}<${tag} id="${id}">`, ...sorted(xs).map(([k, v]) => `${pad}  <nvpair id="${id}-${k}" name="${k}" value="${v}"/>`), `${pad}</${tag}>`];
}

type Attr = [string, string];
/** An attribute only when it has a value. */
const maybe = (k: string, v: string | undefined): Attr[] => (v ? [[k, v]] : []);

const opAttrs = (p: Primitive, o: Op): Attr[] => [
  ["name", "monitor"],
  ["interval", o.interval],
  ...maybe("role", o.role),
  ["timeout", o.timeout],
  ["id", `${p.id}-monitor-interval-${o.interval}`],
];

function primitiveXml(p: Primitive, pad: string): string[] {
  const [cls, a, b] = p.agent.split(":");
  const head: Array<[string, string]> = b
    ? [
        ["id", p.id],
        ["class", cls!],
        ["type", b],
        ["provider", a!],
      ]
    : [
        ["id", p.id],
        ["class", cls!],
        ["type", a!],
      ];
  return [
    `${pad}<primitive${attrs(head)}>`,
    ...nvpairs("instance_attributes", `${p.id}-instance_attributes`, p.params, `${pad}  `),
    `${pad}  <operations>`,
    ...p.ops.map((o) => `${pad}    <op${attrs(opAttrs(p, o))}/>`),
    `${pad}  </operations>`,
    `${pad}</primitive>`,
  ];
}

function resourceXml(r: Resource, pad: string): string[] {
  const tag = r.kind === "clone" ? "clone" : "group";
  const meta = r.kind === "clone" && r.promotable ? [...r.meta, ["promotable", "true"] as [string, string]] : r.meta;
  const inner = r.kind === "clone" ? primitiveXml(r.prim, `${pad}  `) : r.prims.flatMap((p) => primitiveXml(p, `${pad}  `));
  return [`${pad}<${tag} id="${r.id}">`, ...inner, ...nvpairs("meta_attributes", `${r.id}-meta_attributes`, meta, `${pad}  `), `${pad}</${tag}>`];
}

function constraintXml(k: Constraint, pad: string): string {
  switch (k.kind) {
    case "order": {
      const order: Attr[] = [
        ["id", k.id],
        ["first", k.first],
        ["first-action", k.firstAction],
        ["then", k.then],
        ["then-action", "start"],
      ];
      return `${pad}<rsc_order${attrs(order)}/>`;
    }
    case "colocation": {
      // as pcs writes it: with-rsc-role comes with rsc-role="Started" (test/tools/checkers-ha.test.ts compares the two)
      const roles = { rsc: maybe("rsc-role", k.withRole && "Started"), with: maybe("with-rsc-role", k.withRole) };
      return `${pad}<rsc_colocation${attrs([["id", k.id], ["rsc", k.rsc], ...roles.rsc, ["with-rsc", k.withRsc], ...roles.with, ["score", "INFINITY"]])}/>`;
    }
    case "location":
      return `${pad}<rsc_location${attrs([
        ["id", k.id],
        ["rsc", k.rsc],
        ["node", k.node],
        ["score", String(k.score)],
      ])}/>`;
  }
}

/** The <resources> and <constraints> that pcsCreate writes into an empty CIB, as lines. */
export const cibResources = (c: Cluster): string[] => c.resources.flatMap((r) => resourceXml(r, "    "));
export const cibConstraints = (c: Cluster): string[] => c.constraints.map((k) => constraintXml(k, "    "));
