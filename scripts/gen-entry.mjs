#!/usr/bin/env node
// gen's entry (scripts/build.mjs copies this to dist/gen.mjs): runs the bundled CLI, dist/gen.cjs, with
// V8's code cache for it, dist/gen.cache, so a cold start skips parsing and compiling ~1 MB of
// JavaScript. Without the cache, or on a node that rejects it, the bundle is compiled as usual.
// Built-ins through process.getBuiltinModule (node 20.16 and later): an ESM import of each would make
// the loader build a module facade for it, about 1 ms of the cold start.
const builtin = process.getBuiltinModule ?? (await import("node:module")).createRequire(import.meta.url);
const { readFileSync, writeFileSync } = builtin("node:fs");
const { createRequire } = builtin("node:module");
const { dirname } = builtin("node:path");
const { fileURLToPath } = builtin("node:url");
const { Script } = builtin("node:vm");

const bundle = fileURLToPath(new URL("./gen.cjs", import.meta.url));
// Making the cache (SITEGEN_CODE_CACHE_OUT, below) starts from a fresh compile, so it is the same bytes each time.
const making = process.env.SITEGEN_CODE_CACHE_OUT;
let cachedData;
try { cachedData = making ? undefined : readFileSync(new URL("./gen.cache", import.meta.url)); } catch { /* no cache: compile */ }
// One line of wrapper, so line numbers in stack traces stay those of gen.cjs.
const code = `(function (exports, require, module, __filename, __dirname, __sitegenEntry) {${readFileSync(bundle, "utf8")}\n})`;
// The cache holds the script's name, so it is the same wherever the package is (a path would differ by checkout);
// stack traces name the bundle by it.
const script = new Script(code, { filename: "sitegen/dist/gen.cjs", cachedData });
// bench/run.mjs and test/code-cache.test.ts read whether V8 took the cache (printed before the CLI's own stats line).
if (process.env.SITEGEN_STATS) {
  process.on("exit", () => process.stderr.write(`code_cache=${!cachedData ? "none" : script.cachedDataRejected ? "rejected" : "used"}\n`));
}
const module = { exports: {} };
// The entry passed on is this file: gen --all's worker threads start from it too.
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), import.meta.url);
// scripts/build.mjs makes the cache from one run on the jumphost seed (the functions a run compiles).
if (making) process.on("exit", () => writeFileSync(making, script.createCachedData()));
