#!/usr/bin/env node
// Scaffold a target: copies src/targets/_template/ and templates/_template/ to NAME, renaming what
// names the template. What is left is yours: the registry row (src/targets/index.ts) and a golden
// case (test/cases/golden/<case>/), as the README's "Adding a target" section says.
//   node scripts/new-target.mjs sysctl
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const name = process.argv[2] ?? "";
if (!/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error("usage: node scripts/new-target.mjs NAME   (lower case letters, digits and dashes)");
  process.exit(2);
}
const root = join(import.meta.dirname, "..");
const ident = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const pairs = [[join(root, "src/targets/_template"), join(root, "src/targets", name)], [join(root, "templates/_template"), join(root, "templates", name)]];
for (const [, to] of pairs) {
  if (existsSync(to)) { console.error(`${to} exists already`); process.exit(1); }
}
for (const [from, to] of pairs) {
  cpSync(from, to, { recursive: true });
  for (const f of readdirSync(to)) {
    const p = join(to, f);
    const text = readFileSync(p, "utf8").replace(/^\/\/ _template: [^\n]*\n(\/\/[^\n]*\n)*/, `// ${name}: what it generates, and why (write it here).\n`);
    writeFileSync(p, text.replaceAll("_template/", `${name}/`).replaceAll('name: "_template"', `name: "${name}"`).replace("export const template:", `export const ${ident}:`));
  }
}
console.log(`created src/targets/${name}/ and templates/${name}/. Now:
  1. add ${ident} to TARGETS in src/targets/index.ts (its place orders its steps within a phase)
  2. add a golden case: test/cases/golden/<case>/<case>.yaml, then UPDATE_GOLDEN=1 npx vitest run test/unit/golden.test.ts
  3. npm test (checker-coverage.test.ts holds its files to its checkedBy)`);
