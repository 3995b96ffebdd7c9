// The browser tests' service: a database of their own in the throw-away
// cluster, migrated and loaded with the demo data, and kakehashi serving it
// on a free port. console.test.mjs and mobile.test.mjs both start one.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";

/**
 * Creates `database`, migrates it, seeds the demo and serves it.
 * @param {string} binary the kakehashi binary
 * @param {string} database a database name of the test's own
 * @param {Record<string, string | undefined>} env the environment (its KAKEHASHI_DATABASE_URL names `database`)
 * @returns {Promise<{ base: string, keys: Record<string, string>, stop: () => void }>}
 *   keys: organization name -> API key; "admin" -> the programme office's
 */
export async function startDemoService(binary, database, env) {
  execFileSync("createdb", [database], { env });
  execFileSync(binary, ["migrate"], { env, stdio: "ignore" });
  const seeded = execFileSync(binary, ["seed", "--demo"], { env }).toString();
  /** @type {Record<string, string>} */
  const keys = {};
  for (const line of seeded.split("\n")) {
    const m = line.match(/^\s+(.+): (kh_[0-9a-f]+)$/);
    if (m) keys[m[1].endsWith("(admin)") ? "admin" : m[1]] = m[2];
  }
  assert.ok(keys.admin, seeded);
  const server = spawn(binary, ["serve", "--listen", "127.0.0.1:0"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((resolvePort, reject) => {
    let buffer = "";
    server.stdout.on("data", (chunk) => {
      buffer += chunk;
      const m = buffer.match(/"msg":"listening".*?"port":(\d+)/);
      if (m) resolvePort(`http://127.0.0.1:${m[1]}`);
    });
    server.on("exit", (code) => reject(new Error(`kakehashi exited with ${code}`)));
  });
  server.stdout.resume();
  for (let i = 0; i < 100 && (await fetch(`${base}/readyz`)).status !== 200; ++i) await new Promise((r) => setTimeout(r, 100));
  const stop = () => {
    server.kill("SIGTERM");
    try { execFileSync("dropdb", ["--force", database], { env }); } catch { /* thrown away with the cluster */ }
  };
  return { base, keys, stop };
}
