#!/usr/bin/env node
// Scaffold a target, as docs/architecture.md's "Adding a target" says: copies src/targets/_template/
// and templates/_template/ to NAME (renaming what names the template), adds its row at the end of the
// registry (src/targets/index.ts), a golden case's inventory (test/cases/golden/NAME/) and its test
// (test/unit/targets/NAME.test.ts). The scaffold compiles and its test passes as it is; what it
// generates is then yours to write.
//   node scripts/new-target.mjs sysctl
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const name = process.argv[2] ?? "";
if (!/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error("usage: node scripts/new-target.mjs NAME   (lower case letters, digits and dashes)");
  process.exit(2);
}
const root = join(import.meta.dirname, "..");
const ident = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const pairs = [
  [join(root, "src/targets/_template"), join(root, "src/targets", name)],
  [join(root, "templates/_template"), join(root, "templates", name)],
];
const golden = join(root, "test/cases/golden", name);
const testFile = join(root, "test/unit/targets", `${name}.test.ts`);
for (const to of [...pairs.map(([, to]) => to), golden, testFile]) {
  if (existsSync(to)) {
    console.error(`${to} exists already`);
    process.exit(1);
  }
}
for (const [from, to] of pairs) {
  cpSync(from, to, { recursive: true });
  for (const f of readdirSync(to)) {
    const p = join(to, f);
    const text = readFileSync(p, "utf8").replace(/^\/\/ _template: [^\n]*\n(\/\/[^\n]*\n)*/, `// ${name}: what it generates, and why (write it here).\n`);
    writeFileSync(
      p,
      text.replaceAll("_template/", `${name}/`).replaceAll('name: "_template"', `name: "${name}"`).replace("export const template:", `export const ${ident}:`),
    );
  }
}

// the registry: its import, and its row last (its place orders its steps within a phase: move it where it belongs)
const registry = join(root, "src/targets/index.ts");
const reg = readFileSync(registry, "utf8")
  .replace('import type { Target } from "./target.js";', `import { ${ident} } from "./${name}/index.js";\nimport type { Target } from "./target.js";`)
  .replace(/(export const TARGETS: readonly Target\[\] = \[\n[^\]]*?),?\n\];/, `$1, ${ident},\n];`);
writeFileSync(registry, reg);

// a golden case: the jumphost's inventory under the target's name (the template acts on every host)
mkdirSync(golden, { recursive: true });
writeFileSync(
  join(golden, `${name}.yaml`),
  readFileSync(join(root, "inventories/jumphost.yaml"), "utf8")
    .replace("$schema=../src/model/site.schema.json", "$schema=../../../../src/model/site.schema.json")
    .replace(/^site: jumphost$/m, `site: ${name}`),
);

writeFileSync(
  testFile,
  `// ${name}: what its steps do to a live host, applied and undone (write what yours do).
import { describe, expect, it } from "vitest";
import { disruptionContext, stepDisruption } from "../../../src/plan/disruption.js";
import { buildGolden } from "../../helpers/compile.js";

describe("${name}", () => {
  const b = buildGolden("${name}");
  const mine = b.plan.steps.filter((s) => s.id.startsWith("example-"));

  it("plans a step per host, each with its checks and its inverse", () => {
    expect(mine.map((s) => s.host)).toEqual(b.site.hosts.map((h) => h.name));
    for (const s of mine) expect([s.verify.length > 0, s.inverse.length > 0]).toEqual([true, true]);
  });

  it("starting the unit restarts a service, and so does stopping it", () => {
    const ctx = disruptionContext(b.site);
    for (const s of mine) expect([stepDisruption(s, ctx).apply.cls, stepDisruption(s, ctx).inverse.cls]).toEqual(["service", "service"]);
  });
});
`,
);

console.log(`created src/targets/${name}/, templates/${name}/, test/cases/golden/${name}/${name}.yaml and test/unit/targets/${name}.test.ts;
added ${ident} last in TARGETS (src/targets/index.ts). Now:
  1. write what it generates (src/targets/${name}/, templates/${name}/) and what its steps do in its test
  2. UPDATE_GOLDEN=1 npx vitest run test/unit/golden.test.ts, and read test/cases/golden/${name}/expected/
  3. pin its steps' ratings in test/unit/plan/disruption.test.ts (PINS), then npm run format (the scaffold is not formatted), npm run test:fast and npm test`);
