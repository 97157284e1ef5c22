import type { RuleCode, WarningCode } from "../diag/codes.js";
import type { Diagnostic } from "../diag/diagnostic.js";
import type { Path, Source } from "../model/source.js";
import type { SiteDoc } from "../model/types.js";
import { parseCidr, type Cidr } from "../net/cidr.js";
import { objectName } from "../model/object-name.js";

/** What every semantic rule sees: the document, parsed CIDRs, and a way to report. */
export interface RuleContext {
  doc: SiteDoc;
  /** Parsed network CIDR by network index; undefined when it did not parse (reported by the cidr rule). */
  nets: Array<Cidr | undefined>;
  /** Parsed cidr6 (a dual-stack network's IPv6 prefix) by network index; undefined when absent or unparsed. */
  nets6: Array<Cidr | undefined>;
  /** The prefix of network i that an address of this family belongs to (its cidr when none matches). */
  netFor(i: number, family: 4 | 6): Cidr | undefined;
  /** The site name the caller expects (from the file name). */
  expectedSite: string;
  report(path: Path, code: RuleCode, message: string, help?: string, onKey?: boolean): void;
  /** Like report, as a warning: shown, located, and blocking only under --strict. */
  warn(path: Path, code: WarningCode, message: string, help?: string, onKey?: boolean): void;
}

export type Rule = (ctx: RuleContext) => void;

/** The data rules read (the document, or its sound part) and how a path in it maps to the file. */
export interface RuleView {
  data: unknown;
  toSource(path: Path): Path;
}

export function makeContext(src: Source, expectedSite: string, out: Diagnostic[], view: RuleView = { data: src.data, toSource: (p) => p }): RuleContext {
  const doc = view.data as SiteDoc;
  const parse = (s: string | undefined) => {
    const r = s === undefined ? undefined : parseCidr(s);
    return r && "ok" in r ? r.ok : undefined;
  };
  const nets = doc.networks.map((n) => parse(n.cidr));
  const nets6 = doc.networks.map((n) => parse(n.cidr6));
  // the object is named from the data the rules read, the position from the file
  const located = (path: Path, onKey: boolean) => ({ ...src.at(view.toSource(path), onKey), object: objectName(doc, path) });
  return {
    doc,
    expectedSite,
    nets,
    nets6,
    netFor: (i, family) => (nets6[i]?.family === family && nets[i]?.family !== family ? nets6[i] : nets[i]),
    report(path, code, message, help, onKey = false) {
      out.push({ file: src.file, ...located(path, onKey), code, message, ...(help ? { help } : {}) });
    },
    warn(path, code, message, help, onKey = false) {
      out.push({ severity: "warning", file: src.file, ...located(path, onKey), code, message, ...(help ? { help } : {}) });
    },
  };
}
