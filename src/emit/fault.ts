// Fault injection for the atomic-write tests: SITEGEN_FAULT=<point> makes gen SIGKILL itself at that point,
// as a power cut or an OOM kill would. Unset (always, outside the tests) it does nothing.
const POINTS = new Set(["tree-half-written", "tree-written", "between-renames", "after-renames"]);

export function fault(point: string): void {
  const want = process.env.SITEGEN_FAULT;
  if (want === undefined || want !== point) return;
  if (!POINTS.has(want)) throw new Error(`SITEGEN_FAULT=${want}: not a fault point`);
  process.kill(process.pid, "SIGKILL");
}
