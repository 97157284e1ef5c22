// Sites compiled in process (no CLI, no I/O beyond reading the inventory): fuel-env edited as text, and golden cases.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile, type Build } from "../../src/compile.js";
import { ROOT } from "./gen.js";

export const FUEL_ENV = "inventories/fuel-env.yaml";
export const fuelEnvLock = { text: readFileSync(join(ROOT, "inventories/fuel-env.lock.yaml"), "utf8"), file: "inventories/fuel-env.lock.yaml" };
export const fuelEnvOpts = { site: "fuel-env", source: FUEL_ENV, lock: fuelEnvLock };

const built = (r: ReturnType<typeof compile>): Build => {
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return r.build;
};

/** fuel-env's text (edited), compiled with its lock, or without it when the edit changes what 'auto' allocates. */
export function buildFuelEnv(text: string, withLock = true): Build {
  return built(compile(text, FUEL_ENV, withLock ? fuelEnvOpts : { site: "fuel-env", source: FUEL_ENV }));
}

/** A golden case's site (test/cases/golden/<name>/<name>.yaml). */
export function buildGolden(name: string): Build {
  const file = `test/cases/golden/${name}/${name}.yaml`;
  return built(compile(readFileSync(join(ROOT, file), "utf8"), file, { site: name, source: file }));
}
