// A throttled TCP stream for the failover test, run inside network namespaces (node only, no extra
// package). Bounded in size and time.
//   node tcp-stream.mjs recv ADDR PORT PROGRESS_FILE TIMEOUT_S
//     accepts one connection, counts bytes and hashes them, rewrites PROGRESS_FILE every 100 ms with
//     {bytes, done, reset, sha256}; exits when the sender closes (done) or resets, or at the timeout.
//   node tcp-stream.mjs send ADDR PORT BYTES BYTES_PER_S TIMEOUT_S
//     sends BYTES of a deterministic pattern at BYTES_PER_S, closes, prints {bytes, sha256, error}.
//     SIGUSR1 lifts the throttle (256 KiB every 50 ms): a test that has seen enough ends the flow soon.
import { createHash } from "node:crypto";
import { renameSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";

const [mode, addr, port, a, b, c] = process.argv.slice(2);
const pattern = (offset, n) => {
  const buf = Buffer.alloc(n);
  for (let i = 0; i < n; i++) buf[i] = (offset + i) % 251;
  return buf;
};

if (mode === "recv") {
  const file = a,
    timeout = Number(b) * 1000;
  const state = { bytes: 0, done: false, reset: false, error: "", sha256: "" };
  const hash = createHash("sha256");
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  };
  save();
  const tick = setInterval(save, 100);
  const finish = () => {
    clearInterval(tick);
    save();
    process.exit(0);
  };
  setTimeout(() => {
    state.error = "timeout";
    finish();
  }, timeout);
  const server = createServer((s) => {
    server.close();
    s.on("data", (d) => {
      state.bytes += d.length;
      hash.update(d);
    });
    s.on("end", () => {
      state.done = true;
      state.sha256 = hash.digest("hex");
      s.end();
      finish();
    });
    s.on("error", (e) => {
      state.reset = e.code === "ECONNRESET";
      state.error = e.code ?? String(e);
      finish();
    });
  });
  server.listen(Number(port), addr);
} else if (mode === "send") {
  const total = Number(a),
    rate = Number(b),
    timeout = Number(c) * 1000;
  const hash = createHash("sha256");
  const out = { bytes: 0, sha256: "", error: "" };
  const finish = () => {
    out.sha256 = hash.digest("hex");
    console.log(JSON.stringify(out));
    process.exit(out.error ? 1 : 0);
  };
  setTimeout(() => {
    out.error ||= "timeout";
    finish();
  }, timeout);
  const s = createConnection({ host: addr, port: Number(port) }, () => {
    const chunk = Math.max(1024, Math.floor(rate / 20)); // 20 writes a second
    const t0 = Date.now();
    let fast = false;
    process.on("SIGUSR1", () => {
      fast = true;
    });
    const step = () => {
      if (out.bytes >= total) {
        s.end();
        return;
      }
      const due = Math.min(total, fast ? out.bytes + 262144 : Math.floor(((Date.now() - t0) / 1000) * rate) + chunk);
      while (out.bytes < due) {
        const n = Math.min(chunk, due - out.bytes);
        const buf = pattern(out.bytes, n);
        hash.update(buf);
        out.bytes += n;
        s.write(buf);
      }
      setTimeout(step, 50);
    };
    step();
  });
  s.on("close", (hadError) => {
    if (hadError && !out.error) out.error = "closed with error";
    finish();
  });
  s.on("error", (e) => {
    out.error = e.code ?? String(e);
  });
} else {
  console.error("usage: tcp-stream.mjs recv ADDR PORT PROGRESS_FILE TIMEOUT_S | send ADDR PORT BYTES BYTES_PER_S TIMEOUT_S");
  process.exit(2);
}
