import { stringify } from "yaml";

/** The one YAML emitter: keys in the order the view-model builds them, no anchors, no line folding. */
export function toYaml(value: unknown): string {
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0, indent: 2, indentSeq: true });
}
