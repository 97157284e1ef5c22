import { runSites } from "./all.js";
import { allSites, finish, type RunOptions } from "./gen.js";

/** gen validate [--site NAME]: check one site, or every site in the inventory folder. Writes nothing. */
export async function runValidate(o: Omit<RunOptions, "out"> & { site?: string }, entry?: URL): Promise<number> {
  const opts = { ...o, out: "" };
  const outcomes = await runSites("validate", opts, o.site !== undefined ? [o.site] : allSites(o.inventory), entry);
  return finish("validate", outcomes, opts, o.site === undefined);
}
