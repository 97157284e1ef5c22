// One isolated handlebars instance over the templates precompiled by scripts/build.mjs
// (strict: a missing field is an error, noEscape: output is not HTML).
import type HandlebarsFull from "handlebars";
import runtime from "handlebars/runtime.js";
import { specs } from "../generated/templates.js";
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

const compiled = new Map<string, HandlebarsFull.TemplateDelegate>();
for (const [name, spec] of Object.entries(specs)) {
  const t = hb.template(spec as unknown as Parameters<typeof hb.template>[0]);
  compiled.set(name, t);
  hb.registerPartial(name, t);
}

/** A template that writes one item a line (REVIEW.md's notes and tests): its non-empty lines. */
export function renderLines(name: string, vm: object): string[] {
  return render(name, vm).split("\n").filter((l) => l.trim() !== "");
}

/** Render templates/<name>.hbs with a view-model. */
export function render(name: string, vm: object): string {
  const t = compiled.get(name);
  if (!t) throw new Error(`no template templates/${name}.hbs`);
  return t(vm);
}
