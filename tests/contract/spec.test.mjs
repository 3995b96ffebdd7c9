// The document itself, without a service: every operation is described and
// documents 500, 503 and X-Request-Id; every example is valid against its
// schema (ajv, JSON Schema 2020-12 with formats, as the live checks use).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";

const spec = YAML.parse(readFileSync(new URL("../../api-spec/openapi.yaml", import.meta.url), "utf8"));
const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] })));
const resolve = (node) => node?.$ref
  ? node.$ref.replace(/^#\//, "").split("/").reduce((n, k) => n[k.replace(/~1/g, "/")], spec)
  : node;

test("every operation has a description", () => {
  const missing = operations.filter(({ op }) => !(op.description ?? "").trim()).map(({ op }) => op.operationId);
  assert.deepEqual(missing, []);
});

test("every operation documents 500 and 503 as problems, 503 with Retry-After", () => {
  for (const { op } of operations) {
    for (const status of ["500", "503"]) {
      const r = resolve(op.responses[status]);
      assert.ok(r, `${op.operationId} lacks ${status}`);
      if (op.operationId === "getReadiness") continue;  // its 503 is the readiness report
      assert.ok(r.content?.["application/problem+json"], `${op.operationId} ${status} is not a problem`);
    }
    assert.ok(resolve(op.responses["503"]).headers?.["Retry-After"], `${op.operationId} 503 lacks Retry-After`);
  }
});

test("every response documents X-Request-Id and every operation takes it", () => {
  for (const { op } of operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      assert.ok(resolve(response).headers?.["X-Request-Id"], `${op.operationId} ${status} lacks X-Request-Id`);
    }
    const params = (op.parameters ?? []).map(resolve);
    assert.ok(params.some((p) => p.in === "header" && p.name === "X-Request-Id" && !p.required),
      `${op.operationId} does not take X-Request-Id`);
  }
});

test("every example is valid against its schema", () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(spec, "spec");
  const rebase = (schema) => schema.$ref
    ? { $ref: `spec${schema.$ref}` }
    : JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"spec#/components'));
  const failures = [];
  let checked = 0;
  const visit = (node, where) => {
    if (!node || typeof node !== "object") return;
    if (node.schema && (node.examples || node.example !== undefined)) {
      const validate = ajv.compile(rebase(node.schema));
      const all = node.examples
        ? Object.entries(node.examples).map(([name, e]) => [name, resolve(e).value])
        : [["example", node.example]];
      for (const [name, value] of all) {
        checked++;
        if (!validate(value)) failures.push(`${where} ${name}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    for (const [key, child] of Object.entries(node)) visit(child, `${where}/${key}`);
  };
  visit(spec.paths, "#/paths");
  visit(spec.components, "#/components");
  assert.deepEqual(failures, []);
  assert.ok(checked >= 10, `only ${checked} examples`);
});

test("the main operations answer with examples", () => {
  const example = (id, status) => {
    const { op } = operations.find((o) => o.op.operationId === id);
    const media = Object.values(resolve(op.responses[status]).content ?? {})[0] ?? {};
    return media.examples ?? media.example;
  };
  for (const [id, status] of [["createTrainee", "201"], ["getTrainee", "200"], ["createProject", "201"],
    ["listCandidates", "200"], ["createTrainee", "422"]]) {
    assert.ok(example(id, status), `${id} ${status} has no example`);
  }
});
