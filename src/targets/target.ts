import type { HostText } from "../plan/types.js";
import { renderLines, type TemplateName } from "../render/hbs.js";

export type { CheckerKind, Target } from "../plan/target.js";

/** A target's REVIEW.md lines for one host, from templates/<name>.hbs (one item a line), in the target's own template folder. */
export const reviewLines = (host: string, name: TemplateName, vm: object): HostText[] => renderLines(name, vm).map((text) => ({ host, text }));
