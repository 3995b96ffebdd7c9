// Shared by the contract tests: starts the real kakehashi (KAKEHASHI_BINARY)
// against a fresh database on the pg_virtualenv cluster, calls it, and checks
// each response against api-spec/openapi.yaml (ajv, JSON Schema 2020-12, which
// OpenAPI 3.1 uses). The tests assert the status they expect themselves; this
// module reports whether the response is one the spec describes.
import { spawn, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import assert from "node:assert/strict";
import YAML from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const here = path.dirname(fileURLToPath(import.meta.url));
export const spec = YAML.parse(readFileSync(path.join(here, "../../api-spec/openapi.yaml"), "utf8"));

const METHODS = ["get", "put", "post", "patch", "delete"];

// Every operation of the spec, in the spec's order: {operationId, method, template}.
export const operations = Object.entries(spec.paths).flatMap(([template, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({ operationId: item[m].operationId, method: m.toUpperCase(), template })));

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, "spec");
const validators = new Map();

function resolve(ref) {
  return ref.replace(/^#\//, "").split("/").reduce((node, key) => node[key.replace(/~1/g, "/")], spec);
}

function validatorFor(key, schema) {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema.$ref
      ? { $ref: `spec${schema.$ref}` }
      : JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"spec#/components')));
    validators.set(key, validate);
  }
  return validate;
}

// What is wrong with this response, by the spec's description of (method,
// template): an empty list when it is one the spec describes. Also returns the
// parsed JSON body, if any.
export function conformance(method, template, status, contentType, text, headers) {
  const problems = [];
  const operation = spec.paths[template]?.[method.toLowerCase()];
  if (!operation) return { problems: [`${method} ${template} is not in the spec`] };
  const id = operation.operationId;
  let response = operation.responses[String(status)];
  if (!response) return { problems: [`${id} answered ${status}, which the spec does not list`] };
  if (response.$ref) response = resolve(response.$ref);
  // Headers the spec marks required (X-Request-Id on every response) are
  // present and valid against their schema.
  for (const [name, declared] of Object.entries(headers ? response.headers ?? {} : {})) {
    const header = declared.$ref ? resolve(declared.$ref) : declared;
    if (!header.required) continue;
    const value = headers.get(name);
    if (value === null) { problems.push(`${id} ${status} lacks the ${name} header`); continue; }
    const validate = validatorFor(`header ${name}`, header.schema);
    if (!validate(value)) problems.push(`${id} ${status} ${name}: ${ajv.errorsText(validate.errors)}`);
  }
  const type = (contentType || "").split(";")[0].trim();
  let json;
  if (type.endsWith("json") && text) {
    try { json = JSON.parse(text); } catch { problems.push(`${id} ${status}: the body is not JSON`); }
  }
  if (!response.content) {
    if (text !== "") problems.push(`${id} ${status} should have no body`);
    return { problems, json };
  }
  const media = response.content[type];
  if (!media) return { problems: [`${id} ${status} sent ${type || "no content type"}, not in the spec`], json };
  if (type.endsWith("json") && json !== undefined) {
    const validate = validatorFor(`${id} ${status} ${type}`, media.schema);
    if (!validate(json)) problems.push(`${id} ${status}: ${ajv.errorsText(validate.errors)}`);
  }
  return { problems, json };
}

// A running service on a database of its own. `env` adds to the environment.
export async function startService(label, env = {}) {
  const binary = process.env.KAKEHASHI_BINARY;
  assert.ok(binary, "KAKEHASHI_BINARY names the kakehashi executable");
  const database = `kh_${label}_${process.pid}`;
  const fullEnv = { ...process.env, KAKEHASHI_DATABASE_URL: `dbname=${database}`, KAKEHASHI_THREADS: "2", ...env };
  execFileSync("createdb", [database], { env: fullEnv });
  execFileSync(binary, ["migrate"], { env: fullEnv, stdio: "ignore" });
  const admin = execFileSync(binary, ["keys", "create", "--admin", "--label", label], { env: fullEnv })
    .toString().trim().split("\n").pop();
  const server = spawn(binary, ["serve", "--listen", "127.0.0.1:0"], { env: fullEnv, stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((resolvePort, reject) => {
    let buffer = "";
    server.stdout.on("data", (chunk) => {
      buffer += chunk;
      const m = buffer.match(/"msg":"listening".*?"port":(\d+)/);
      if (m) { buffer = ""; resolvePort(`http://127.0.0.1:${m[1]}`); }
    });
    server.on("exit", (code) => reject(new Error(`kakehashi exited with ${code}`)));
  });
  server.stdout.resume();
  const service = {
    base, admin, binary, env: fullEnv, database,
    async waitReady() {
      for (let i = 0; i < 200; ++i) {
        if ((await fetch(`${base}/readyz`)).status === 200) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("kakehashi did not become ready");
    },
    stop() {
      server.kill("SIGTERM");
      try { execFileSync("dropdb", ["--force", database], { env: fullEnv }); } catch { /* thrown away with the cluster */ }
    },
  };
  return service;
}

// call(method, template, {params, query, key, body, raw, headers, as}) sends a
// request and answers {status, headers, text, json, problems}; `problems` lists
// how the response departs from the spec (`as`: the documented method whose
// responses describe this call, for a 405). `covered` collects operationIds.
export function client(base, covered = new Set()) {
  return async function call(method, template, { params = {}, query = "", key, body, raw, headers = {}, as } = {}) {
    const url = `${base}${template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name]))}${query}`;
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
    const op = spec.paths[template]?.[(as ?? method).toLowerCase()];
    if (op) covered.add(op.operationId);
    const { problems, json } = conformance(as ?? method, template, res.status, res.headers.get("content-type"), text, res.headers);
    // A valid X-Request-Id of the caller's comes back unchanged.
    const sent = Object.entries(h).find(([name]) => name.toLowerCase() === "x-request-id")?.[1];
    if (sent && /^[A-Za-z0-9._:-]{1,128}$/.test(sent) && res.headers.get("x-request-id") !== sent) {
      problems.push(`X-Request-Id ${sent} came back as ${res.headers.get("x-request-id")}`);
    }
    return { status: res.status, headers: res.headers, text, json, problems, method, template, url };
  };
}

// One line naming a call, for assertion messages.
export function describe(r) {
  return `${r.method} ${r.url.replace(/^https?:\/\/[^/]+/, "")} answered ${r.status}: ${r.text.slice(0, 400)}`;
}

export function assertStatus(r, status) {
  assert.equal(r.status, status, describe(r));
}

export function assertConforms(r) {
  assert.deepEqual(r.problems, [], describe(r));
}

// Both: the expected status, and a response the spec describes.
export function expectResponse(r, status) {
  assertStatus(r, status);
  assertConforms(r);
  return r;
}
