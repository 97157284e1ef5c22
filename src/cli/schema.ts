import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { schemaText } from "../generated/schema-text.js";

/** The $id every copy of the schema carries, wherever it is stored (package, checkout, `gen schema -o`). */
export const SCHEMA_ID = (JSON.parse(schemaText) as { $id: string }).$id;

/** gen schema [--output FILE]: the site schema, byte for byte as the package ships it. */
export function runSchema(o: { output?: string; quiet?: boolean }): number {
  if (!o.output) {
    process.stdout.write(schemaText);
    return 0;
  }
  mkdirSync(dirname(o.output), { recursive: true });
  writeFileSync(o.output, schemaText);
  if (!o.quiet) process.stdout.write(`${o.output}: wrote the site schema (${SCHEMA_ID})\n`);
  return 0;
}
