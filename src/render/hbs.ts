// One isolated handlebars instance over the templates precompiled by scripts/build.mjs
// (strict: a missing field is an error, noEscape: output is not HTML).
import type HandlebarsFull from "handlebars";
import runtime from "handlebars/runtime.js";
import { specs, type TemplateName } from "../generated/templates.js";

export type { TemplateName } from "../generated/templates.js";
import { shq, shWords } from "./shell-quote.js";

// The runtime build has the same API as the full one, minus the template compiler.
const Handlebars = runtime as unknown as typeof HandlebarsFull;
const hb = Handlebars.create();
hb.registerHelper("shq", (s: unknown) => shq(String(s)));
hb.registerHelper("words", (a: unknown) => shWords(a as string[]));
hb.registerHelper("eq", (a: unknown, b: unknown) => a === b);
hb.registerHelper("inc", (n: unknown) => Number(n) + 1);
// list(["a", "b", "c"]) is "a, b and c": a note about several things says it once
hb.registerHelper("list", (a: unknown) => {
  const xs = (a as unknown[]).map(String);
  return xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`;
});
// concat(a, b, ..., options): handlebars passes its options object last
hb.registerHelper("concat", (...args: unknown[]) => args.slice(0, -1).map(String).join(""));

// A template is made on first use (as a partial too: handlebars reads hb.partials[name]), so a run
// builds only the templates of the targets its site uses.
const compiled = new Map<string, HandlebarsFull.TemplateDelegate>();
function template(name: TemplateName): HandlebarsFull.TemplateDelegate | undefined {
  let t = compiled.get(name);
  const spec = specs[name];
  if (!t && spec) compiled.set(name, (t = hb.template(spec() as Parameters<typeof hb.template>[0])));
  return t;
}
for (const name of Object.keys(specs) as TemplateName[]) Object.defineProperty(hb.partials, name, { get: () => template(name), enumerable: true });

/** A template that writes one item a line (REVIEW.md's notes and tests): its non-empty lines. */
export function renderLines(name: TemplateName, vm: object): string[] {
  return render(name, vm)
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/** Render templates/<name>.hbs with a view-model (tsc refuses a name no template has: TemplateName is generated). */
export function render(name: TemplateName, vm: object): string {
  const t = Object.hasOwn(specs, name) ? template(name) : undefined;
  if (!t) throw new Error(`no template templates/${name}.hbs`);
  return t(vm);
}
