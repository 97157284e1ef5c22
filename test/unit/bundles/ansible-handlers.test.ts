// The Ansible role's handler (src/bundles/ansible-units.ts): which unit operations follow a file change.
import { describe, expect, it } from "vitest";
import { handlerPositions } from "../../../src/bundles/ansible-units.js";
import { daemonReload, program, unitOp, type Action } from "../../../src/plan/actions.js";

describe("Ansible handlers", () => {
  const install: Action = { kind: "install", dest: "/etc/x.conf", mode: 0o644, src: "x.conf" };
  const remove: Action = { kind: "remove", dest: "/etc/x.conf" };
  const secret: Action = { kind: "secret", dest: "/etc/x.conf", name: "v", prefix: "p", pattern: "x", why: "w" };

  it("a reload or restart after a file change of the same list is a handler, named for what it does", () => {
    expect(handlerPositions([install, unitOp("reload", "a.service")])).toEqual([undefined, "Reload a.service"]);
    expect(handlerPositions([remove, unitOp("restart", "a.service")])).toEqual([undefined, "Restart a.service"]);
    expect(handlerPositions([secret, daemonReload])).toEqual([undefined, "Reload the systemd manager configuration"]);
  });

  it("nothing else is: no file change before it, a command before it, an enable, a restart --now or one guarded on the unit", () => {
    expect(handlerPositions([unitOp("restart", "a.service"), install])).toEqual([undefined, undefined]);
    expect(handlerPositions([program(["true"], { cls: "none", why: "test" }), unitOp("restart", "a.service")])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("enable", "a.service", { now: true })])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("restart", "a.service", { now: true })])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("reload", "a.service", { onlyIfInstalled: true })])).toEqual([undefined, undefined]);
  });
});
