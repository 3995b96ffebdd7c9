// The personal-data matrix: what a firm can receive about a trainee. For a match
// in every state (and the ways into rejected and withdrawn that follow an
// acceptance, when the firm had seen the trainee's name), with and without the
// trainee's consent to share with firms abroad, every response a firm can get
// is scanned whole (the raw JSON text, not chosen fields) for every trainee's
// name, name parts, email, phone and programme. The README's
// rule: a firm sees `personal` (name, email, phone) in GET /v1/matches/{id}
// only when that match is accepted or approved and the trainee consented to
// sharing with firms abroad, each such read audited; nothing personal
// anywhere else, ever; programme never. Certifications are professional
// credentials (issue 16): firms see them pseudonymously (name, year, verified).
//
// Cells the service gets wrong today are listed here, run as node:test `todo`
// (reported, not failing the run), and marked `// DEFECT:` where expected.
const KNOWN_DEFECTS = {
  // "scenario | consent | view": "what the service does instead"
  // (none: withdrawing consent to matching now hides personal data again).
};

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startService, client, describe, assertConforms } from "./harness.mjs";

// How a match reaches each state; `firm`, `org` and `admin` make the moves.
const OFFERED = [["firm", "interviewing"], ["firm", "offered"]];
const ACCEPTED = [...OFFERED, ["org", "accepted"]];
const APPROVED = [...ACCEPTED, ["admin", "approved"]];
const SCENARIOS = [
  { name: "proposed", state: "proposed", round: true, steps: [] },
  { name: "shortlisted", state: "shortlisted", steps: [] },
  { name: "interviewing", state: "interviewing", steps: [["firm", "interviewing"]] },
  { name: "offered", state: "offered", steps: OFFERED },
  { name: "accepted", state: "accepted", steps: ACCEPTED },
  { name: "approved", state: "approved", steps: APPROVED },
  { name: "rejected by the firm", state: "rejected", steps: [["firm", "interviewing"], ["firm", "rejected"]] },
  { name: "rejected after acceptance", state: "rejected", steps: [...ACCEPTED, ["admin", "rejected"]] },
  { name: "withdrawn before acceptance", state: "withdrawn", steps: [...OFFERED, ["org", "withdrawn"]] },
  { name: "withdrawn after approval", state: "withdrawn", steps: [...APPROVED, ["org", "withdrawn"]] },
  { name: "erased after acceptance", state: "withdrawn", erased: true, steps: [...ACCEPTED, ["erase"]] },
  { name: "accepted, then consent changed", state: "accepted", flip: true, steps: [...ACCEPTED, ["flip consent"]] },
  { name: "approved, then consent changed", state: "approved", flip: true, steps: [...APPROVED, ["flip consent"]] },
  // "Trainees without matching consent never appear to firms": nor do their name and contact.
  // Withdrawing it withdraws a match still being decided; an approved placement stands.
  { name: "accepted, then consent to matching withdrawn", state: "withdrawn", unmatched: true, steps: [...ACCEPTED, ["withdraw matching consent"]] },
  { name: "approved, then consent to matching withdrawn", state: "approved", unmatched: true, steps: [...APPROVED, ["withdraw matching consent"]] },
];
const CONSENTS = [true, false];  // share_with_firms_abroad when registered

// The firm may see name, email and phone in its own GET /v1/matches/{id} only then.
const discloses = (s, consent) =>
  ["accepted", "approved"].includes(s.state) && (s.flip ? !consent : consent) && !s.erased && !s.unmatched;

// Every response a firm can receive about a match, with the status expected of
// it. `allowPersonal`: the match's trainee's name, email and phone may appear,
// and only in `personal`.
const VIEWS = [
  { view: "getMatch (own firm)", status: () => 200, personal: true,
    call: (c) => c("GET", "/v1/matches/{id}", { key: fx.key.firmA, params: { id: c.m.id } }) },
  { view: "listMatches", status: () => 200,
    call: (c) => c("GET", "/v1/matches", { key: fx.key.firmA, query: "?limit=200" }), lists: true },
  { view: "listMatches project_id", status: () => 200,
    call: (c) => c("GET", "/v1/matches", { key: fx.key.firmA, query: `?limit=200&project_id=${c.m.project_id}` }), lists: true },
  { view: "listMatches trainee_id", status: () => 200,
    call: (c) => c("GET", "/v1/matches", { key: fx.key.firmA, query: `?limit=200&trainee_id=${c.t.id}` }), lists: true },
  { view: "listMatches state", status: () => 200,
    call: (c) => c("GET", "/v1/matches", { key: fx.key.firmA, query: `?limit=200&state=${c.s.state}` }), lists: true },
  { view: "listMatchEvents", status: () => 200,
    call: (c) => c("GET", "/v1/matches/{id}/events", { key: fx.key.firmA, params: { id: c.m.id }, query: "?limit=200" }) },
  { view: "transitionMatch refused", status: () => 409,
    call: async (c) => c("POST", "/v1/matches/{id}/transitions", { key: fx.key.firmA, params: { id: c.m.id },
      body: { to: "accepted" }, headers: { "if-match": await etagOf(c.m.id) } }) },
  { view: "listCandidates", status: () => 200,
    call: (c) => c("GET", "/v1/projects/{id}/candidates", { key: fx.key.firmA, params: { id: c.m.project_id }, query: "?limit=100" }) },
  // An erased trainee, one without consent to matching, or one placed (an
  // approved placement) is no candidate.
  { view: "getCandidate", status: (s) => (s.erased || s.unmatched || s.state === "approved" ? 404 : 200),
    call: (c) => c("GET", "/v1/projects/{id}/candidates/{trainee_id}", { key: fx.key.firmA, params: { id: c.m.project_id, trainee_id: c.t.id } }) },
  { view: "listOpportunities", status: () => 403,
    call: (c) => c("GET", "/v1/trainees/{id}/opportunities", { key: fx.key.firmA, params: { id: c.t.id } }) },
  { view: "getTrainee", status: () => 403,
    call: (c) => c("GET", "/v1/trainees/{id}", { key: fx.key.firmA, params: { id: c.t.id } }) },
  { view: "listTrainees q", status: () => 403,
    call: (c) => c("GET", "/v1/trainees", { key: fx.key.firmA, query: `?q=${encodeURIComponent(c.t.program)}` }) },
  { view: "listAuditEvents trainee_id", status: () => 403,
    call: (c) => c("GET", "/v1/audit", { key: fx.key.firmA, query: `?trainee_id=${c.t.id}` }) },
  { view: "getMatch (another firm)", status: () => 404,
    call: (c) => c("GET", "/v1/matches/{id}", { key: fx.key.firmB, params: { id: c.m.id } }) },
  { view: "listMatchEvents (another firm)", status: () => 404,
    call: (c) => c("GET", "/v1/matches/{id}/events", { key: fx.key.firmB, params: { id: c.m.id } }) },
  { view: "getCandidate (another firm's project)", status: (s) => (s.erased || s.unmatched || s.state === "approved" ? 404 : 200),
    call: (c) => c("GET", "/v1/projects/{id}/candidates/{trainee_id}", { key: fx.key.firmB, params: { id: fx.project.B.id, trainee_id: c.t.id } }) },
];

let service;
let call;
const fx = { org: {}, key: {}, project: {} };
const trainees = [];  // every trainee registered, with what identifies them
const cases = [];     // {s, consent, t, m, firmResponses}
let serial = 0;

// Names, one of each per trainee: no part of one is a part of another's, so a
// trainee whose name may be shown cannot be mistaken for another.
const GIVEN = ["Shirin", "Tahmina", "Nusrat", "Rokeya", "Sumaiya", "Mehnaz", "Rubina", "Zarin", "Tanvir", "Rashed",
  "Mizanur", "Shahriar", "Towhid", "Imtiaz", "Farzana", "Jannatul", "Kamrun", "Lutfun", "Morium", "Nazneen", "Parvin",
  "Rumana", "Sabiha", "Tasnim", "Urmila", "Wahida", "Yasmin", "Zohra", "Habib", "Jubayer", "Kawsar", "Mostak"];
const FAMILY = ["Talukdar", "Chowdhury", "Majumder", "Sikdar", "Bhuiyan", "Patwary", "Howlader", "Mollah", "Sarkar",
  "Khondokar", "Munshi", "Pramanik", "Mridha", "Akhand", "Biswas", "Dewan", "Ghazali", "Hawlader", "Joarder", "Kabir",
  "Lasker", "Mazumdar", "Nandi", "Osmani", "Paikar", "Quraishi", "Rabbani", "Sheikh", "Tarafder", "Ullah", "Waziri", "Zaman"];
{
  const parts = [...GIVEN, ...FAMILY].map((w) => w.toLowerCase());
  for (const a of parts) for (const b of parts) if (a !== b && b.includes(a)) throw new Error(`name parts overlap: ${a} in ${b}`);
}

// A trainee of training organization A, with personal data unique to it.
async function newTrainee({ share, skills }) {
  const n = ++serial;
  assert.ok(n <= GIVEN.length, "enough distinct names");
  const given = GIVEN[n - 1];
  const family = FAMILY[n - 1];
  const person = {
    full_name: `${given} ${family}`,
    email: `${given}.${family}.${process.pid}@mail.example.bd`.toLowerCase(),
    phone: `+880171${String(process.pid % 1000).padStart(3, "0")}${String(n).padStart(4, "0")}`,
    program: `METI AI talent cohort 2026 batch ${process.pid}-${n}`,
    // Demographics (issue 17): never shown to a firm, disclosed or not.
    gender: n % 2 ? "female" : "male",
    district: `Rangpur district ${process.pid}-${n}`,
        // Professional credentials, which firms may see (issue 16): no name part in them.
    certifications: [{ name: `JLPT N4 certificate BD-${process.pid}-${n}`, year: 2025 }, { name: `AWS ML Specialty ${n}`, year: 2026 }],
  };
  const body = {
    ...person, country: "BD", city: "Dhaka", timezone: "Asia/Dhaka",
    skills: skills ?? [{ skill: "python", level: 4, years: 3 }, { skill: "pytorch", level: 3, years: 1 }],
    languages: { japanese: "N4", english: "B2" }, available_from: "2027-01-04", hours_per_week: 40,
    expected_monthly_rate: { amount: 1400, currency: "USD" }, domains: ["manufacturing"], engagement: ["offshore"],
    consent: { matching: true, share_with_firms_abroad: share },
  };
  const t = (await must(201, "POST", "/v1/trainees", { key: fx.key.orgA, body })).json;
  const entry = { ...person, id: t.id, alias: t.alias };
  trainees.push(entry);
  return entry;
}

// The strings that identify a trainee: name, its parts, email, its local
// part, phone (with and without +), programme.
function needles(t, { withContact = true } = {}) {
  const out = [t.program, t.district];
  if (withContact) {
    out.push(t.full_name, ...t.full_name.split(" ").filter((w) => w.length >= 4), t.email, t.email.split("@")[0], t.phone, t.phone.slice(1));
  }
  return out.map((s) => s.toLowerCase());
}

// Fails if `text` carries anything personal of any trainee; `except` is a
// trainee whose name and contact may appear (its programme never may).
function assertNoPersonalData(text, what, except) {
  const haystack = text.toLowerCase();
  for (const t of trainees) {
    for (const needle of needles(t, { withContact: t !== except })) {
      assert.ok(!haystack.includes(needle), `${what} carries "${needle}" (of trainee ${t.id}): ${text.slice(0, 600)}`);
    }
  }
}

async function must(status, method, template, opts) {
  const r = await call(method, template, opts);
  assert.equal(r.status, status, `set-up: ${describe(r)}`);
  return r;
}
async function etagOf(matchId) {
  return (await must(200, "GET", "/v1/matches/{id}", { key: service.admin, params: { id: matchId } })).headers.get("etag");
}

const REASON = { rejected: "the client paused the project", withdrawn: "the trainee chose a domestic position" };

// Builds one case: a trainee, its match, the moves; keeps each response the firm got.
async function build(s, consent) {
  const c = { s, consent, firmResponses: [] };
  if (s.round) {
    c.t = fx.roundTrainees[consent];
    c.m = fx.roundMatches.find((m) => m.trainee_id === c.t.id);
    assert.ok(c.m, "the round proposed a match for the trainee");
  } else {
    c.t = await newTrainee({ share: consent });
    const created = await must(201, "POST", "/v1/matches", { key: fx.key.firmA, body: { project_id: fx.project.A.id, trainee_id: c.t.id } });
    c.firmResponses.push(created);
    c.m = created.json;
  }
  for (const [who, to] of s.steps) {
    if (who === "erase") {
      await must(204, "DELETE", "/v1/trainees/{id}", { key: fx.key.orgA, params: { id: c.t.id } });
    } else if (who === "withdraw matching consent") {
      await must(200, "PATCH", "/v1/trainees/{id}", { key: fx.key.orgA, params: { id: c.t.id },
        body: { consent: { matching: false, share_with_firms_abroad: consent } } });
    } else if (who === "flip consent") {
      await must(200, "PATCH", "/v1/trainees/{id}", { key: fx.key.orgA, params: { id: c.t.id },
        body: { consent: { matching: true, share_with_firms_abroad: !consent } } });
    } else {
      const key = { firm: fx.key.firmA, org: fx.key.orgA, admin: service.admin }[who];
      const r = await must(200, "POST", "/v1/matches/{id}/transitions", { key, params: { id: c.m.id },
        body: REASON[to] ? { to, reason: REASON[to] } : { to }, headers: { "if-match": await etagOf(c.m.id) } });
      if (who === "firm") c.firmResponses.push(r);
    }
  }
  const now = (await must(200, "GET", "/v1/matches/{id}", { key: service.admin, params: { id: c.m.id } })).json;
  assert.equal(now.state, s.state, `set-up: the match reached ${s.state}`);
  c.m = now;
  return c;
}

before(async () => {
  service = await startService("personal", { KAKEHASHI_RATE_LIMIT: "0", KAKEHASHI_AUTH_FAILURE_LIMIT: "0" });
  call = client(service.base);
  await service.waitReady();
  const org = async (name, kind) => (await must(201, "POST", "/v1/organizations", { key: service.admin, body: { name, kind, country: kind === "firm" ? "JP" : "BD" } })).json;
  const key = async (o) => (await must(201, "POST", "/v1/organizations/{id}/api-keys", { key: service.admin, params: { id: o.id }, body: { label: "main" } })).json.secret;
  fx.org.firmA = await org("Toyoda Auto Parts", "firm");
  fx.org.firmB = await org("Hokuriku Smart Factory", "firm");
  fx.org.orgA = await org("Sylhet AI Institute", "training_provider");
  for (const name of ["firmA", "firmB", "orgA"]) fx.key[name] = await key(fx.org[name]);
  const PROJECT = { description: "Offshore team", domain: "manufacturing", japanese_min: "N5", start_date: "2027-02-01",
    duration_months: 6, overlap_hours_jst: 3, engagement: "offshore", status: "open" };
  const python = [{ skill: "python", min_level: 3, weight: 5, required: true }];
  fx.project.A = (await must(201, "POST", "/v1/projects", { key: fx.key.firmA, body: { ...PROJECT, title: "Visual inspection AI", skills: python, headcount: 40 } })).json;
  fx.project.B = (await must(201, "POST", "/v1/projects", { key: fx.key.firmB, body: { ...PROJECT, title: "Predictive maintenance", skills: python, headcount: 40 } })).json;

  // Proposed matches come from a round: a skill only two trainees have, a
  // project that needs it, a round over that project alone.
  const skill = (await must(201, "POST", "/v1/skills", { key: service.admin, body: { name: "Japanese OCR", category: "ai" } })).json;
  fx.roundTrainees = {};
  for (const share of CONSENTS) fx.roundTrainees[share] = await newTrainee({ share, skills: [{ skill: skill.name, level: 4 }] });
  fx.project.round = (await must(201, "POST", "/v1/projects", { key: fx.key.firmA,
    body: { ...PROJECT, title: "Invoice OCR", skills: [{ skill: skill.name, min_level: 3, required: true }], headcount: 2 } })).json;
  const round = (await must(201, "POST", "/v1/matching-rounds", { key: service.admin, body: { algorithm: "stable", project_ids: [fx.project.round.id] } })).json;
  fx.roundMatches = (await must(200, "GET", "/v1/matches", { key: service.admin, query: `?round_id=${round.id}` })).json.items;

  for (const s of SCENARIOS) for (const consent of CONSENTS) cases.push(await build(s, consent));
});

after(() => service?.stop());

test("every known defect names a cell", () => {
  const views = [...VIEWS.map((v) => v.view), "audit"];
  for (const cell of Object.keys(KNOWN_DEFECTS)) {
    const [name, consent, view] = cell.split(" | ");
    assert.ok(SCENARIOS.some((s) => s.name === name) && ["consents", "no consent"].includes(consent) && views.includes(view),
      `KNOWN_DEFECTS "${cell}" names no cell`);
  }
});

for (const s of SCENARIOS) {
  for (const consent of CONSENTS) {
    const label = `${s.name} | ${consent ? "consents" : "no consent"}`;
    test(label, async (t) => {
      const c = cases.find((x) => x.s === s && x.consent === consent);
      assert.ok(c, "the case was set up");
      const disclosed = discloses(s, consent);
      for (const v of VIEWS) {
        const expected = v.status(s);
        const defect = KNOWN_DEFECTS[`${label} | ${v.view}`];
        await t.test(`${v.view} → ${expected}${v.personal ? (disclosed ? ", personal shown" : ", personal null") : ""}`,
          defect ? { todo: `DEFECT: ${defect}` } : {}, async () => {
            const cc = Object.assign((...args) => call(...args), { s, t: c.t, m: c.m });
            const r = await v.call(cc);
            assert.equal(r.status, expected, describe(r));
            assertConforms(r);
            if (v.personal && r.status === 200) {
              if (disclosed) {
                assert.deepEqual(r.json.personal, { full_name: c.t.full_name, email: c.t.email, phone: c.t.phone }, describe(r));
                assert.match(r.headers.get("cache-control") ?? "", /no-store/, "personal data is not to be stored by caches");
              } else {
                assert.equal(r.json.personal, null, describe(r));
              }
              const { personal, ...rest } = r.json;
              assertNoPersonalData(JSON.stringify(rest), v.view);
              assertNoPersonalData(JSON.stringify(personal), `${v.view} personal`, disclosed ? c.t : undefined);
            } else {
              assertNoPersonalData(r.text, v.view);
            }
            if (v.lists && r.status === 200) {
              // Non-vacuous: the lists that should hold the match do.
              assert.ok(r.json.items.some((m) => m.id === c.m.id), `${v.view} lists the match`);
            }
          });
      }
      await t.test(`the firm's own create and move responses carry no personal data`, async () => {
        for (const r of c.firmResponses) assertNoPersonalData(r.text, `${r.method} ${r.template}`);
      });
      const auditDefect = KNOWN_DEFECTS[`${label} | audit`];
      await t.test(`a personal_data_read audit event ${disclosed ? "records" : "does not exist for"} the firm's reads`,
        auditDefect ? { todo: `DEFECT: ${auditDefect}` } : {}, async () => {
        const all = (await must(200, "GET", "/v1/audit", { key: service.admin, query: `?kind=personal_data_read&match_id=${c.m.id}` })).json.items;
        // The set-up's reads are the administrator's, audited as administrators' reads.
        assert.ok(all.every((e) => ["firm", "admin"].includes(e.actor.role)), "only firms' and administrators' reads are audited");
        const events = all.filter((e) => e.actor.role === "firm");
        if (disclosed) {
          // The firm read the match once.
          assert.equal(events.length, 1, "each disclosing read is one audit event");
          for (const e of events) {
            assert.equal(e.actor.organization_id, fx.org.firmA.id);
            assert.equal(e.trainee_id, c.t.id);
            assertNoPersonalData(JSON.stringify(e), "the audit event");
          }
        } else {
          assert.equal(events.length, 0, "nothing was disclosed, so nothing is audited");
        }
      });
    });
  }
}

test("a trainee who withdraws consent to matching disappears from the firm's candidates", async (t) => {
  const tr = await newTrainee({ share: true });
  const listed = async () => (await must(200, "GET", "/v1/projects/{id}/candidates", { key: fx.key.firmA,
    params: { id: fx.project.A.id }, query: "?limit=100" })).json.items.map((i) => i.trainee.id);
  await t.test("listed while consenting", async () => assert.ok((await listed()).includes(tr.id)));
  await must(200, "PATCH", "/v1/trainees/{id}", { key: fx.key.orgA, params: { id: tr.id }, body: { consent: { matching: false, share_with_firms_abroad: true } } });
  await t.test("not listed once consent is withdrawn", async () => assert.ok(!(await listed()).includes(tr.id)));
  await t.test("getCandidate → 404", async () => {
    const r = await call("GET", "/v1/projects/{id}/candidates/{trainee_id}", { key: fx.key.firmA, params: { id: fx.project.A.id, trainee_id: tr.id } });
    assert.equal(r.status, 404, describe(r));
    assertNoPersonalData(r.text, "getCandidate");
  });
  await t.test("createMatch → 422", async () => {
    const r = await call("POST", "/v1/matches", { key: fx.key.firmA, body: { project_id: fx.project.A.id, trainee_id: tr.id } });
    assert.equal(r.status, 422, describe(r));
    assertNoPersonalData(r.text, "createMatch");
  });
});

test("the firm's other responses carry no personal data", async (t) => {
  const views = [
    ["listProjects", 200, "GET", "/v1/projects", {}],
    ["getProject", 200, "GET", "/v1/projects/{id}", { params: { id: fx.project.A.id } }],
    ["getProject (round)", 200, "GET", "/v1/projects/{id}", { params: { id: fx.project.round.id } }],
    ["listCandidates (round project)", 200, "GET", "/v1/projects/{id}/candidates", { params: { id: fx.project.round.id } }],
    ["getMe", 200, "GET", "/v1/me", {}],
    ["listSkills", 200, "GET", "/v1/skills", {}],
    ["getOrganization", 200, "GET", "/v1/organizations/{id}", { params: { id: fx.org.firmA.id } }],
    ["getOrganization (training organization)", 404, "GET", "/v1/organizations/{id}", { params: { id: fx.org.orgA.id } }],
    ["listTrainees", 403, "GET", "/v1/trainees", {}],
    ["listAuditEvents", 403, "GET", "/v1/audit", {}],
    ["listMatchingRounds", 403, "GET", "/v1/matching-rounds", {}],
    ["getStats", 403, "GET", "/v1/stats", {}],
  ];
  for (const [name, status, method, template, opts] of views) {
    await t.test(`${name} → ${status}`, async () => {
      const r = await call(method, template, { key: fx.key.firmA, ...opts });
      assert.equal(r.status, status, describe(r));
      assertConforms(r);
      assertNoPersonalData(r.text, name);
    });
  }
});
