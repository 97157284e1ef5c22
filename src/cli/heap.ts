// A big inventory's compile makes garbage much faster than it keeps data (the 2,000-host site's YAML
// parse makes about 100 MB of garbage to keep 50 MB), and V8 lets the heap grow to several times what
// is live before a full collection: that, not what is live (under 110 MB once the output streams),
// set its peak RSS. A fixed growing factor makes V8 collect sooner: peak 426 -> about 240 MB for about
// 10% more CPU. Set only for big inventories, once the bundle runs: the code cache (checked against
// V8's flags when the bundle is compiled) was taken already, and small sites, the cold start among
// them, run as before. A gen --all worker that compiles the bundle after this may find its cache
// rejected and compile the bundle instead (tens of ms).
import { v8 } from "./builtin.js";

/** Inventories at least this long (bytes of text) get the fixed growing factor (the 200-host site is about 130 KB). */
export const BIG_INVENTORY = 256 * 1024;
/**
 * V8's heap grows by at most this percent of what a full collection left. 20 while the YAML document (50 MB) was
 * live during the checks; since the plain parse (model/plain-yaml.ts) it is not, and 50 reaches the same peak
 * (2,000 hosts, --check: 244-256 MB against 247-250 MB) with about 10% less CPU (5.4-5.5 s user against 6.0-6.3 s).
 */
export const HEAP_GROWING_PERCENT = 50;

let bounded = false;

/** Bound the heap's growth when the inventory is big; true when it set the flag (in this run, now or before). */
export function boundHeapGrowth(textLength: number, setFlags = (f: string) => v8().setFlagsFromString(f)): boolean {
  if (textLength < BIG_INVENTORY) return bounded;
  if (!bounded) setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  bounded = true;
  return true;
}
