// "Install this generated file": the file in out/, the action that installs it and its inverse, made
// together so they cannot disagree (compile() also refuses an install whose file is missing).
import type { FileMode, Install, Remove } from "./actions.js";
import type { Artifact } from "./types.js";

export interface Installed {
  artifact: Artifact;
  install: Install;
  remove: Remove;
}

/** Where the copy of dest lives in out/<site>/. */
export const filesPath = (host: string, dest: string) => `hosts/${host}/files${dest}`;

/** A 0600 file (netplan's) is kept 0644 in out/, where git keeps no other mode, and installed 0600. */
export function installed(host: string, dest: string, content: string, mode: FileMode = 0o644): Installed {
  return {
    artifact: { path: filesPath(host, dest), content, mode: mode === 0o755 ? 0o755 : 0o644 },
    install: { kind: "install", dest, mode },
    remove: { kind: "remove", dest },
  };
}
