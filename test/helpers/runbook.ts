// A host's runbook as REVIEW.md gives it: the site's REVIEW.md is the one runbook (no host has a file of
// its own), so a host's part is its own section, or its group's ("Hosts like h0") with the host's own
// names and addresses put in (review-shape's masked/filled, as the group's table lists them).
import { filled, masked, slotsOf } from "../../src/bundles/review-shape.js";
import type { Build } from "../../src/compile.js";

const fileOf = (b: Build, path: string) => b.files.find((f) => f.path === path)?.content;

/** The host's runbook text and how many clicks from REVIEW.md its values are (0: in REVIEW.md, 1: in a review/ table). */
export function runbookOf(b: Build, host: string): { text: string; clicks: number } {
  const md = fileOf(b, "REVIEW.md")!;
  const slots = (name: string) =>
    slotsOf(
      b.site,
      b.site.hosts.find((h) => h.name === name)!,
    );
  for (const section of md.split(/^(?=## )/m)) {
    const first = /^## Hosts? (?:like )?(\S+) \(/.exec(section)?.[1];
    if (!first) continue;
    const tableFile = /\]\((review\/hosts-like-[^)]+\.md)\)/.exec(section)?.[1];
    const rows = tableFile ? fileOf(b, tableFile)! : section;
    if (first !== host && !rows.includes(`| [${host}](`)) continue;
    const text = first === host ? section : filled(masked(section, slots(first)), slots(host));
    return { text, clicks: first === host || !tableFile ? 0 : 1 };
  }
  throw new Error(`REVIEW.md has no section or table row for host ${host}`);
}
