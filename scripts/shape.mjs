#!/usr/bin/env node
// The shape src/ keeps (docs/architecture.md's style rules): files under 250 lines, top-level functions under
// 40 lines, no line over 160 characters. Prints what exceeds them; exit 1 if anything does.
// test/unit/shape.test.ts enforces the same check through shapeProblems.
//   node scripts/shape.mjs [DIR]      (default src)
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export const LIMITS = { fileLines: 250, functionLines: 40, lineChars: 160 };

const DECLARATION = /^(?:export )?(?:async )?function\*? (\w+)|^(?:export )?const (\w+)(?::[^=]+)? = (?:async )?(?:\([^)]*\)|\w+)(?:: [^=]+)? =>/;

/** A line at column 0 made only of closing brackets and `;` or `,`: `}`, `};`, `});`, `];`. */
const CLOSER = /^[\]})][\]});,]*$/;

/**
 * Top-level functions: `function f(` or `const f = (...) =>` at column 0. A body whose first line ends in
 * an opening bracket runs to the next closing line at column 0; an arrow's body continued on indented
 * lines runs to the first line ending in `;` (so a two-line helper above a class is not measured to the class's end).
 */
function functions(lines) {
  const out = [];
  lines.forEach((l, i) => {
    const m = DECLARATION.exec(l);
    const line = l.trimEnd();
    if (!m || line.endsWith(";")) return;
    const indented = m[2] !== undefined && !/[{[(]$/.test(line);
    const end = lines.findIndex((x, j) => j > i && (indented ? x.trimEnd().endsWith(";") : CLOSER.test(x)));
    if (end > 0) out.push({ name: m[1] ?? m[2], line: i + 1, length: end - i + 1 });
  });
  return out;
}

/** What in one file's text exceeds the limits, each as `name[:line]: what (at most N)`. */
export function fileProblems(name, text) {
  const problems = [];
  const lines = text.split("\n");
  const count = lines.length - (text.endsWith("\n") ? 1 : 0);
  if (count > LIMITS.fileLines) problems.push(`${name}: ${count} lines (at most ${LIMITS.fileLines})`);
  lines.forEach((l, i) => {
    if (l.length > LIMITS.lineChars) problems.push(`${name}:${i + 1}: ${l.length} characters (at most ${LIMITS.lineChars})`);
  });
  for (const fn of functions(lines)) {
    if (fn.length > LIMITS.functionLines) problems.push(`${name}:${fn.line}: function ${fn.name} is ${fn.length} lines (at most ${LIMITS.functionLines})`);
  }
  return problems;
}

/** The sources under dir (ts, mjs, js; not generated ones), sorted, each as its path and its name relative to root. */
export function sourceFiles(dir, root = process.cwd()) {
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.includes("generated"));
  return files.sort().map((f) => ({ path: join(dir, f), name: relative(root, join(dir, f)) }));
}

/** Everything under dir that exceeds the limits, named relative to root (the repository when run from it). */
export const shapeProblems = (dir, root = process.cwd()) => sourceFiles(dir, root).flatMap((f) => fileProblems(f.name, readFileSync(f.path, "utf8")));

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = shapeProblems(process.argv[2] ?? "src");
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} problem(s)` : "shape ok");
  process.exitCode = problems.length ? 1 : 0;
}
