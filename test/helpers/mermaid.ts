// Mermaid's own parser (the mermaid package) under a DOM shim (happy-dom): a diagram that
// GitHub or GitLab would refuse to draw fails here.
import { Window } from "happy-dom";

type Mermaid = { initialize(c: object): void; parse(text: string): Promise<{ diagramType: string }> };
let loaded: Promise<Mermaid> | undefined;

export function mermaid(): Promise<Mermaid> {
  loaded ??= (async () => {
    const w = new Window();
    Object.assign(globalThis, { window: w, document: w.document });
    const m = (await import("mermaid")).default as unknown as Mermaid;
    m.initialize({ startOnLoad: false, securityLevel: "strict" });
    return m;
  })();
  return loaded;
}

/** Every ```mermaid block of a markdown text. */
export const mermaidBlocks = (md: string): string[] => [...md.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
