// A bounded request loop against the balancer, for docker/prove/compose.sh:
//   node request-loop.mjs URL SECONDS CONCURRENCY IDS_FILE
// Sends GET URL from CONCURRENCY keep-alive clients for SECONDS (at most 200000
// requests), writes each answer's X-Request-Id to IDS_FILE (to find, in the
// replicas' access logs, which replica answered), and prints one JSON line:
// requests, ok (200), failed (any other status or a connection error), by kind.
// Only loopback addresses: it is a test of containers on this machine.
import http from "node:http";
import { writeFileSync } from "node:fs";

const [url, seconds = "10", concurrency = "4", idsFile = "/dev/null"] = process.argv.slice(2);
const target = new URL(url);
if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) throw new Error("loopback only");
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const until = Date.now() + Number(seconds) * 1000;
const stats = { requests: 0, ok: 0, failed: 0, failures: {}, first_failure_ms: null, last_failure_ms: null };
const ids = [];
const latencies = [];
const start = Date.now();

function once() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.get(target, { agent, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => {
        latencies.push(performance.now() - t0);
        if (res.headers["x-request-id"]) ids.push(res.headers["x-request-id"]);
        resolve(res.statusCode === 200 ? null : `status ${res.statusCode}`);
      });
      res.on("error", (e) => resolve(e.code ?? e.message));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve(e.code ?? e.message));
  });
}

async function client() {
  while (Date.now() < until && stats.requests < 200000) {
    stats.requests++;
    const failure = await once();
    if (failure === null) stats.ok++;
    else {
      stats.failed++;
      stats.failures[failure] = (stats.failures[failure] ?? 0) + 1;
      const at = Date.now() - start;
      stats.first_failure_ms ??= at;
      stats.last_failure_ms = at;
    }
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, client));
agent.destroy();
latencies.sort((a, b) => a - b);
const q = (p) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]?.toFixed(2));
stats.seconds = (Date.now() - start) / 1000;
stats.per_second = Math.round(stats.requests / stats.seconds);
stats.p50_ms = q(0.5);
stats.p99_ms = q(0.99);
stats.max_ms = q(1);
writeFileSync(idsFile, ids.join("\n") + "\n");
console.log(JSON.stringify(stats));
