// systemd unit operations as ansible.builtin.systemd_service, and which of them are handlers: a
// reload or restart (or daemon-reload) that follows a file change in the same action list runs
// because the files changed, so it is notified by them.
import type { Action, Unit } from "../plan/actions.js";
import type { Task } from "./ansible-words.js";

/** In check mode a unit installed by this run exists only as a predicted copy: systemd cannot know it yet. */
export const CHECK_MODE_UNITS = { ignore_errors: "{{ ansible_check_mode }}" };

const STATE = { restart: "restarted", reload: "reloaded" } as const;

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
  if ((u.verb === "reload" || u.verb === "restart") && !u.now && !u.onlyIfInstalled) return `${u.verb === "reload" ? "Reload" : "Restart"} ${u.unit}`;
  return undefined;
}

/** For each action: the handler it becomes (a reload after a file action of the same list), or undefined. */
export function handlerPositions(actions: Action[]): Array<string | undefined> {
  return actions.map((a, i) => (a.kind === "unit" && actions.slice(0, i).some(isFileAction) ? handlerName(a) : undefined));
}

export const unitOf = (u: Unit): string | undefined => (u.verb === "daemon-reload" ? undefined : u.unit);

function handlerTask(u: Unit, name: string): Task {
  return { name, "ansible.builtin.systemd_service": systemdArgs(u), ...(unitOf(u) ? CHECK_MODE_UNITS : {}) };
}

/** Every handler the action lists need, once each, in first-use order. */
export function handlersFor(lists: Action[][]): Task[] {
  const seen = new Map<string, Task>();
  for (const actions of lists) {
    handlerPositions(actions).forEach((name, i) => {
      const a = actions[i]!;
      if (name && a.kind === "unit" && !seen.has(name)) seen.set(name, handlerTask(a, name));
    });
  }
  return [...seen.values()];
}
