// systemd unit operations as ansible.builtin.systemd_service arguments, and which of them belong to
// the role's handler: a reload or restart (or daemon-reload) that follows a file change in the same
// action list runs because the files changed, so the file tasks notify it.
import type { Action, Unit } from "../plan/actions.js";

const STATE = { restart: "restarted", "try-restart": "restarted", reload: "reloaded" } as const;

/** A unit operation as systemd_service arguments. */
export function systemdArgs(u: Unit): Record<string, unknown> {
  if (u.verb === "daemon-reload") return { daemon_reload: true };
  if (u.verb === "enable" || u.verb === "disable") {
    const enabled = u.verb === "enable";
    return { name: u.unit, enabled, ...(u.now ? { state: enabled ? "started" : "stopped" } : {}) };
  }
  return { name: u.unit, state: STATE[u.verb] };
}

const isFileAction = (a: Action) => a.kind === "install" || a.kind === "remove" || a.kind === "secret";

function handlerName(u: Unit): string | undefined {
  if (u.verb === "daemon-reload") return "Reload the systemd manager configuration";
  // a guarded operation is not a handler: the handler would run it without its guard
  const guarded = u.onlyIfInstalled || u.onlyIfActive;
  if ((u.verb === "reload" || u.verb === "restart") && !u.now && !guarded) return `${u.verb === "reload" ? "Reload" : "Restart"} ${u.unit}`;
  return undefined;
}

/** For each action: what it is as a handler operation (a reload after a file action of the same list), or undefined. */
export function handlerPositions(actions: readonly Action[]): Array<string | undefined> {
  return actions.map((a, i) => (a.kind === "unit" && actions.slice(0, i).some(isFileAction) ? handlerName(a) : undefined));
}
