import type { Rule } from "../context.js";

/** The site key must match the file it lives in, so `gen --site X` always compiles what it names. */
export const siteName: Rule = (ctx) => {
  if (ctx.doc.site !== ctx.expectedSite) {
    ctx.report(
      ["site"],
      "site-name-mismatch",
      `site '${ctx.doc.site}' is declared in the file for site '${ctx.expectedSite}'`,
      `rename the file to ${ctx.doc.site}.yaml or set 'site: ${ctx.expectedSite}'`,
    );
  }
};
