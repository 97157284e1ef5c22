#!/usr/bin/env node
"use strict";
// gen's bin (scripts/build.mjs copies this to dist/gen.cjs): runs the bundled CLI, dist/sitegen.cjs, with
// V8's code cache for it, dist/sitegen.cache, so a cold start skips parsing and compiling ~1 MB of
// JavaScript. Without the cache, or on a node that rejects it, the bundle is compiled as usual.
// CommonJS: an ES module entry costs node's ESM loader about 5 ms of CPU more.
const { readFileSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
const { Script } = require("node:vm");

const bundle = join(__dirname, "sitegen.cjs");
// Making the cache (SITEGEN_CODE_CACHE_OUT, below) starts from a fresh compile, so it is the same bytes each time.
const making = process.env.SITEGEN_CODE_CACHE_OUT;
let cachedData;
try {
  cachedData = making ? undefined : readFileSync(join(__dirname, "sitegen.cache"));
} catch {
  /* no cache: compile */
}
// One line of wrapper, so line numbers in stack traces stay those of sitegen.cjs.
const code = `(function (exports, require, module, __filename, __dirname, __sitegenEntry) {${readFileSync(bundle, "utf8")}\n})`;
// The cache holds the script's name, so it is the same wherever the package is (a path would differ by checkout);
// stack traces name the bundle by it.
const script = new Script(code, { filename: "sitegen/dist/sitegen.cjs", cachedData });
// bench/run.mjs and test/bin/code-cache.test.ts read whether V8 took the cache (printed before the CLI's own stats line).
if (process.env.SITEGEN_STATS) {
  process.on("exit", () => process.stderr.write(`code_cache=${!cachedData ? "none" : script.cachedDataRejected ? "rejected" : "used"}\n`));
}
const mod = { exports: {} };
// The entry passed on is this file: gen --all's worker threads start from it too.
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, __dirname, pathToFileURL(__filename).href);
// scripts/build.mjs makes the cache from one run on the jumphost seed (the functions a run compiles).
if (making) process.on("exit", () => writeFileSync(making, script.createCachedData()));
