// npm test's tiers, in two vitest processes at once: the guest tier (a qemu guest under software emulation, mostly
// one core and timed windows it waits out) beside the others (unit, bin, tools, netns: one after another, as
// vitest.config.ts orders them, with v8 coverage of src/). They share no name: the guest's networks and namespaces
// are inside the guest, its port forwards on free loopback ports. Run one after the other they took about 50
// minutes on the two-core machine; side by side the guest tier's ~25 is hidden behind the others' ~22.
// The guest tier's output is kept in .cache/guest-tier.log and printed whole when both are done (two reporters
// interleaved line by line are unreadable); the exit status fails if either failed.
//   node scripts/test-tiers.mjs            (npm test runs it after the format check, the build and the type check)
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const vitest = join(root, "node_modules/.bin/vitest");
const log = join(root, ".cache/guest-tier.log");
mkdirSync(join(root, ".cache"), { recursive: true });

/** One vitest process; resolves with its exit status (a signal counts as a failure). */
function run(args, out) {
  return new Promise((resolve) => {
    const p = spawn(vitest, ["run", ...args], { cwd: root, stdio: ["ignore", out ?? "inherit", out ?? "inherit"] });
    p.on("exit", (code, signal) => resolve(signal ? 1 : (code ?? 1)));
    p.on("error", (e) => {
      console.error(`test-tiers: could not start vitest: ${e.message}`);
      resolve(1);
    });
  });
}

const guestOut = createWriteStream(log);
await new Promise((resolve) => guestOut.on("open", resolve));
const started = Date.now();
const minutes = () => ((Date.now() - started) / 60_000).toFixed(1);
const guest = run(["--project", "guest", "--reporter", "default"], guestOut).then((code) => {
  console.log(`\n[test-tiers] the guest tier ended (exit ${code}) after ${minutes()} min; its output follows the others'.`);
  return code;
});
const others = await run(["--coverage", "--project", "unit", "--project", "bin", "--project", "tools", "--project", "netns"]);
console.log(`\n[test-tiers] unit, bin, tools and netns ended (exit ${others}) after ${minutes()} min${others ? "" : "; waiting for the guest tier"}.`);
const guestCode = await guest;
guestOut.end();
console.log(`\n[test-tiers] the guest tier (${log}):\n`);
process.stdout.write(readFileSync(log, "utf8"));
console.log(`\n[test-tiers] unit, bin, tools, netns: ${others ? "FAILED" : "passed"}; guest: ${guestCode ? "FAILED" : "passed"}; ${minutes()} min in all.`);
process.exit(others || guestCode ? 1 : 0);
