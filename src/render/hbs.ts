// One isolated handlebars instance over the templates precompiled by scripts/build.mjs
// (strict: a missing field is an error, noEscape: output is not HTML).
import Handlebars from "handlebars/runtime.js";
import { specs } from "../generated/templates.js";
import { shq, shWords } from "./shell-quote.js";

const hb = Handlebars.create();
hb.registerHelper("shq", (s: unknown) => shq(String(s)));
hb.registerHelper("words", (a: unknown) => shWords(a as string[]));
hb.registerHelper("eq", (a: unknown, b: unknown) => a === b);

const compiled = new Map<string, Handlebars.TemplateDelegate>();
for (const [name, spec] of Object.entries(specs)) {
  const t = hb.template(spec as Handlebars.TemplateSpecification);
  compiled.set(name, t);
  hb.registerPartial(name, t);
}

/** Render templates/<name>.hbs with a view-model. */
export function render(name: string, vm: object): string {
  const t = compiled.get(name);
  if (!t) throw new Error(`no template templates/${name}.hbs`);
  return t(vm);
}
