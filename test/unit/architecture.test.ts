// The architecture's rules, checked on the source: each layer imports only itself and the layers
// below it (docs/architecture.md names them in this order), and the pure core does no I/O.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/gen.js";

/** Lowest first: a module may import from its own layer and those before it. */
export const LAYERS = [
  "generated",
  "diag",
  "net",
  "model",
  "validate",
  "alloc",
  "resolve",
  "plan",
  "render",
  "targets",
  "drift",
  "bundles",
  "compile.ts",
  "transition",
  "emit",
  "cli",
] as const;

const SRC = join(ROOT, "src");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
const layerOf = (file: string): string => relative(SRC, file).split("/")[0]!;
const rank = (layer: string): number => LAYERS.indexOf(layer as (typeof LAYERS)[number]);

/** [importing file, imported file] for every relative import in src/. */
function imports(): Array<[string, string]> {
  return files(SRC)
    .filter((f) => !f.includes("/generated/"))
    .flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/^(?:import|export)[^;]*? from "(\.[^"]+)";/gm)].map((m): [string, string] => [
        f,
        normalize(join(dirname(f), m[1]!.replace(/\.js$/, ".ts"))),
      ]),
    );
}

describe("architecture", () => {
  it("every folder of src/ has its place in the layer order", () => {
    const layers = new Set(files(SRC).map(layerOf));
    expect([...layers].filter((l) => rank(l) < 0)).toEqual([]);
  });

  it("no layer imports one above it", () => {
    const up = imports()
      .filter(([from, to]) => rank(layerOf(to)) > rank(layerOf(from)))
      .map(([from, to]) => `${relative(ROOT, from)} imports ${relative(ROOT, to)}`);
    expect(up).toEqual([]);
  });

  it("the check would catch an upward import", () => {
    expect(rank("plan")).toBeLessThan(rank("targets"));
    expect(rank("model")).toBeLessThan(rank("validate"));
    expect(rank("drift")).toBeLessThan(rank("bundles"));
  });

  it("the pure core (everything below the emit and cli layers) reads and writes no files", () => {
    const core = files(SRC).filter((f) => rank(layerOf(f)) < rank("emit") && !f.includes("/generated/"));
    const io = core.filter((f) => /from "node:(fs|fs\/promises|child_process)"/.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));
    expect(io).toEqual([]);
  });
});
