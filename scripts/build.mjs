// Build: generate src/generated/ (scripts/generate.mjs: the schema validator and the templates
// compiled ahead of time, so a cold `gen` loads neither ajv's compiler nor handlebars' parser), then run tsc.
import { chmodSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { build as esbuild } from "esbuild";
import "./generate.mjs";

const root = new URL("..", import.meta.url).pathname;

// TypeScript.
rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(root, "tsconfig.json")], { stdio: "inherit" });

// One bundled file for the `gen` bin: a cold start then reads one module instead of ~150
// (yaml alone is ~80 files), about 60 ms less on this machine. CommonJS, without its shebang line,
// so that the bin, dist/gen.cjs (scripts/gen-entry.cjs), can run it from V8's code cache (below).
const cjs = join(root, "dist/sitegen.cjs");
// commander loads child_process (for git-style subcommands, which gen has none of) when it is loaded:
// about 2 ms of every cold start. It gets a stand-in that loads child_process on first use.
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    const fromCommander = (a) => a.importer.includes("/node_modules/commander/");
    b.onResolve({ filter: /^node:child_process$/ }, (a) => (fromCommander(a) ? { path: "child_process", namespace: "lazy" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      contents: 'let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require("node:child_process"))[k] });',
      loader: "js",
    }));
  },
};
await esbuild({
  entryPoints: [join(root, "dist/cli/main.js")],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
  // names are kept (no identifier minifying): about 10 ms less to read and parse on a cold start
  minifyWhitespace: true,
  minifySyntax: true,
  define: { "import.meta.url": "__sitegenEntry" },
  outfile: cjs,
  plugins: [lazyChildProcess],
});
writeFileSync(cjs, readFileSync(cjs, "utf8").replace(/^#!.*\n/, ""));
const entry = join(root, "dist/gen.cjs");
writeFileSync(entry, readFileSync(join(root, "scripts/gen-entry.cjs"), "utf8"));
chmodSync(entry, 0o755);
// `node dist/gen.mjs` (the command before the bin was CommonJS) still works: it runs the bin.
const esm = join(root, "dist/gen.mjs");
writeFileSync(
  esm,
  '#!/usr/bin/env node\n// Runs the bin, dist/gen.cjs (scripts/build.mjs); starting from it directly is about 5 ms quicker.\nimport "./gen.cjs";\n',
);
chmodSync(esm, 0o755);

// The code cache: the bytecode of what one run on the jumphost seed compiles (25 ms of a 100 ms
// cold start here). A fixed V8 random seed makes it the same bytes on every build; the seed is not
// part of the flags V8 checks when it loads the cache, so gen runs without it.
const scratch = mkdtempSync(join(tmpdir(), "sitegen-build-"));
try {
  execFileSync(process.execPath, ["--random-seed=1", entry, "--site", "jumphost", "--inventory", join(root, "inventories"), "--out", scratch, "-q"], {
    stdio: "inherit",
    env: { ...process.env, SITEGEN_CODE_CACHE_OUT: join(root, "dist/sitegen.cache") },
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
