// The deployment files, checked offline against real schemas and against what
// docs/operations.md promises of them:
//  - every manifest in docker/kubernetes/ (and migrate/) against the Kubernetes
//    OpenAPI schema of its apiVersion/kind, as compiled by the npm package
//    kubernetes-models (Kubernetes 1.27 API; types, required fields, enums),
//    plus a strict pass that rejects fields the API does not define (a typo such
//    as `readinesProbe` is otherwise silently ignored by the API server);
//  - `kubectl kustomize` output the same way, when kubectl is installed;
//  - docker/compose.yaml against the Compose Specification schema that the npm
//    package dclint ships;
//  - the policy: probes, resources, numeric non-root user matching the
//    Dockerfile, selectors of Service and PodDisruptionBudget matching the pods,
//    the Job running `migrate`, the database URL from a Secret, grace periods
//    longer than notice + drain.
// Set KAKEHASHI_MANIFESTS_DIR to check another copy of docker/ (the test of the
// test below breaks one on purpose).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync, mkdtempSync, cpSync, writeFileSync, rmSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { spawn, spawnSync } from "node:child_process";
import YAML from "yaml";
import Ajv from "ajv";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dockerDir = resolve(process.env.KAKEHASHI_MANIFESTS_DIR ?? join(here, "../../docker"));
const k8sDir = join(dockerDir, "kubernetes");

// ---------------------------------------------------------------- loading

function yamlFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

function parseAll(text, where) {
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true, merge: true });
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${where}: ${d.errors.map((e) => e.message).join("; ")}`);
  }
  return docs.map((d) => d.toJS()).filter((d) => d != null);
}

function loadManifests() {
  const out = [];
  for (const file of yamlFiles(k8sDir)) {
    for (const doc of parseAll(readFileSync(file, "utf8"), file)) out.push({ file, doc });
  }
  return out;
}

// ---------------------------------------------------------------- Kubernetes schemas

// apiVersion "apps/v1" -> kubernetes-models/apps/v1/Kind; "v1" -> kubernetes-models/v1/Kind
async function modelFor(apiVersion, kind) {
  const path = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    const mod = await import(path);
    return mod[kind];
  } catch (e) {
    throw new Error(`no schema for ${apiVersion} ${kind} (${path}): ${e.message}`);
  }
}

function schemaErrors(Model, doc) {
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    return e.errors.map((x) => `${x.instancePath || "/"} ${x.message} ${JSON.stringify(x.params)}`);
  }
}

// The strict pass: kubernetes-models' declaration files list the fields of each
// API type ("name"?: Type;), with imports naming the file of every nested type.
// Unknown fields are reported with their path; maps ({ [key: string]: ... }) and
// free-form values are not descended into.
const kmRoot = dirname(require.resolve("kubernetes-models/package.json"));
const amRoot = dirname(require.resolve("@kubernetes-models/apimachinery/package.json"));
const typeCache = new Map();

function resolveDts(fromFile, spec) {
  let base;
  if (spec.startsWith(".")) base = resolve(dirname(fromFile), spec);
  else if (spec.startsWith("@kubernetes-models/apimachinery/")) base = join(amRoot, spec.slice("@kubernetes-models/apimachinery/".length));
  else if (spec.startsWith("kubernetes-models/")) base = join(kmRoot, spec.slice("kubernetes-models/".length));
  else return null;
  base = base.replace(/\.js$/, "");
  return `${base}.d.ts`;
}

function readType(dtsFile) {
  if (typeCache.has(dtsFile)) return typeCache.get(dtsFile);
  const text = readFileSync(dtsFile, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  const imports = new Map();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    for (const name of m[1].split(",").map((s) => s.trim().split(/\s+as\s+/).pop()).filter(Boolean)) {
      imports.set(name, m[2]);
    }
  }
  const iface = text.match(/export interface \w+[^{]*\{([\s\S]*?)\n\}/);
  let fields = null;
  if (iface) {
    fields = new Map();
    // Inline object types ({ [key: string]: string; }) span lines: fold them first.
    let body = iface[1], prev;
    do { prev = body; body = body.replace(/\{[^{}]*\}/g, (m) => m.replace(/\s+/g, " ").replace(/[{}]/g, (b) => (b === "{" ? "\u27e8" : "\u27e9"))); } while (body !== prev);
    body = body.replace(/\u27e8/g, "{").replace(/\u27e9/g, "}");
    for (const m of body.matchAll(/^\s*"([^"]+)"\??:\s*(.+?);?\s*$/gm)) fields.set(m[1], m[2]);
  }
  const entry = { fields, imports };
  typeCache.set(dtsFile, entry);
  return entry;
}

function unknownFields(value, dtsFile, path, out) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const { fields, imports } = readType(dtsFile);
  if (!fields) return; // an alias (IntOrString, Quantity, Time...): no fields
  for (const [key, v] of Object.entries(value)) {
    const type = fields.get(key);
    if (type === undefined) {
      out.push(`${path}/${key}: not a field of ${dtsFile.slice(dtsFile.lastIndexOf("/") + 1, -5)}`);
      continue;
    }
    if (/^\{\s*\[key: string\]/.test(type)) continue; // a map: any keys
    const named = type.match(/\bI[A-Z]\w+/);
    if (!named || !imports.has(named[0])) continue;
    const next = resolveDts(dtsFile, imports.get(named[0]));
    if (!next || !existsSync(next)) continue;
    if (Array.isArray(v)) v.forEach((item, i) => unknownFields(item, next, `${path}/${key}/${i}`, out));
    else unknownFields(v, next, `${path}/${key}`, out);
  }
}

function strictErrors(apiVersion, kind, doc) {
  const file = join(kmRoot, apiVersion, `${kind}.d.ts`);
  const out = [];
  unknownFields(doc, file, "", out);
  return out;
}

async function checkKubernetesDoc(doc, where) {
  assert.ok(doc.apiVersion && doc.kind, `${where}: apiVersion and kind are required`);
  const Model = await modelFor(doc.apiVersion, doc.kind);
  const errors = [...schemaErrors(Model, doc), ...strictErrors(doc.apiVersion, doc.kind, doc)];
  assert.deepEqual(errors, [], `${where} (${doc.apiVersion} ${doc.kind} ${doc.metadata?.name}) does not match its schema`);
}

const KUSTOMIZATION_FIELDS = new Set([
  "apiVersion", "kind", "metadata", "resources", "components", "labels", "commonLabels", "commonAnnotations",
  "images", "namespace", "namePrefix", "nameSuffix", "patches", "configMapGenerator", "secretGenerator",
  "generatorOptions", "replicas", "replacements", "buildMetadata", "sortOptions", "openapi", "crds",
]);

function checkKustomization(doc, file) {
  assert.equal(doc.apiVersion, "kustomize.config.k8s.io/v1beta1", file);
  for (const key of Object.keys(doc)) assert.ok(KUSTOMIZATION_FIELDS.has(key), `${file}: unknown field ${key}`);
  for (const r of doc.resources ?? []) {
    assert.ok(existsSync(join(dirname(file), r)), `${file}: resource ${r} does not exist`);
  }
}

// ---------------------------------------------------------------- the tests

const manifests = loadManifests();
const kube = manifests.filter((m) => m.doc.kind !== "Kustomization");
const byKind = (kind) => kube.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const one = (kind) => {
  const all = byKind(kind);
  assert.equal(all.length, 1, `exactly one ${kind} in docker/kubernetes`);
  return all[0];
};

test("every manifest in docker/kubernetes matches the Kubernetes schema of its apiVersion/kind", async (t) => {
  assert.ok(kube.length >= 6, `found only ${kube.length} manifests in ${k8sDir}`);
  for (const { file, doc } of manifests) {
    await t.test(`${file.slice(k8sDir.length + 1)}: ${doc.kind} ${doc.metadata?.name ?? ""}`, async () => {
      if (doc.kind === "Kustomization") checkKustomization(doc, file);
      else await checkKubernetesDoc(doc, file);
    });
  }
});

test("every manifest is in a kustomization", () => {
  const listed = new Set();
  for (const { file, doc } of manifests.filter((m) => m.doc.kind === "Kustomization")) {
    for (const r of doc.resources ?? []) listed.add(resolve(dirname(file), r));
  }
  for (const { file } of kube) assert.ok(listed.has(file), `${file} is in no kustomization.yaml`);
});

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
test("kubectl kustomize output matches the schemas", { skip: kubectl.status !== 0 && "kubectl is not installed" }, async (t) => {
  for (const dir of [k8sDir, join(k8sDir, "migrate")]) {
    const r = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
    assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
    const docs = parseAll(r.stdout, `kustomize ${dir}`);
    assert.ok(docs.length > 0);
    for (const doc of docs) {
      await t.test(`${dir.slice(k8sDir.length) || "/"}: ${doc.kind} ${doc.metadata.name}`, () => checkKubernetesDoc(doc, `kustomize ${dir}`));
      assert.equal(doc.metadata.labels?.["app.kubernetes.io/part-of"], "kakehashi", `${doc.kind} carries the kustomization's label`);
    }
  }
});

function matches(selector, labels) {
  const ml = selector?.matchLabels ?? {};
  assert.ok(Object.keys(ml).length > 0 || selector?.matchExpressions?.length, "an empty selector selects everything");
  return Object.entries(ml).every(([k, v]) => labels?.[k] === v);
}

function dockerfileUser() {
  const text = readFileSync(join(dockerDir, "Dockerfile"), "utf8");
  const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
  assert.ok(users.length > 0, "the Dockerfile sets USER");
  const last = users.at(-1);
  assert.match(last, /^\d+(:\d+)?$/, "the Dockerfile's USER is numeric (runAsNonRoot cannot check a name)");
  const [uid, gid] = last.split(":").map(Number);
  return { uid, gid };
}

function podPolicy(pod, where, container) {
  const sc = pod.spec.securityContext ?? {};
  const c = container.securityContext ?? {};
  const runAsNonRoot = c.runAsNonRoot ?? sc.runAsNonRoot;
  const runAsUser = c.runAsUser ?? sc.runAsUser;
  assert.equal(runAsNonRoot, true, `${where}: runAsNonRoot`);
  assert.ok(Number.isInteger(runAsUser) && runAsUser > 0, `${where}: runAsUser is a non-zero number`);
  assert.equal(runAsUser, dockerfileUser().uid, `${where}: runAsUser is the Dockerfile's USER`);
  assert.equal(c.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation false`);
  assert.equal(c.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
  assert.ok(container.resources?.requests?.cpu && container.resources?.requests?.memory, `${where}: cpu and memory requests`);
  assert.ok(container.resources?.limits?.memory, `${where}: a memory limit`);
  // Configuration: the database URL only from the Secret, never in the ConfigMap or inline.
  const secrets = (container.envFrom ?? []).filter((e) => e.secretRef).map((e) => e.secretRef.name);
  assert.ok(secrets.length > 0, `${where}: environment from a Secret`);
  assert.ok(!(container.env ?? []).some((e) => e.name === "KAKEHASHI_DATABASE_URL" && e.value), `${where}: no inline database URL`);
  const secret = one("Secret");
  assert.ok(secrets.includes(secret.metadata.name), `${where}: reads Secret ${secret.metadata.name}`);
  const cms = (container.envFrom ?? []).filter((e) => e.configMapRef).map((e) => e.configMapRef.name);
  assert.ok(cms.includes(one("ConfigMap").metadata.name), `${where}: reads the ConfigMap`);
}

test("Deployment: probes, resources, numeric non-root user, grace period", () => {
  const d = one("Deployment");
  const pod = d.spec.template;
  assert.ok(matches(d.spec.selector, pod.metadata.labels), "the Deployment's selector matches its pods");
  const c = pod.spec.containers.find((x) => x.name === "kakehashi");
  assert.ok(c, "a container named kakehashi");
  assert.deepEqual(c.args, ["serve"]);
  const port = c.ports.find((p) => p.containerPort === 8080);
  assert.ok(port, "container port 8080");
  assert.equal(c.readinessProbe?.httpGet?.path, "/readyz", "readiness probe on /readyz");
  assert.equal(c.livenessProbe?.httpGet?.path, "/healthz", "liveness probe on /healthz (a database outage must not restart pods)");
  for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe].filter(Boolean)) {
    assert.ok([port.name, port.containerPort].includes(p.httpGet.port), "probes aim at the container's port");
  }
  assert.ok(c.resources.limits.cpu, "a cpu limit (KAKEHASHI_THREADS matches it)");
  podPolicy(pod, "Deployment kakehashi", c);
  for (const ic of pod.spec.initContainers ?? []) podPolicy(pod, `init container ${ic.name}`, ic);
  // SIGTERM comes after preStop; the drain must end before the kubelet's SIGKILL.
  const cm = one("ConfigMap").data;
  const drainS = Number(cm.KAKEHASHI_DRAIN_TIMEOUT_MS ?? 10000) / 1000 + Number(cm.KAKEHASHI_DRAIN_NOTICE_MS ?? 0) / 1000;
  const sleep = c.lifecycle?.preStop?.exec?.command?.[0] === "sleep" ? Number(c.lifecycle.preStop.exec.command[1]) : 0;
  assert.ok(pod.spec.terminationGracePeriodSeconds > sleep + drainS,
    `terminationGracePeriodSeconds ${pod.spec.terminationGracePeriodSeconds} > preStop ${sleep} s + drain ${drainS} s`);
  assert.ok(!("KAKEHASHI_DATABASE_URL" in cm), "the database URL is not in the ConfigMap");
  assert.ok("KAKEHASHI_DATABASE_URL" in (one("Secret").stringData ?? one("Secret").data ?? {}), "the Secret carries KAKEHASHI_DATABASE_URL");
});

test("Service and PodDisruptionBudget select the Deployment's pods", () => {
  const d = one("Deployment");
  const labels = d.spec.template.metadata.labels;
  const svc = one("Service");
  assert.ok(Object.entries(svc.spec.selector).every(([k, v]) => labels[k] === v) && Object.keys(svc.spec.selector).length > 0,
    "the Service's selector matches the pods");
  const ports = d.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
  for (const p of svc.spec.ports) {
    assert.ok(ports.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort), `Service port ${p.name} targets a container port`);
  }
  const pdb = one("PodDisruptionBudget");
  assert.ok(matches(pdb.spec.selector, labels), "the PodDisruptionBudget selects the pods");
  const min = pdb.spec.minAvailable;
  assert.ok(typeof min !== "number" || min < d.spec.replicas, "minAvailable below replicas (else no node can drain)");
});

test("the migration Job runs `kakehashi migrate` once, with the same configuration", () => {
  const job = one("Job");
  const pod = job.spec.template;
  assert.equal(pod.spec.restartPolicy, "Never");
  assert.equal(pod.spec.containers.length, 1);
  const c = pod.spec.containers[0];
  assert.deepEqual(c.args, ["migrate"]);
  assert.equal(c.image, one("Deployment").spec.template.spec.containers[0].image, "the Job runs the Deployment's image");
  podPolicy(pod, "Job", c);
  const svc = one("Service");
  assert.ok(!Object.entries(svc.spec.selector).every(([k, v]) => pod.metadata.labels?.[k] === v), "the Service does not select the Job's pod");
});

// ---------------------------------------------------------------- compose

const composeSchema = JSON.parse(readFileSync(join(dirname(require.resolve("dclint/package.json")), "schemas/compose.schema.json"), "utf8"));
const compose = parseAll(readFileSync(join(dockerDir, "compose.yaml"), "utf8"), "compose.yaml")[0];

function durationS(s) {
  const m = String(s).match(/^(\d+(?:\.\d+)?)(ms|s|m)$/);
  assert.ok(m, `duration ${s}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2]];
}

test("docker/compose.yaml matches the Compose Specification schema", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Draft-07, ajv's own default; its $schema is spelled without the "#" ajv registers.
  const { $schema, ...schema } = composeSchema;
  assert.match($schema, /draft-07/);
  const validate = ajv.compile(schema);
  const ok = validate(compose);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
});

test("compose: three health-checked replicas behind the balancer, grace above notice + drain", () => {
  const s = compose.services;
  const replicas = Object.keys(s).filter((n) => /^kakehashi-\d+$/.test(n));
  assert.equal(replicas.length, 3, "three replicas");
  for (const n of replicas) {
    const r = s[n];
    assert.deepEqual(r.command, ["serve"], n);
    assert.equal(r.healthcheck.test[0], "CMD", `${n}: exec-form healthcheck (CMD-SHELL runs dash)`);
    assert.ok(r.healthcheck.test.includes("probe"), `${n}: healthcheck is kakehashi probe`);
    assert.equal(r.depends_on.migrate.condition, "service_completed_successfully", `${n} starts after migrate`);
    assert.equal(r.depends_on.db.condition, "service_healthy");
    const e = r.environment;
    const need = Number(e.KAKEHASHI_DRAIN_NOTICE_MS ?? 0) / 1000 + Number(e.KAKEHASHI_DRAIN_TIMEOUT_MS ?? 10000) / 1000;
    assert.ok(durationS(r.stop_grace_period) > need, `${n}: stop_grace_period ${r.stop_grace_period} > notice + drain ${need} s`);
    assert.ok(!/^CMD-SHELL$/.test(r.healthcheck.test[0]));
  }
  assert.deepEqual(s.migrate.command, ["migrate"]);
  for (const n of replicas) assert.equal(s.lb.depends_on[n]?.condition, "service_healthy", `lb waits for ${n}`);
  // HAProxy's configuration names the same replicas and checks /readyz.
  const cfg = readFileSync(join(dockerDir, "lb/haproxy.cfg"), "utf8");
  for (const n of replicas) assert.match(cfg, new RegExp(`^\\s*server ${n} ${n}:8080`, "m"), `haproxy.cfg has server ${n}`);
  assert.match(cfg, /uri \/readyz/, "HAProxy checks /readyz");
  // Its check has to see the drain notice: down after fall x inter, before the notice ends.
  const inter = durationS(cfg.match(/\binter (\S+)/)[1]);
  const fall = Number(cfg.match(/\bfall (\d+)/)[1]);
  const notice = Number(s[replicas[0]].environment.KAKEHASHI_DRAIN_NOTICE_MS) / 1000;
  assert.ok(inter * fall < notice, `HAProxy marks a draining replica down (${fall} x ${inter} s) within the notice (${notice} s)`);
});

// ---------------------------------------------------------------- the test of the test

test("a broken manifest fails this test", { skip: process.env.KAKEHASHI_MANIFESTS_DIR && "already a copy" }, async () => {
  // Each breakage, and the test of this file that must then fail (the child
  // runs that one alone: loading every schema for each of six children was
  // this file's time). The children run at once.
  const schema = "matches the Kubernetes schema of its apiVersion/kind";
  const breakages = [
    ["kubernetes/deployment.yaml", (t) => t.replace("readinessProbe:", "readinesProbe:"), schema], // unknown field
    ["kubernetes/deployment.yaml", (t) => t.replace("runAsUser: 10001", 'runAsUser: "kakehashi"'), schema], // wrong type
    ["kubernetes/service.yaml", (t) => t.replace("type: ClusterIP", "type: ClusterIPs"), schema], // not in the enum
    ["kubernetes/poddisruptionbudget.yaml", (t) => t.replace("component: api", "component: apis"), "select the Deployment's pods"], // selects nothing
    ["kubernetes/migrate/job.yaml", (t) => t.replace('args: ["migrate"]', 'args: ["serve"]'), "the migration Job runs"],
    ["compose.yaml", (t) => t.replace("stop_grace_period: 20s", "stop_grace_priod: 20s"), "matches the Compose Specification schema"],
  ];
  // Not a subtest of this run: a child of its own, with its own exit status.
  const childEnv = { ...process.env };
  delete childEnv.NODE_TEST_CONTEXT;
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  await Promise.all(breakages.map(async ([file, edit, check]) => {
    const copy = mkdtempSync(join(tmpdir(), "kakehashi-manifests-"));
    try {
      cpSync(dockerDir, copy, { recursive: true, filter: (src) => !src.includes("/grafana") && !src.includes("/postgres") });
      const text = readFileSync(join(copy, file), "utf8");
      const broken = edit(text);
      assert.notEqual(broken, text, `the breakage of ${file} applies`);
      writeFileSync(join(copy, file), broken);
      const child = spawn(process.execPath, ["--test", "--test-reporter=tap", `--test-name-pattern=${escape(check)}`, fileURLToPath(import.meta.url)], {
        env: { ...childEnv, KAKEHASHI_MANIFESTS_DIR: copy }, cwd: here,
      });
      let stdout = "";
      child.stdout.on("data", (chunk) => { stdout += chunk; });
      const status = await new Promise((done) => child.on("close", done));
      assert.notEqual(status, 0, `broken ${file} passed "${check}":\n${stdout.slice(-2000)}`);
      assert.match(stdout, new RegExp(`^not ok \\d+ - .*${escape(check)}`, "m"), `broken ${file}: "${check}" is what failed:\n${stdout.slice(-2000)}`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }));
});
