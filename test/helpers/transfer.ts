// What the failover tests share: bounded polling, a throttled TCP transfer between two namespaces of
// a Topology (tcp-stream.mjs at both ends, progress read from the receiver's file), and the
// conntrack entry of such a flow NATed to the public VIP.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { ROOT } from "./gen.js";
import type { Topology } from "./vrouter-topology.js";

const STREAM = join(ROOT, "test/helpers/tcp-stream.mjs");

/** Poll f up to n times, delay ms apart; returns the first truthy value (or the last falsy one). */
export async function poll<T>(n: number, ms: number, f: () => T): Promise<T> {
  let v = f();
  for (let i = 1; i < n && !v; i++) {
    await new Promise((r) => setTimeout(r, ms));
    v = f();
  }
  return v;
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A JSON file the stream writes, or undefined while it is not there (or half written). */
function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

export interface Progress {
  bytes: number;
  done: boolean;
  reset: boolean;
  error: string;
  sha256: string;
}
/** timeout: seconds either end gives up after (default 90). */
export interface Flow {
  from: string;
  to: string;
  target: string;
  port: number;
  bytes: number;
  rate: number;
  timeout?: number;
}

/** Start a receiver on f.to (listening on f.target) now; start() the throttled sender on f.from once it listens. */
export function transfer(topo: Topology, tmp: string, f: Flow) {
  const progress = join(tmp, `recv-${f.port}.json`);
  topo.start(f.to, [process.execPath, STREAM, "recv", f.target, String(f.port), progress, String(f.timeout ?? 90)], join(tmp, `recv-${f.port}.log`));
  const senderOut = join(tmp, `send-${f.port}.json`);
  let sender: ChildProcess | undefined;
  return {
    start: async () => {
      const listening = await poll(100, 100, () => topo.sh(f.to, `ss -Hltn 'sport = :${f.port}' | grep -q .`).code === 0);
      expect(listening, `the receiver on port ${f.port} does not listen`).toBe(true);
      sender = topo.start(
        f.from,
        [process.execPath, STREAM, "send", f.target, String(f.port), String(f.bytes), String(f.rate), String(f.timeout ?? 90)],
        senderOut,
      );
    },
    /** Lift the sender's throttle (its PID: sh, ip netns exec and node exec one another), so the rest goes at once. */
    unthrottle: () => {
      sender?.kill("SIGUSR1");
    },
    progress: (): Progress => readJson<Progress>(progress) ?? { bytes: 0, done: false, reset: false, error: "", sha256: "" },
    sender: () => readJson<{ bytes: number; sha256: string; error: string }>(senderOut),
  };
}

/** Whether conntrack -L text holds the flow node -> target:port, NATed to the public VIP. */
export const flowIn = (text: string, node: string, target: string, port: number, publicVip: string) =>
  new RegExp(`src=${node} dst=${target} sport=\\d+ dport=${port} .*src=${target} dst=${publicVip} sport=${port}`).test(text);
