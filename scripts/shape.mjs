#!/usr/bin/env node
// The shape src/ keeps (the README's style rules): files under 250 lines, top-level functions under
// 40 lines, no line over 160 characters. Prints what exceeds them; exit 1 if anything does.
//   node scripts/shape.mjs [DIR]      (default src)
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export const LIMITS = { fileLines: 250, functionLines: 40, lineChars: 160 };

/** Top-level functions: `function f(` or `const f = (...) =>` at column 0, up to the next line that is `}` or `};` at column 0. */
function functions(lines) {
  const out = [];
  lines.forEach((l, i) => {
    const m = /^(?:export )?(?:async )?function\*? (\w+)|^(?:export )?const (\w+)(?::[^=]+)? = (?:async )?(?:\([^)]*\)|\w+)(?:: [^=]+)? =>/.exec(l);
    if (!m || l.trimEnd().endsWith(";")) return;
    const end = lines.findIndex((x, j) => j > i && /^\}[;)]*,?$/.test(x));
    if (end > 0) out.push({ name: m[1] ?? m[2], line: i + 1, length: end - i + 1 });
  });
  return out;
}

export function shapeProblems(dir) {
  const problems = [];
  const files = readdirSync(dir, { recursive: true }).filter((f) => /\.(ts|mjs|js)$/.test(f) && !String(f).includes("generated"));
  for (const f of files.sort()) {
    const path = join(dir, f);
    const name = relative(process.cwd(), path);
    const lines = readFileSync(path, "utf8").split("\n");
    if (lines.length - 1 > LIMITS.fileLines) problems.push(`${name}: ${lines.length - 1} lines (at most ${LIMITS.fileLines})`);
    lines.forEach((l, i) => { if (l.length > LIMITS.lineChars) problems.push(`${name}:${i + 1}: ${l.length} characters (at most ${LIMITS.lineChars})`); });
    for (const fn of functions(lines)) {
      if (fn.length > LIMITS.functionLines) problems.push(`${name}:${fn.line}: function ${fn.name} is ${fn.length} lines (at most ${LIMITS.functionLines})`);
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = shapeProblems(process.argv[2] ?? "src");
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} problem(s)` : "shape ok");
  process.exitCode = problems.length ? 1 : 0;
}
