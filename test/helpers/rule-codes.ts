// The rule and warning codes as the source defines them (src/diag/codes.ts), as plain strings: the
// tests compare them with codes read from .expected files.
import { RULE_CODES as RULES, WARNING_CODES as WARNINGS } from "../../src/diag/codes.js";

export const RULE_CODES: readonly string[] = RULES;
export const WARNING_CODES: readonly string[] = WARNINGS;
