import type { ErrorObject } from "ajv";
import validate from "../generated/schema-validator.js";
import type { Diagnostic } from "../diag/diagnostic.js";
import type { Path, Source } from "../model/source.js";
import { objectName } from "../model/object-name.js";
import { didYouMean } from "./names.js";

type Json = Record<string, unknown>;

/** What the schema found: every error as a located diagnostic, and where the data's shape is broken. */
export interface SchemaFindings {
  diagnostics: Diagnostic[];
  /** Data paths of the errors that break the shape (a wrong type, a missing key): rules cannot read there. */
  broken: Path[];
}

/** Run the precompiled JSON Schema and turn every error into a located diagnostic. */
export function schemaFindings(src: Source): SchemaFindings {
  if (validate(src.data)) return { diagnostics: [], broken: [] };
  const out: Diagnostic[] = [];
  const broken: Path[] = [];
  const seen = new Set<string>();
  for (const e of (validate.errors ?? []) as ErrorObject[]) {
    if (e.keyword === "if") continue; // its "then" branch already produced the useful error
    const path = instancePath(e);
    const d = toDiagnostic(src, e, path);
    if (!shapeIntact(d)) broken.push(path);
    const key = `${d.line}:${d.col}:${d.code}:${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return { diagnostics: out, broken };
}

/**
 * True when a schema error leaves the data's shape intact (an unknown key, or a value of the right type
 * that is out of range, not one of the allowed words, or badly formed), so semantic rules can read it.
 */
const shapeIntact = (d: Diagnostic): boolean => d.code === "unknown-key" || d.code === "bad-value" || d.code === "bad-format";

const instancePath = (e: ErrorObject): Path =>
  e.instancePath
    .split("/")
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));

/** One schema error with what its message names: the object, the field, and a position at a path (of a key, with key). */
interface Found {
  src: Source;
  e: ErrorObject;
  path: Path;
  p: Json;
  object: string;
  field: string;
  at: (p: Path, key?: boolean) => Pick<Diagnostic, "file" | "line" | "col" | "length" | "object">;
}

function toDiagnostic(src: Source, e: ErrorObject, path: Path): Diagnostic {
  const object = objectName(src.data, path);
  const field = path.length ? String(path[path.length - 1]) : "document";
  const at = (p: Path, key = false) => ({ file: src.file, ...src.at(p, key), object });
  const found: Found = { src, e, path, p: e.params as Json, object, field, at };
  return shapeDiagnostic(found) ?? valueDiagnostic(found);
}

/** A broken shape: a key unknown or missing, a value of the wrong type, a list too short; undefined for any other error. */
function shapeDiagnostic({ e, path, p, object, field, at }: Found): Diagnostic | undefined {
  switch (e.keyword) {
    case "additionalProperties": {
      const k = String(p.additionalProperty);
      const allowed = Object.keys(((e.parentSchema as Json | undefined)?.properties as Json) ?? {});
      return {
        ...at([...path, k], true),
        code: "unknown-key",
        message: `unknown key '${k}'`,
        help: didYouMean(k, allowed) ?? `allowed keys here: ${allowed.join(", ")}`,
      };
    }
    case "required":
      return {
        ...at(path, true),
        code: "missing-key",
        message: `missing required key '${String(p.missingProperty)}'`,
        help: `add '${String(p.missingProperty)}:' to this ${object === "site" ? "document" : object}`,
      };
    case "type":
      return { ...at(path), code: "wrong-type", message: `'${field}' must be ${article(String(p.type))}`, help: typeHelp(String(p.type)) };
    case "minItems":
      return { ...at(path), code: "missing-key", message: `'${field}' must list at least ${String(p.limit)} item(s)`, help: `add an entry under '${field}:'` };
    default:
      return undefined;
  }
}

/** A value of the right type that the schema refuses: not an allowed word, badly formed, or out of range. */
function valueDiagnostic({ src, e, path, p, field, at }: Found): Diagnostic {
  switch (e.keyword) {
    case "enum":
      return {
        ...at(path),
        code: "bad-value",
        message: `'${field}' must be one of: ${(p.allowedValues as unknown[]).join(", ")}`,
        help: didYouMean(String(valueAt(src.data, path)), (p.allowedValues as unknown[]).map(String)) ?? "use one of the listed values",
      };
    case "pattern":
    case "maxLength":
    case "minLength":
      return {
        ...at(path),
        code: "bad-format",
        message: `'${field}' ${JSON.stringify(valueAt(src.data, path))} is not valid`,
        help: schemaDescription(e.parentSchema) ?? `must match ${String(p.pattern ?? "the schema")}`,
      };
    case "minimum":
    case "maximum": {
      const bound = p.comparison === ">=" ? "at least" : "at most";
      return {
        ...at(path),
        code: "bad-value",
        message: `'${field}' must be ${bound} ${String(p.limit)} (it is ${JSON.stringify(valueAt(src.data, path))})`,
        help: schemaDescription(e.parentSchema) ?? `write a number ${bound} ${String(p.limit)}`,
      };
    }
    default:
      // a keyword the cases above do not name (the schema gained one): a value the schema refuses
      return { ...at(path), code: "bad-value", message: `'${field}' ${e.message ?? "is invalid"}` };
  }
}

function article(t: string): string {
  return t === "object" ? "a mapping" : t === "array" ? "a list" : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function typeHelp(t: string): string {
  if (t === "string") return "quote the value if YAML reads it as a number or boolean";
  if (t === "array") return "write a YAML list ('- item' lines) here";
  if (t === "object") return "write a YAML mapping ('key: value' lines) here";
  return `write ${article(t)} here`;
}

function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((n, s) => (n as Json | undefined)?.[s as string], data);
}

function schemaDescription(parent: unknown): string | undefined {
  const d = (parent as Json | undefined)?.description;
  return typeof d === "string" ? d : undefined;
}
