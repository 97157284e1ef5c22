/**
 * Free text (a site's description, a router's name, a title naming them) as literal Markdown: a '|' would end a
 * table cell, '<' open raw HTML, '*', '`' or '[' format or link. None of these can be in a name, so a title made of
 * names stays as it was ('_' can, and is left alone: REVIEW.md puts a host's names back into its shared runbook).
 */
export const mdText = (s: string): string =>
  // most titles hold none of these: one test instead of four replaces (17,000 titles on the 2,000-host site)
  !/[&<>\\`*[\]|]/.test(s)
    ? s
    : s
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/[\\`*[\]|]/g, "\\$&");
