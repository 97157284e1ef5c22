// No mutable IR after resolve: the resolved Site and the Plan are readonly all the way down, in their types.
// `npm run typecheck` fails if a field, array, Map or Set anywhere in them becomes writable again (MutablePaths
// names its path) or if one of the mutations below compiles. At run time, every inventory's and golden case's
// Site and Plan are deep-frozen (here only: the pipeline never freezes) and planned and rendered again, so a
// write that a cast hides throws.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputFiles, prepare, type Prepared } from "../../../src/compile.js";
import { buildPlan } from "../../../src/plan/build.js";
import type { Contribution, Plan } from "../../../src/plan/types.js";
import type { Site } from "../../../src/resolve/site.js";
import type { HaRouter } from "../../../src/resolve/vrouter.js";
import { TARGETS } from "../../../src/targets/index.js";
import { ROOT } from "../../helpers/gen.js";

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type Primitive = string | number | bigint | boolean | symbol | null | undefined;
/** The keys of T that can be assigned. */
type WritableKeys<T> = { [K in keyof T]-?: Equal<{ [Q in K]: T[K] }, { -readonly [Q in K]: T[K] }> extends true ? K : never }[keyof T];

/** Where T can be changed in place: each writable field, mutable array, Map or Set, by its path (never: nowhere). */
type MutablePaths<T, P extends string = ""> = T extends Primitive | ((...args: never[]) => unknown)
  ? never
  : T extends ReadonlyArray<infer E>
    ? (T extends unknown[] ? `${P} (an array)` : never) | MutablePaths<E, `${P}[]`>
    : T extends ReadonlyMap<infer K, infer V>
      ? (T extends Map<K, V> ? `${P} (a Map)` : never) | MutablePaths<K, `${P}.key`> | MutablePaths<V, `${P}.value`>
      : T extends ReadonlySet<infer E>
        ? (T extends Set<E> ? `${P} (a Set)` : never) | MutablePaths<E, `${P}.item`>
        : { [K in keyof T & string]-?: (K extends WritableKeys<T> ? `${P}.${K}` : never) | MutablePaths<T[K], `${P}.${K}`> }[keyof T & string];

/** Compiles only when T is never; otherwise tsc prints T: the paths that are writable. */
type None<T extends never> = T;

// The checker itself finds what is writable (so `never` below means something).
type Found = MutablePaths<{ a: string[]; readonly b: { c: number }; readonly d: ReadonlyMap<string, Set<string>>; readonly e: readonly [string] | { f: 1 } }>;
const found: Equal<Found, ".a" | ".a (an array)" | ".b.c" | ".d.value (a Set)" | ".e.f"> = true;

/** The Site, a router narrowed to its failover (targets read it so), what a target contributes and the Plan. */
export type ReadonlyIr = [None<MutablePaths<Site>>, None<MutablePaths<HaRouter>>, None<MutablePaths<Contribution>>, None<MutablePaths<Plan>>];

/** Never called: each line must fail to compile. */
export function mutations(site: Site, plan: Plan): void {
  const host = site.hosts[0]!;
  const step = plan.steps[0]!;
  // @ts-expect-error a field of the Site
  site.name = "other";
  // @ts-expect-error a list of the Site
  site.hosts.push(host);
  // @ts-expect-error sorting in place
  site.networks.sort();
  // @ts-expect-error deep in a host
  host.bridges[0]!.ports.push("eth9");
  // @ts-expect-error a host's nested object
  host.forwarding.ipv4 = true;
  // @ts-expect-error a router's failover
  site.vrouters[0]!.ha!.preempt = true;
  // @ts-expect-error a list of the Plan
  plan.steps = [];
  // @ts-expect-error a step's actions
  step.apply.push(step.inverse[0]!);
  // @ts-expect-error a check's parameters
  step.verify[0]!.params = { unit: "x" };
  // @ts-expect-error a gate
  plan.gates[0]!.host = "other";
  // @ts-expect-error an artifact's text
  plan.artifacts[0]!.content = "";
  // @ts-expect-error the final verify
  plan.checks.splice(0);
}

/** obj and everything it reaches, frozen. */
function deepFreeze<T>(obj: T): T {
  if (typeof obj !== "object" || obj === null || Object.isFrozen(obj)) return obj;
  for (const v of Object.values(obj)) deepFreeze(v);
  return Object.freeze(obj);
}

describe("no mutable IR after resolve", () => {
  it("the type checker's probe finds what is writable", () => expect(found).toBe(true));

  const sites = [
    ...readdirSync(join(ROOT, "inventories"))
      .filter((f) => !f.endsWith(".lock.yaml"))
      .map((f) => `inventories/${f}`),
    ...readdirSync(join(ROOT, "test/cases/golden")).map((n) => `test/cases/golden/${n}/${n}.yaml`),
  ];
  for (const file of sites) {
    it(`${file}: planning from a frozen Site and rendering a frozen Plan give the same output`, () => {
      const name = basename(file, ".yaml");
      const text = readFileSync(join(ROOT, file), "utf8");
      const lockFile = file.replace(/\.yaml$/, ".lock.yaml");
      const lock = existsSync(join(ROOT, lockFile)) ? { lock: { text: readFileSync(join(ROOT, lockFile), "utf8"), file: lockFile } } : {};
      const p = prepare(text, file, { site: name, source: file, ...lock });
      if (!p.ok) throw new Error(p.diagnostics.map((d) => d.message).join("\n"));
      const before = [...outputFiles(p.build)];
      expect(before.length).toBeGreaterThanOrEqual(8); // roosevelt, the smallest: 8 files
      const site = deepFreeze(p.build.site);
      const plan = deepFreeze(buildPlan(site, TARGETS));
      expect(plan).toEqual(p.build.plan);
      const frozen: Prepared = { ...p.build, site, plan };
      expect([...outputFiles(frozen)]).toEqual(before);
    });
  }
});
