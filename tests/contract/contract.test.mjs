// Contract test: runs the real kakehashi against a fresh database on the
// pg_virtualenv cluster, exercises every operation in api-spec/openapi.yaml and
// validates each response's status and body against the spec (ajv, JSON Schema
// 2020-12, which OpenAPI 3.1 uses).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import YAML from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = YAML.parse(readFileSync(path.join(here, "../../api-spec/openapi.yaml"), "utf8"));
const binary = process.env.KAKEHASHI_BINARY;
const database = `kh_contract_${process.pid}`;
const env = { ...process.env, KAKEHASHI_DATABASE_URL: `dbname=${database}`, KAKEHASHI_THREADS: "2" };

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, "spec");

let server;
let base;
let admin;
const covered = new Set();

function resolve(ref) {
  return ref.replace(/^#\//, "").split("/").reduce((node, key) => node[key.replace(/~1/g, "/")], spec);
}

// Validates a response against the spec's description of (method, template).
function check(method, template, res, body) {
  const operation = spec.paths[template]?.[method.toLowerCase()];
  assert.ok(operation, `${method} ${template} is not in the spec`);
  covered.add(operation.operationId);
  let response = operation.responses[String(res.status)];
  assert.ok(response, `${operation.operationId} answered ${res.status}, which the spec does not list`);
  if (response.$ref) response = resolve(response.$ref);
  const type = (res.headers.get("content-type") || "").split(";")[0];
  if (!response.content) {
    assert.equal(body, "", `${operation.operationId} ${res.status} should have no body`);
    return;
  }
  const media = response.content[type];
  assert.ok(media, `${operation.operationId} ${res.status} sent ${type}, not in the spec`);
  if (type.endsWith("json")) {
    const schema = media.schema.$ref
      ? { $ref: `spec${media.schema.$ref}` }
      : JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components', '"spec#/components'));
    const validate = ajv.compile(schema);
    const parsed = JSON.parse(body);
    assert.ok(validate(parsed), `${operation.operationId} ${res.status}: ${ajv.errorsText(validate.errors)}\n${body}`);
    return parsed;
  }
  return body;
}

async function call(method, template, { params = {}, query = "", key, body, headers = {}, raw, as } = {}) {
  let url = template.replace(/\{(\w+)\}/g, (_, name) => params[name]);
  url = `${base}${url}${query}`;
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    h["content-type"] ??= method === "PATCH" ? "application/merge-patch+json" : "application/json";
  }
  const res = await fetch(url, { method, headers: h, body: payload });
  const text = await res.text();
  // `as`: the documented operation whose responses describe this call (a 405).
  return { res, json: check(as ?? method, template, res, text) };
}

before(async () => {
  execFileSync("createdb", [database], { env });
  execFileSync(binary, ["migrate"], { env, stdio: "ignore" });
  admin = execFileSync(binary, ["keys", "create", "--admin", "--label", "contract"], { env }).toString().trim().split("\n").pop();
  server = spawn(binary, ["serve", "--listen", "127.0.0.1:0"], { env, stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise((resolvePort, reject) => {
    let buffer = "";
    server.stdout.on("data", (chunk) => {
      buffer += chunk;
      const m = buffer.match(/"msg":"listening".*?"port":(\d+)/);
      if (m) resolvePort(`http://127.0.0.1:${m[1]}`);
    });
    server.on("exit", (code) => reject(new Error(`kakehashi exited with ${code}`)));
  });
  server.stdout.resume();
});

after(() => {
  server?.kill("SIGTERM");
  try { execFileSync("dropdb", ["--force", database], { env }); } catch { /* thrown away with the cluster */ }
});

test("every operation answers as the spec says", async () => {
  await call("GET", "/healthz");
  await call("GET", "/readyz");
  await call("GET", "/metrics");
  const specText = await call("GET", "/openapi.yaml");
  assert.deepEqual(YAML.parse(specText.json), spec, "the served spec is the repository's");
  const wrong = await call("POST", "/healthz", { raw: "", as: "GET" });
  assert.equal(wrong.res.status, 405);

  // Organizations and keys.
  await call("POST", "/v1/organizations", { body: { name: "x", kind: "firm", country: "JP" } });
  await call("POST", "/v1/organizations", { key: admin, raw: "{", headers: { "content-type": "application/json" } });
  await call("POST", "/v1/organizations", { key: admin, raw: "name=x", headers: { "content-type": "text/plain" } });
  await call("POST", "/v1/organizations", { key: admin, body: { name: "", kind: "bank" } });
  const academy = (await call("POST", "/v1/organizations", { key: admin, body: { name: "Dhaka AI Academy", kind: "training_provider", country: "BD" } })).json;
  const firm = (await call("POST", "/v1/organizations", { key: admin, body: { name: "Nagoya Precision", kind: "firm", country: "JP" } })).json;
  await call("POST", "/v1/organizations", { key: admin, body: { name: "Nagoya Precision", kind: "firm", country: "JP" } });
  await call("GET", "/v1/organizations", { key: admin, query: "?limit=1" });
  await call("GET", "/v1/organizations", { key: admin, query: "?limit=0" });
  await call("GET", "/v1/organizations/{id}", { key: admin, params: { id: academy.id } });
  const academyKey = (await call("POST", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: academy.id }, body: { label: "main" } })).json;
  const firmKey = (await call("POST", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: firm.id }, body: { label: "main" } })).json;
  await call("POST", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: "00000000-0000-0000-0000-000000000000" }, body: { label: "x" } });
  await call("POST", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: academy.id }, body: {} });
  await call("POST", "/v1/organizations/{id}/api-keys", { key: firmKey.secret, params: { id: academy.id }, body: { label: "x" } });
  await call("POST", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: academy.id }, raw: "label", headers: { "content-type": "text/plain" } });
  await call("POST", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: academy.id }, raw: "[", headers: { "content-type": "application/json" } });
  await call("POST", "/v1/organizations/{id}/api-keys", { params: { id: academy.id }, body: { label: "x" } });
  await call("GET", "/v1/organizations", { key: firmKey.secret });
  await call("GET", "/v1/organizations", {});
  await call("GET", "/v1/organizations/{id}", { key: firmKey.secret, params: { id: academy.id } });
  await call("GET", "/v1/organizations/{id}", { params: { id: academy.id } });
  const keys = (await call("GET", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: academy.id } })).json;
  await call("GET", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: "nope" } });
  await call("GET", "/v1/organizations/{id}/api-keys", { key: firmKey.secret, params: { id: academy.id } });
  await call("GET", "/v1/organizations/{id}/api-keys", { params: { id: academy.id } });
  const spare = (await call("POST", "/v1/organizations/{id}/api-keys", { key: admin, params: { id: academy.id }, body: { label: "spare" } })).json;
  await call("DELETE", "/v1/api-keys/{id}", { key: admin, params: { id: spare.id } });
  await call("DELETE", "/v1/api-keys/{id}", { key: admin, params: { id: "00000000-0000-0000-0000-000000000000" } });
  await call("DELETE", "/v1/api-keys/{id}", { key: firmKey.secret, params: { id: keys.items[0].id } });
  await call("DELETE", "/v1/api-keys/{id}", { params: { id: keys.items[0].id } });
  await call("GET", "/v1/skills", { key: spare.secret });  // revoked: 401

  // Trainees.
  const trainee = { full_name: "Rahim Uddin", email: "rahim@example.com", country: "BD", city: "Dhaka", timezone: "Asia/Dhaka",
    skills: [{ skill: "python", level: 4, years: 3 }, { skill: "torch", level: 3 }], languages: { japanese: "N4", english: "B2" },
    certifications: [{ name: "ITEE FE", year: 2025 }], available_from: "2027-01-04", hours_per_week: 40,
    expected_monthly_rate: { amount: 1400, currency: "USD" }, domains: ["manufacturing"], engagement: ["offshore"],
    consent: { matching: true, share_with_firms_abroad: true } };
  const t = (await call("POST", "/v1/trainees", { key: academyKey.secret, body: trainee })).json;
  await call("POST", "/v1/trainees", { key: academyKey.secret, body: trainee });  // 409 duplicate email
  await call("POST", "/v1/trainees", { key: academyKey.secret, body: { email: "bad" } });
  await call("POST", "/v1/trainees", { key: academyKey.secret, raw: "{", headers: { "content-type": "application/json" } });
  await call("POST", "/v1/trainees", { key: academyKey.secret, raw: "x", headers: { "content-type": "text/csv" } });
  await call("POST", "/v1/trainees", { key: firmKey.secret, body: trainee });
  await call("POST", "/v1/trainees", { body: trainee });
  await call("POST", "/v1/trainees", { key: academyKey.secret, body: { ...trainee, email: "second@example.com", skills: [] } });
  const page = (await call("GET", "/v1/trainees", { key: academyKey.secret, query: "?limit=1" })).json;
  assert.ok(page.next_cursor);
  await call("GET", "/v1/trainees", { key: academyKey.secret, query: `?limit=1&cursor=${page.next_cursor}&skill=python&jlpt_min=N5` });
  await call("GET", "/v1/trainees", { key: academyKey.secret, query: "?skill=cobol" });
  await call("GET", "/v1/trainees", { key: firmKey.secret });
  await call("GET", "/v1/trainees", {});
  await call("GET", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id } });
  await call("GET", "/v1/trainees/{id}", { key: firmKey.secret, params: { id: t.id } });
  await call("GET", "/v1/trainees/{id}", { key: admin, params: { id: "00000000-0000-0000-0000-000000000000" } });
  await call("GET", "/v1/trainees/{id}", { params: { id: t.id } });
  await call("PATCH", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id }, body: { city: "Chattogram" }, headers: { "if-match": '"1"' } });
  await call("PATCH", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id }, body: { city: "Sylhet" }, headers: { "if-match": '"1"' } });
  await call("PATCH", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id }, body: { hours_per_week: 0 } });
  await call("PATCH", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id }, body: { email: "second@example.com" } });
  await call("PATCH", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id }, raw: "{", headers: { "content-type": "application/json" } });
  await call("PATCH", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id }, raw: "city", headers: { "content-type": "text/plain" } });
  await call("PATCH", "/v1/trainees/{id}", { key: firmKey.secret, params: { id: t.id }, body: { city: "x" } });
  await call("PATCH", "/v1/trainees/{id}", { key: admin, params: { id: "nope" }, body: { city: "x" } });
  await call("PATCH", "/v1/trainees/{id}", { params: { id: t.id }, body: { city: "x" } });
  await call("DELETE", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id }, headers: { "if-match": '"1"' } });
  await call("DELETE", "/v1/trainees/{id}", { key: firmKey.secret, params: { id: t.id } });
  await call("DELETE", "/v1/trainees/{id}", { params: { id: t.id } });
  await call("DELETE", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id } });
  await call("DELETE", "/v1/trainees/{id}", { key: academyKey.secret, params: { id: t.id } });  // 404 once erased
  const erased = (await call("GET", "/v1/trainees/{id}", { key: admin, params: { id: t.id } })).json;
  assert.equal(erased.full_name, null);

  // Bulk import.
  const csv = "full_name,email,skills,japanese\nA One,a1@example.com,python:3,N5\nB Two,b2@example.com,torch:2:1,N4\n";
  await call("POST", "/v1/trainees/import", { key: academyKey.secret, query: "?dry_run=true", raw: csv, headers: { "content-type": "text/csv" } });
  await call("POST", "/v1/trainees/import", { key: academyKey.secret, raw: csv, headers: { "content-type": "text/csv" } });
  await call("POST", "/v1/trainees/import", { key: academyKey.secret, raw: csv, headers: { "content-type": "text/csv" } });  // duplicates: 422
  await call("POST", "/v1/trainees/import", { key: academyKey.secret, raw: "full_name\n\"x", headers: { "content-type": "text/csv" } });
  await call("POST", "/v1/trainees/import", { key: academyKey.secret, raw: csv, headers: { "content-type": "text/plain" } });
  await call("POST", "/v1/trainees/import", { key: firmKey.secret, raw: csv, headers: { "content-type": "text/csv" } });
  await call("POST", "/v1/trainees/import", { raw: csv, headers: { "content-type": "text/csv" } });

  // Projects.
  const project = { title: "Inspection AI", description: "Defect detection", domain: "automotive",
    skills: [{ skill: "cv", min_level: 3, weight: 5, required: true }], japanese_min: "N4", headcount: 2,
    start_date: "2027-02-01", duration_months: 6, budget_monthly: { min: 200000, max: 350000, currency: "JPY" },
    overlap_hours_jst: 4, engagement: "offshore", status: "open" };
  const p = (await call("POST", "/v1/projects", { key: firmKey.secret, body: project })).json;
  await call("POST", "/v1/projects", { key: firmKey.secret, body: { title: "" } });
  await call("POST", "/v1/projects", { key: firmKey.secret, raw: "{", headers: { "content-type": "application/json" } });
  await call("POST", "/v1/projects", { key: firmKey.secret, raw: "x", headers: { "content-type": "text/plain" } });
  await call("POST", "/v1/projects", { key: academyKey.secret, body: project });
  await call("POST", "/v1/projects", { body: project });
  await call("POST", "/v1/projects", { key: firmKey.secret, body: { ...project, budget_monthly: undefined, domain: undefined } });
  await call("GET", "/v1/projects", { key: firmKey.secret, query: "?status=open&skill=cv&limit=1" });
  await call("GET", "/v1/projects", { key: firmKey.secret, query: "?status=maybe" });
  await call("GET", "/v1/projects", { key: academyKey.secret });
  await call("GET", "/v1/projects", {});
  await call("GET", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id } });
  await call("GET", "/v1/projects/{id}", { key: academyKey.secret, params: { id: p.id } });
  await call("GET", "/v1/projects/{id}", { key: admin, params: { id: "nope" } });
  await call("GET", "/v1/projects/{id}", { params: { id: p.id } });
  await call("PATCH", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id }, body: { headcount: 3 }, headers: { "if-match": '"1"' } });
  await call("PATCH", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id }, body: { headcount: 4 }, headers: { "if-match": '"1"' } });
  await call("PATCH", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id }, body: { headcount: 0 } });
  await call("PATCH", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id }, raw: "{", headers: { "content-type": "application/json" } });
  await call("PATCH", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id }, raw: "x", headers: { "content-type": "text/plain" } });
  await call("PATCH", "/v1/projects/{id}", { key: academyKey.secret, params: { id: p.id }, body: { headcount: 1 } });
  await call("PATCH", "/v1/projects/{id}", { key: admin, params: { id: "nope" }, body: { headcount: 1 } });
  await call("PATCH", "/v1/projects/{id}", { params: { id: p.id }, body: { headcount: 1 } });
  await call("DELETE", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id }, headers: { "if-match": '"1"' } });
  await call("DELETE", "/v1/projects/{id}", { key: academyKey.secret, params: { id: p.id } });
  await call("DELETE", "/v1/projects/{id}", { params: { id: p.id } });
  await call("DELETE", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id } });
  await call("DELETE", "/v1/projects/{id}", { key: firmKey.secret, params: { id: p.id } });

  await call("GET", "/v1/skills", { key: firmKey.secret, query: "?q=torch" });
  await call("GET", "/v1/skills", {});
  const vit = (await call("POST", "/v1/skills", { key: admin, body: { name: "Vision Transformers", aliases: ["vit"], related: [{ skill: "PyTorch", similarity: 0.5 }] } })).json;
  await call("POST", "/v1/skills", { key: admin, body: { name: "torch" } });
  await call("POST", "/v1/skills", { key: admin, raw: "{", headers: { "content-type": "application/json" } });
  await call("POST", "/v1/skills", { key: admin, raw: "x", headers: { "content-type": "text/plain" } });
  await call("POST", "/v1/skills", { key: firmKey.secret, body: { name: "X" } });
  await call("POST", "/v1/skills", { body: { name: "X" } });
  await call("PATCH", "/v1/skills/{id}", { key: admin, params: { id: vit.id }, body: { category: "ai" }, headers: { "if-match": '"1"' } });
  await call("PATCH", "/v1/skills/{id}", { key: admin, params: { id: vit.id }, body: { category: "ai" }, headers: { "if-match": '"1"' } });
  await call("PATCH", "/v1/skills/{id}", { key: admin, params: { id: vit.id }, body: { name: "" } });
  await call("PATCH", "/v1/skills/{id}", { key: admin, params: { id: 999999 }, body: { name: "x" } });
  await call("PATCH", "/v1/skills/{id}", { key: admin, params: { id: vit.id }, raw: "{", headers: { "content-type": "application/json" } });
  await call("PATCH", "/v1/skills/{id}", { key: admin, params: { id: vit.id }, raw: "x", headers: { "content-type": "text/plain" } });
  await call("PATCH", "/v1/skills/{id}", { key: firmKey.secret, params: { id: vit.id }, body: { name: "x" } });
  await call("PATCH", "/v1/skills/{id}", { params: { id: vit.id }, body: { name: "x" } });

  // Matching: candidates, opportunities, matches and their lifecycle, audit, rounds.
  for (let i = 0; i < 50 && (await fetch(`${base}/readyz`)).status !== 200; ++i) await new Promise((r) => setTimeout(r, 100));
  const m1 = (await call("POST", "/v1/trainees", { key: academyKey.secret, body: { ...trainee, email: "m1@example.com" } })).json;
  const m2 = (await call("POST", "/v1/trainees", { key: academyKey.secret, body: { ...trainee, email: "m2@example.com", skills: [{ skill: "cv", level: 2 }] } })).json;
  const open = (await call("POST", "/v1/projects", { key: firmKey.secret, body: { ...project, skills: [{ skill: "python", min_level: 3, weight: 5, required: true }, { skill: "pytorch", min_level: 3, weight: 3 }] } })).json;
  const ranked = (await call("GET", "/v1/projects/{id}/candidates", { key: firmKey.secret, params: { id: open.id }, query: "?limit=5" })).json;
  assert.equal(ranked.items[0].trainee.id, m1.id);
  await call("GET", "/v1/projects/{id}/candidates", { key: firmKey.secret, params: { id: open.id }, query: "?limit=500" });
  await call("GET", "/v1/projects/{id}/candidates", { key: academyKey.secret, params: { id: open.id } });
  await call("GET", "/v1/projects/{id}/candidates", { key: admin, params: { id: "nope" } });
  await call("GET", "/v1/projects/{id}/candidates", { params: { id: open.id } });
  const ineligible = (await call("GET", "/v1/projects/{id}/candidates/{trainee_id}", { key: firmKey.secret, params: { id: open.id, trainee_id: m2.id } })).json;
  assert.equal(ineligible.eligible, false);
  await call("GET", "/v1/projects/{id}/candidates/{trainee_id}", { key: firmKey.secret, params: { id: open.id, trainee_id: "nope" } });
  await call("GET", "/v1/projects/{id}/candidates/{trainee_id}", { key: academyKey.secret, params: { id: open.id, trainee_id: m1.id } });
  await call("GET", "/v1/projects/{id}/candidates/{trainee_id}", { params: { id: open.id, trainee_id: m1.id } });
  await call("GET", "/v1/trainees/{id}/opportunities", { key: academyKey.secret, params: { id: m1.id } });
  await call("GET", "/v1/trainees/{id}/opportunities", { key: academyKey.secret, params: { id: m1.id }, query: "?cursor=bad" });
  await call("GET", "/v1/trainees/{id}/opportunities", { key: firmKey.secret, params: { id: m1.id } });
  await call("GET", "/v1/trainees/{id}/opportunities", { key: admin, params: { id: "nope" } });
  await call("GET", "/v1/trainees/{id}/opportunities", { params: { id: m1.id } });
  const match = (await call("POST", "/v1/matches", { key: firmKey.secret, body: { project_id: open.id, trainee_id: m1.id } })).json;
  await call("POST", "/v1/matches", { key: firmKey.secret, body: { project_id: open.id, trainee_id: m1.id } });  // 409
  await call("POST", "/v1/matches", { key: firmKey.secret, body: { project_id: open.id } });
  await call("POST", "/v1/matches", { key: firmKey.secret, raw: "{", headers: { "content-type": "application/json" } });
  await call("POST", "/v1/matches", { key: firmKey.secret, raw: "x", headers: { "content-type": "text/plain" } });
  await call("POST", "/v1/matches", { key: academyKey.secret, body: { project_id: open.id, trainee_id: m1.id } });
  await call("POST", "/v1/matches", { body: { project_id: open.id, trainee_id: m1.id } });
  await call("GET", "/v1/matches", { key: firmKey.secret, query: `?project_id=${open.id}&state=shortlisted` });
  await call("GET", "/v1/matches", { key: firmKey.secret, query: "?state=maybe" });
  await call("GET", "/v1/matches", {});
  const move = async (key, to, reason) => {
    const current = await fetch(`${base}/v1/matches/${match.id}`, { headers: { authorization: `Bearer ${key}` } });
    return call("POST", "/v1/matches/{id}/transitions", { key, params: { id: match.id }, body: reason ? { to, reason } : { to }, headers: { "if-match": current.headers.get("etag") } });
  };
  await move(firmKey.secret, "interviewing");
  await move(firmKey.secret, "offered");
  const refused = await move(firmKey.secret, "accepted");
  assert.deepEqual(refused.json.allowed, ["rejected"]);
  await move(academyKey.secret, "accepted");
  const disclosed = (await call("GET", "/v1/matches/{id}", { key: firmKey.secret, params: { id: match.id } })).json;
  assert.equal(disclosed.personal.email, "m1@example.com");
  await call("GET", "/v1/matches/{id}", { key: firmKey.secret, params: { id: "nope" } });
  await call("GET", "/v1/matches/{id}", { params: { id: match.id } });
  await call("POST", "/v1/matches/{id}/transitions", { key: admin, params: { id: match.id }, body: { to: "approved" }, headers: { "if-match": '"1"' } });  // 412
  await call("POST", "/v1/matches/{id}/transitions", { key: admin, params: { id: match.id }, body: { to: "approved" } });  // 428
  await call("POST", "/v1/matches/{id}/transitions", { key: admin, params: { id: match.id }, body: { to: "rejected" } });  // 422: no reason
  await call("POST", "/v1/matches/{id}/transitions", { key: admin, params: { id: match.id }, raw: "{", headers: { "content-type": "application/json" } });
  await call("POST", "/v1/matches/{id}/transitions", { key: admin, params: { id: match.id }, raw: "x", headers: { "content-type": "text/plain" } });
  await call("POST", "/v1/matches/{id}/transitions", { key: admin, params: { id: "nope" }, body: { to: "approved" } });
  await call("POST", "/v1/matches/{id}/transitions", { params: { id: match.id }, body: { to: "approved" } });
  await move(admin, "approved");
  await call("GET", "/v1/matches/{id}/events", { key: academyKey.secret, params: { id: match.id }, query: "?limit=2" });
  await call("GET", "/v1/matches/{id}/events", { key: academyKey.secret, params: { id: match.id }, query: "?limit=0" });
  await call("GET", "/v1/matches/{id}/events", { key: admin, params: { id: "nope" } });
  await call("GET", "/v1/matches/{id}/events", { params: { id: match.id } });
  await call("GET", "/v1/audit", { key: admin, query: `?match_id=${match.id}&since=2020-01-01T00:00:00Z` });
  await call("GET", "/v1/audit", { key: admin, query: "?kind=other" });
  await call("GET", "/v1/audit", { key: firmKey.secret });
  await call("GET", "/v1/audit", {});
  await call("POST", "/v1/projects", { key: firmKey.secret, body: { ...project, title: "Second" } });
  await call("POST", "/v1/trainees", { key: academyKey.secret, body: { ...trainee, email: "m3@example.com", skills: [{ skill: "cv", level: 4 }] } });
  const round = (await call("POST", "/v1/matching-rounds", { key: admin, body: { algorithm: "max_score", max_per_org_per_project: 1 } })).json;
  await call("POST", "/v1/matching-rounds", { key: admin, body: { algorithm: "stable", min_score: 0.2 } });
  await call("POST", "/v1/matching-rounds", { key: admin, body: { algorithm: "greedy" } });
  await call("POST", "/v1/matching-rounds", { key: admin, raw: "{", headers: { "content-type": "application/json" } });
  await call("POST", "/v1/matching-rounds", { key: admin, raw: "x", headers: { "content-type": "text/plain" } });
  await call("POST", "/v1/matching-rounds", { key: firmKey.secret, body: { algorithm: "stable" } });
  await call("POST", "/v1/matching-rounds", { body: { algorithm: "stable" } });
  await call("GET", "/v1/matching-rounds", { key: admin, query: "?limit=1" });
  await call("GET", "/v1/matching-rounds", { key: admin, query: "?limit=x" });
  await call("GET", "/v1/matching-rounds", { key: firmKey.secret });
  await call("GET", "/v1/matching-rounds", {});
  await call("GET", "/v1/matching-rounds/{id}", { key: admin, params: { id: round.id } });
  await call("GET", "/v1/matching-rounds/{id}", { key: admin, params: { id: "nope" } });
  await call("GET", "/v1/matching-rounds/{id}", { key: firmKey.secret, params: { id: round.id } });
  await call("GET", "/v1/matching-rounds/{id}", { params: { id: round.id } });

  const me = (await call("GET", "/v1/me", { key: firmKey.secret })).json;
  assert.equal(me.role, "firm");
  assert.equal(me.organization_id, firm.id);
  await call("GET", "/v1/me", {});
  const stats = (await call("GET", "/v1/stats", { key: admin })).json;
  assert.ok(stats.matches_by_state.approved >= 1);
  await call("GET", "/v1/stats", { key: firmKey.secret });
  await call("GET", "/v1/stats", {});

  const all = Object.values(spec.paths).flatMap((item) =>
    ["get", "post", "patch", "delete", "put"].filter((m) => item[m]).map((m) => item[m].operationId));
  assert.deepEqual(all.filter((id) => !covered.has(id)), [], "operations not exercised");
});
