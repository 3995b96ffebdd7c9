// @ts-check
// The kakehashi review console: a client of the public API only. Plain ES
// modules, no build step (tests/e2e type-checks them with tsc --checkJs); the
// API key lives in sessionStorage and is sent as a bearer token, never put in
// a URL.
import { passwordSignIn, acceptInvitation, peopleView, managesPeople, endSession, accountView } from "./accounts.js";
import { inboxView, refreshUnread } from "./inbox.js";
import { reportsView, duplicatesView } from "./reports.js";
import { t, setLanguage, language, label, levelLabel, fieldName, fieldErrorText, problemText, formatNumber, formatMoney, formatDate, formatDateTime } from "./i18n.js";
import { rolesEditor, nearMissPanel, preferencesPanel, roundsPanel } from "./teams.js";
import { workFields } from "./trainee_work.js";
import { webhooksView, webhookDeliveriesView } from "./webhooks.js";
import { rateEvidenceView, workingTimeView, exchangeRatesView } from "./money.js";
import { loadSkillNames, skillLabel, proposalsView } from "./skills.js";
import { opportunitiesView, projectSideView } from "./opportunities.js";

const KEY = "kakehashi.key";
const main = /** @type {HTMLElement} */ (document.getElementById("main"));
/** @type {{ me: any, selected: string | null, csrf?: string | null, returnTo?: string | null }} */
const state = { me: null, selected: null, csrf: null };

// ---- DOM helpers (text only: no HTML from data ever reaches innerHTML) ----
/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children  nested arrays at any depth (a list of [label, input] pairs, say)
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
// Replaces an element's children, skipping absent ones (null, false).
/** @param {Element} el @param {...any} kids */
function put(el, ...kids) {
  el.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
}
// A message for everyone: read out by screen readers (the status region),
// and shown for a few seconds to those who see the page ("Saved." had been
// for screen readers only).
let toastTimer = 0;
const say = (/** @type {string} */ msg) => {
  /** @type {HTMLElement} */ (document.getElementById("status")).textContent = msg;
  const toast = /** @type {HTMLElement} */ (document.getElementById("toast"));
  toast.textContent = msg;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => { toast.textContent = ""; }, 6000);
};
/** @param {string} titleKey @param {...any} content */
function page(titleKey, ...content) {
  put(main, h("h1", { id: "page-title" }, t(titleKey)), ...content);
  document.title = `${t(titleKey)} · kakehashi`;
  main.focus();
}
const loading = () => h("p", { class: "loading" }, t("common.loading"));
const fmt = (/** @type {unknown} */ x, d = 3) => (typeof x === "number" ? formatNumber(x, d) : "—");

// ---- API ----
// Each route() starts a generation; reads for a past one are not delivered.
let routeGeneration = 0;
/** Runs `fn` after `ms` unless the view has been left meanwhile. @param {() => unknown} fn @param {number} ms */
function later(fn, ms) {
  const asked = routeGeneration;
  setTimeout(() => { if (asked === routeGeneration) fn(); }, ms);
}
// The path must be one the spec lists, the method one it gives that path,
// and a JSON body one the operation's schema takes (tests/e2e/types, from
// api-spec/openapi.yaml by openapi-typescript; the browser ignores this).
/** @typedef {{ status: number, ok: boolean, body: any, etag: string | null }} Answer */
/**
 * @template {string} P
 * @template {import("kakehashi-api").MethodOf<P>} M
 * @param {M} method @param {P} path @param {import("kakehashi-api").CallOptions<P, M>} [options]
 * @returns {Promise<Answer>}
 */
async function api(method, path, { body, headers = {}, raw, contentType } = {}) {
  const asked = routeGeneration;
  const key = sessionStorage.getItem(KEY);
  /** @type {Record<string, string>} */
  const h2 = { ...headers };
  if (key) h2.authorization = `Bearer ${key}`;
  // Signed in by the session cookie: a write proves it comes from this page.
  else if (state.csrf && method !== "GET") h2["x-csrf-token"] = state.csrf;
  let payload;
  if (raw !== undefined) { payload = raw; h2["content-type"] = contentType ?? "text/plain"; }
  else if (body !== undefined) { payload = JSON.stringify(body); h2["content-type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json"; }
  let res;
  try {
    res = await fetch(path, { method, headers: h2, body: payload });
  } catch {
    // No answer (the connection dropped, the server unreachable): a problem
    // like any other, so every view says so in the reader's language
    // instead of failing silently with an uncaught "Failed to fetch".
    if (method === "GET" && asked !== routeGeneration) return new Promise(() => {});
    return { status: 0, ok: false, body: { type: "https://kakehashi.example/problems/network", status: 0 }, etag: null };
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  // A read for a view that has been left (another hash, language or
  // sign-out) is dropped and the view's code stops here, so a slow earlier
  // view never draws over the one now shown. A write's answer is always
  // delivered: what it made (a webhook's secret) must reach the person.
  if (method === "GET" && asked !== routeGeneration) return new Promise(() => {});
  if (res.status === 401 && path !== "/v1/me" && !path.startsWith("/v1/session") && !path.startsWith("/v1/invitations/")) {
    // Back to this view after signing in again (an edit in progress is lost: say so).
    state.returnTo = location.hash;
    signOut(t(sessionStorage.getItem(KEY) ? "auth.expired" : "auth.session_expired"));
    throw new Error("unauthorized");
  }
  return { status: res.status, ok: res.ok, body: json, etag: res.headers.get("etag") };
}

// The field for a pointer, or for its closest ancestor on the form: an error
// at /skills/0/skill belongs beside a single "skills" text field. A field
// that holds several list items names them in data-pointers (a role's
// nice-to-have box: /roles/0/skills/2 /roles/0/skills/3).
/** @param {Element} form @param {string} pointer @returns {Element | null} */
function fieldFor(form, pointer) {
  for (let p = pointer; p; p = p.slice(0, Math.max(0, p.lastIndexOf("/")))) {
    const field = form.querySelector(`[data-pointer="${CSS.escape(p)}"]`) || form.querySelector(`[data-pointers~="${CSS.escape(p)}"]`);
    if (field) return field;
  }
  return null;
}

// A problem+json shown in the console's language (by its type and each
// error's code, not the server's English); field errors go beside their
// fields (elements with data-pointer), the rest in the box.
/** @param {Element} box @param {any} problem @param {Element} [form] */
function showProblem(box, problem, form) {
  put(box);
  if (form) {
    form.querySelectorAll(".field-error").forEach((e) => e.remove());
    form.querySelectorAll("[aria-invalid]").forEach((e) => { e.removeAttribute("aria-invalid"); e.removeAttribute("aria-describedby"); });
  }
  if (!problem) return;
  const unplaced = [];
  for (const [i, err] of (problem.errors || []).entries()) {
    const field = form ? fieldFor(form, err.pointer || "") : null;
    if (field) {
      const id = `err-${i}-${Math.random().toString(36).slice(2, 7)}`;
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
      // After the field and any message already there, in the errors' order.
      let after = field;
      while (after.nextElementSibling?.classList.contains("field-error")) after = after.nextElementSibling;
      after.insertAdjacentElement("afterend", h("p", { class: "field-error", id }, fieldErrorText(err)));
    } else unplaced.push(err);
  }
  const where = (/** @type {any} */ e) => [e.line ? t("import.line_n", { line: e.line }) : "", e.pointer ? fieldName(e.pointer) : ""].filter(Boolean).join(" · ");
  box.append(h("div", { class: "problem", role: "alert" },
    h("strong", {}, problemText(problem)),
    unplaced.length ? h("ul", {}, unplaced.map((e) => h("li", {}, where(e) ? t("common.field_error", { field: where(e), message: fieldErrorText(e) }) : fieldErrorText(e)))) : null,
    problem.status >= 500 && problem.request_id ? h("p", { class: "muted" }, t("common.request_id", { id: problem.request_id })) : null));
}

// ---- sign-in and navigation ----
/** @type {Record<string, [string, string][]>} */
const NAV = {
  admin: [["#/dashboard", "nav.dashboard"], ["#/round", "nav.round"], ["#/review", "nav.review"], ["#/audit", "nav.audit"], ["#/rates", "nav.rates"], ["#/proposals", "nav.proposals"], ["#/reports", "nav.reports"], ["#/duplicates", "nav.duplicates"], ["#/inbox", "nav.inbox"]],
  firm: [["#/projects", "nav.projects"], ["#/matches", "nav.matches"], ["#/inbox", "nav.inbox"]],
  training_org: [["#/trainees", "nav.trainees"], ["#/import", "nav.import"], ["#/matches", "nav.matches"], ["#/proposals", "nav.proposals"], ["#/inbox", "nav.inbox"]],
};

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
// What the view modules (teams.js, opportunities.js, skills.js) share of this module.
const ui = { h, put, api, page, showProblem, loading, say };

function renderChrome() {
  document.documentElement.lang = language();
  byId("skip").textContent = t("common.skip");
  byId("lang").textContent = t("common.language");
  byId("lang").setAttribute("lang", language() === "en" ? "ja" : "en");
  const out = byId("signout");
  out.textContent = t("auth.signout");
  out.hidden = !state.me;
  byId("who").textContent = state.me ? [state.me.person?.name, state.me.organization_name ?? "", label("role", state.me.role)].filter(Boolean).join(" · ") : "";
  const nav = byId("nav");
  nav.setAttribute("aria-label", t("nav.label"));
  const links = state.me ? [...NAV[state.me.role], ...(managesPeople(state.me) ? [["#/people", "nav.people"]] : []),
    ...(state.me.person?.role !== "viewer" ? [["#/webhooks", "nav.webhooks"]] : []),
    ...(state.me.person ? [["#/account", "nav.account"]] : [])] : [];
  put(nav, h("ul", {}, links.map(([href, key]) => h("li", {}, h("a", { href, "aria-current": location.hash.startsWith(href) ? "page" : null }, t(key),
    href === "#/inbox" ? [" ", h("span", { id: "unread", class: "badge", hidden: true })] : null)))));
}

/** @param {string} [message] */
function signOut(message) {
  // A session ends on the server too (the cookie is HttpOnly: only the server can clear it).
  const session = !sessionStorage.getItem(KEY) && state.me?.person;
  sessionStorage.removeItem(KEY);
  state.me = null;
  organizationNamesRead = null;
  const ended = session ? endSession(ctx, false).catch(() => {}) : Promise.resolve();
  ended.then(() => {
    state.csrf = null;
    location.hash = "#/signin";
    route();
    if (message) say(message);
  });
}

// People sign in with a password (accounts.js); the key form is for integrations.
function signIn() { passwordSignIn(ctx); }

/** @param {HTMLElement} box */
function keySignIn(box) {
  const input = h("input", { id: "key", type: "password", autocomplete: "off", "data-pointer": "key", required: true, spellcheck: "false" });
  const form = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, input.value.trim());
    const me = await api("GET", "/v1/me");
    if (!me.ok) {
      sessionStorage.removeItem(KEY);
      showProblem(box, { detail: t("auth.rejected"), errors: [{ pointer: "key", detail: t("auth.rejected") }] }, form);
      return;
    }
    state.me = me.body;
    location.hash = NAV[state.me.role][0][0];
  } },
  h("label", { for: "key" }, t("auth.key")), input,
  h("p", { class: "muted" }, t("auth.help")),
  h("div", { class: "actions" }, h("button", { class: "btn", type: "submit" }, t("auth.signin_key"))), box);
  return form;
}

// ---- shared pieces ----
/** @param {any} ex */
function explanationView(ex) {
  if (!ex) return h("p", { class: "muted" }, t("common.none"));
  return h("div", { class: "explanation" },
    h("p", {}, h("strong", {}, t("match.score_value", { score: fmt(ex.score) })), ex.eligible ? "" : [" · ", h("span", { class: "error" }, t("match.ineligible"))]),
    (ex.failed_constraints || []).length ? h("ul", { class: "error" }, ex.failed_constraints.map((/** @type {any} */ f) => h("li", {}, `${label("reason", f.code)}${f.skill ? ` (${skillLabel(f.skill)})` : ""}`))) : null,
    h("h3", {}, t("match.components")),
    h("ul", { class: "bars" }, (ex.components || []).map((/** @type {any} */ c) => {
      const fill = h("span");
      fill.style.width = `${Math.round(Math.max(0, Math.min(1, c.value)) * 100)}%`;
      const percent = new Intl.NumberFormat(language() === "ja" ? "ja-JP" : "en-GB", { style: "percent" }).format(Math.max(0, Math.min(1, c.value)));
      return h("li", {}, h("span", {}, label("component", c.name)),
        h("span", { class: "bar", role: "img", "aria-label": t("common.labelled", { label: label("component", c.name), value: percent }) }, fill),
        // The bar is how well the trainee meets this part (its value); the
        // figure is what it adds to the score, its value times its weight
        // (a bar at 45 % beside +0.000 read as a contradiction).
        h("span", {}, t("match.component_value", { percent, weight: typeof c.weight === "number" ? formatNumber(c.weight) : "—", contribution: fmt(c.contribution) })));
    })),
    h("p", {}, h("span", {}, t("match.matched_label")), " ", (ex.matched_skills || []).map((/** @type {any} */ s) => h("span", { class: "tag" }, `${skillLabel(s.skill)}${s.via && s.via !== s.skill ? ` ← ${skillLabel(s.via)}` : ""} ${formatNumber(Math.round(s.credit * 100))}%`))),
    h("p", {}, h("span", {}, t("match.missing_label")), " ", (ex.missing_skills || []).length ? ex.missing_skills.map((/** @type {any} */ s) => h("span", { class: "tag missing" }, skillLabel(s.skill))) : t("common.none")),
    rateEvidenceView(ex.rate_evidence), workingTimeView(ex.working_time));
}

/** @param {any} tr */
function traineeView(tr) {
  if (!tr) return null;
  const langs = tr.languages || {};
  const place = tr.city && tr.country ? t("trainee.place_value", { city: tr.city, country: tr.country }) : (tr.city || tr.country || "—");
  return h("dl", { class: "card" },
    h("dt", {}, t("trainee.alias")), h("dd", {}, tr.alias),
    h("dt", {}, t("trainee.place")), h("dd", {}, place),
    h("dt", {}, t("trainee.skills")), h("dd", {}, (tr.skills || []).map((/** @type {any} */ s) => h("span", { class: "tag" }, t("trainee.skill_level", { skill: skillLabel(s.skill), level: s.level })))),
    h("dt", {}, t("trainee.languages")), h("dd", {}, t("trainee.languages_value", { jlpt: levelLabel(langs.japanese), cefr: levelLabel(langs.english) })),
    (tr.certifications || []).length ? [h("dt", {}, t("trainee.credentials")), h("dd", {}, tr.certifications.map((/** @type {any} */ c) => h("span", { class: "tag" }, t(c.verified ? "trainee.credential_verified" : "trainee.credential", { name: c.name, year: c.year === null || c.year === undefined ? "—" : String(c.year) }))))] : null,
    h("dt", {}, t("trainee.available_from")), h("dd", {}, formatDate(tr.available_from)),
    // Firms are not shown a trainee's salary (they read the bill rate): no
    // row, rather than a "—" that reads as "no salary given".
    state.me?.role === "firm" ? null : [h("dt", {}, t("trainee.rate")), h("dd", {}, tr.rate_band ? t("common.range", { min: formatMoney(tr.rate_band.min, tr.rate_band.currency), max: formatMoney(tr.rate_band.max, tr.rate_band.currency) }) : "—")]);
}

// A project's demand; for a team's role, the role's own levels, skills and
// seats where it sets them (a role's match had shown the project's JLPT
// minimum, not the role's).
/** @param {any} project @param {any} [role] */
function projectView(project, role) {
  if (!project) return null;
  const p = role ? { ...project, skills: role.skills ?? project.skills, japanese_min: role.japanese_min ?? project.japanese_min,
    english_min: role.english_min ?? project.english_min, headcount: role.headcount } : project;
  const budget = p.budget_monthly;
  return h("dl", { class: "card" },
    h("dt", {}, t("project.title")), h("dd", {}, p.title),
    h("dt", {}, t("project.skills")), h("dd", {}, (p.skills || []).map((/** @type {any} */ s) => h("span", { class: "tag" }, t(s.required ? "project.skill_need_required" : "project.skill_need", { skill: skillLabel(s.skill), level: s.min_level })))),
    h("dt", {}, t("project.languages")), h("dd", {}, t("project.languages_value", { jlpt: levelLabel(p.japanese_min), cefr: levelLabel(p.english_min) })),
    h("dt", {}, t("project.headcount")), h("dd", {}, formatNumber(p.headcount)),
    h("dt", {}, t("project.start")), h("dd", {}, t("project.start_value", { date: formatDate(p.start_date), months: p.duration_months })),
    budget ? [h("dt", {}, t("project.budget")), h("dd", {}, budget.min !== null && budget.min !== undefined
      ? t("common.range", { min: formatMoney(budget.min, budget.currency), max: formatMoney(budget.max, budget.currency) }) : formatMoney(budget.max, budget.currency))] : null,
    h("dt", {}, t("project.status")), h("dd", {}, label("pstatus", p.status)));
}

// Organizations' names by id, for an administrator (read once per sign-in).
/** @type {Promise<Map<string, string>> | null} */
let organizationNamesRead = null;
function organizationNames() {
  organizationNamesRead ??= api("GET", "/v1/organizations?limit=200").then((r) =>
    new Map((r.ok ? r.body.items : []).map((/** @type {any} */ o) => [o.id, o.name])));
  return organizationNamesRead;
}

// The detail of one match, with the moves this role may make. Approving
// places the trainee and takes a seat, so it asks first, and the key `a`
// only opens that question.
/** @param {HTMLElement} pane @param {string} id @param {(id: string, to: string) => Promise<void>} [onChange] */
async function matchDetail(pane, id, onChange) {
  put(pane, loading());
  const m = await api("GET", `/v1/matches/${id}`);
  if (!m.ok) { showProblem(pane, m.body); return; }
  const match = m.body;
  // A training organization reads the firm's posting of its trainees' projects (issue 16).
  const read = await api("GET", `/v1/projects/${match.project_id}`);
  const project = read.ok ? read.body : null;
  const role = match.role ? project?.roles?.find((/** @type {any} */ x) => x.key === match.role) : null;
  // The programme office approves a placement knowing who places whom.
  const names = state.me?.role === "admin" ? await organizationNames() : null;
  const box = h("div");
  const reason = h("textarea", { id: "reason", rows: 2, "data-pointer": "/reason" });
  const move = async (/** @type {import("kakehashi-api").Schemas["MatchState"]} */ to, /** @type {any} */ offer = undefined) => {
    const body = { to, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}), ...(offer ? { offer } : {}) };
    const r = await api("POST", `/v1/matches/${id}/transitions`, { body, headers: { "if-match": m.etag ?? "" } });
    if (r.status === 412) { say(t("common.stale")); pane.prepend(h("p", { class: "notice", role: "alert" }, t("common.stale"))); later(() => matchDetail(pane, id, onChange), 800); return; }
    if (!r.ok) { showProblem(box, r.body, pane); return; }
    say(t("match.moved", { state: label("state", to) }));
    await onChange?.(id, to);
  };
  // Two moves ask first: approving places the trainee and takes a seat;
  // accepting an offer shows the firm the trainee's name and contacts, which
  // it saw only as an alias until then.
  const confirmBox = h("div");
  const askFirst = async (/** @type {"approved" | "accepted"} */ to) => {
    // The firm sees the contacts only with both consents (matching, and
    // sharing with firms abroad): the question says which will happen.
    let question = "match.confirm_approve", button = "match.confirm";
    if (to === "accepted") {
      const trainee = await api("GET", `/v1/trainees/${match.trainee_id}`);
      const shares = trainee.ok && trainee.body.consent?.matching && trainee.body.consent?.share_with_firms_abroad;
      question = shares ? "match.confirm_accept" : "match.confirm_accept_private";
      button = shares ? "match.confirm_accept_button" : "match.confirm_accept_private_button";
    }
    const yes = h("button", { class: "btn", type: "button", "data-confirm": to, onclick: () => move(to) }, t(button));
    put(confirmBox, h("div", { class: "notice", role: "group", "aria-labelledby": "confirm-q" },
      h("p", { id: "confirm-q" }, t(question, { alias: match.trainee_alias, project: match.project_title, firm: match.firm_name })),
      // What is accepted, or approved: the offer's terms, when the firm gave them.
      offerText ? h("p", { class: "offer" }, offerText) : null,
      h("div", { class: "actions" }, yes, h("button", { class: "btn secondary", type: "button", onclick: () => put(confirmBox) }, t("common.cancel")))));
    yes.focus();
  };
  // An offer goes with its terms, 人月単価 and the start: a firm had offered
  // with one click, and the training organization accepted not knowing
  // either. The rate starts at the candidate's bill rate in the budget's
  // currency, the start at the project's.
  const askOffer = async () => {
    // The bill rate as it is now (a match shortlisted by hand stores no rate
    // evidence, and the form had nothing to start from): the pair's live
    // explanation, shown beside the form too.
    const live = await api("GET", `/v1/projects/${match.project_id}/candidates/${match.trainee_id}${match.role ? `?role=${encodeURIComponent(match.role)}` : ""}`);
    const ev = (live.ok ? live.body.rate_evidence : null) ?? match.explanation?.rate_evidence;
    const currency = project?.budget_monthly?.currency ?? ev?.bill_rate?.currency ?? "JPY";
    const suggested = [ev?.bill_rate, ev?.bill_rate?.in_viewer_currency].find((x) => x && x.currency === currency);
    const field = (/** @type {string} */ key, /** @type {HTMLElement} */ input) => h("div", {}, h("label", { for: input.id }, t(key)), input);
    const amount = h("input", { id: "offer-rate", type: "number", min: "1", step: "any", inputmode: "decimal", value: suggested ? String(Math.round(suggested.amount)) : "", "data-pointer": "/offer/monthly_rate/amount" });
    const money = h("input", { id: "offer-currency", value: currency, maxlength: "3", size: "4", autocomplete: "off", "data-pointer": "/offer/monthly_rate/currency" });
    const start = h("input", { id: "offer-start", type: "date", value: project?.start_date ?? "", "data-pointer": "/offer/start_date" });
    const send = h("button", { class: "btn", type: "button", "data-confirm": "offered", onclick: () => {
      // The console offers with a rate: an offer without one had read
      // "人月単価 —" to the training organization, which accepted it.
      if (!amount.value.trim()) {
        showProblem(box, { status: 422, type: "https://kakehashi.example/problems/validation", errors: [{ pointer: "/offer/monthly_rate/amount", code: "required" }] }, pane);
        return;
      }
      /** @type {any} */
      const offer = { monthly_rate: { amount: Number(amount.value), currency: money.value.trim().toUpperCase() } };
      if (start.value) offer.start_date = start.value;
      return move("offered", offer);
    } }, t("match.offer_send"));
    put(confirmBox, h("div", { class: "notice", role: "group", "aria-labelledby": "offer-q" },
      h("p", { id: "offer-q" }, t("match.offer_question", { alias: match.trainee_alias, project: match.project_title })),
      rateEvidenceView(ev),
      h("div", { class: "grid" }, field("match.offer_rate", amount), field("match.offer_currency", money), field("match.offer_start", start)),
      h("div", { class: "actions" }, send, h("button", { class: "btn secondary", type: "button", onclick: () => put(confirmBox) }, t("common.cancel")))));
    amount.focus();
  };
  const offered = match.offer;
  const offerText = offered ? t("match.offer_value", {
    rate: offered.monthly_rate ? formatMoney(offered.monthly_rate.amount, offered.monthly_rate.currency) : t("match.offer_no_rate"),
    start: offered.start_date ? formatDate(offered.start_date) : "—" }) : null;
  const actions = match.allowed_transitions.map((/** @type {import("kakehashi-api").Schemas["MatchState"]} */ to) =>
    h("button", { class: `btn ${to === "rejected" || to === "withdrawn" ? "danger" : ""}`, type: "button", "data-to": to, onclick: () => (to === "approved" || to === "accepted" ? askFirst(to) : to === "offered" ? askOffer() : move(to)) }, t(`action.${to}`)));
  put(pane, 
    h("h2", { id: "detail-title", tabindex: "-1" }, `${match.trainee_alias} → ${match.project_title}`),
    h("p", {}, t("match.state_label"), " ", h("strong", { "data-state": match.state }, label("state", match.state)), " · ", t("match.score_value", { score: fmt(match.score) })),
    // A team's match is for one role: which one (the demand below is the whole project's).
    match.role ? h("p", { "data-role": match.role }, t("match.role_value", { role: role?.title ?? match.role })) : null,
    offerText ? h("p", { class: "offer" }, offerText) : null,
    names ? h("p", { class: "parties" }, t("match.parties", { firm: match.firm_name, school: names.get(match.training_org_id) ?? "—" }))
      : h("p", { class: "parties" }, t("match.firm_value", { firm: match.firm_name })),
    match.personal ? h("p", { class: "card" }, t("match.contact", { details: [match.personal.full_name, match.personal.email, match.personal.phone].filter(Boolean).join(" · ") })) : null,
    h("div", { class: "grid" },
      h("section", { "aria-labelledby": "demand-h" }, h("h3", { id: "demand-h" }, t("match.demand")), projectView(project, role) ?? h("p", {}, match.project_title)),
      h("section", { "aria-labelledby": "profile-h" }, h("h3", { id: "profile-h" }, t("match.profile")), traineeView(match.trainee))),
    h("section", { "aria-labelledby": "why-h" }, h("h3", { id: "why-h" }, t("match.explanation")), explanationView(match.explanation)),
    actions.length ? h("div", {}, h("label", { for: "reason" }, t("match.reason")), reason, h("div", { class: "actions" }, actions), confirmBox) : h("p", { class: "muted" }, t("match.no_moves")),
    box);
}

// A list of matches beside a detail pane. Each row opens through a real
// button (announced as one, reached with Tab); j/k move, Enter opens.
/** @param {string} titleKey @param {{ filters?: boolean, defaultState?: string }} [options] */
async function matchQueue(titleKey, { filters = true, defaultState = "" } = {}) {
  const list = h("div");
  const pane = h("section", { class: "card", "aria-live": "polite" }, h("p", { class: "muted" }, t("review.pick")));
  const stateSel = h("select", { id: "f-state" }, h("option", { value: "" }, t("common.any")),
    ["proposed", "shortlisted", "interviewing", "offered", "accepted", "approved", "rejected", "withdrawn"].map((s) => h("option", { value: s, selected: s === defaultState }, label("state", s))));
  const orgSel = h("select", { id: "f-org" }, h("option", { value: "" }, t("common.any")));
  if (state.me.role === "admin") {
    const orgs = await api("GET", "/v1/organizations?limit=200");
    orgSel.append(...(orgs.body?.items || []).map((/** @type {any} */ o) => h("option", { value: o.id }, o.name)));
  }
  const load = async () => {
    put(list, loading());
    const q = new URLSearchParams({ limit: "100" });
    if (stateSel.value) q.set("state", stateSel.value);
    if (orgSel.value) q.set("organization_id", orgSel.value);
    const r = await api("GET", `/v1/matches?${q}`);
    if (!r.ok) { showProblem(list, r.body); return; }
    if (!r.body.items.length) { put(list, h("p", { class: "muted" }, t("common.empty"))); return; }
    const rows = r.body.items.map((/** @type {any} */ m) => {
      // The row is clickable with a mouse too; the button is what a keyboard
      // and a screen reader reach.
      const tr = h("tr", { "data-id": m.id, onclick: (/** @type {MouseEvent} */ e) => { if (!(e.target instanceof HTMLButtonElement)) open(m.id); } },
        h("td", {}, h("button", { class: "link", type: "button", "data-open": m.id, onclick: () => open(m.id) }, m.trainee_alias)),
        h("td", {}, `${m.role ? `${m.project_title} · ${m.role}` : m.project_title} — ${m.firm_name}`), h("td", {}, label("state", m.state)), h("td", {}, fmt(m.score)));
      return tr;
    });
    put(list, h("table", {}, h("caption", { class: "visually-hidden" }, t(titleKey)),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("trainee.alias")), h("th", { scope: "col" }, t("project.title")), h("th", { scope: "col" }, t("match.state")), h("th", { scope: "col" }, t("match.score")))),
      h("tbody", {}, rows)));
  };
  const open = async (/** @type {string} */ id) => {
    state.selected = id;
    list.querySelectorAll("tr.selected").forEach((r) => r.classList.remove("selected"));
    list.querySelector(`tr[data-id="${id}"]`)?.classList.add("selected");
    await matchDetail(pane, id, async () => { await load(); await open(id); });
  };
  stateSel.addEventListener("change", load);
  orgSel.addEventListener("change", load);
  page(titleKey,
    filters ? h("div", { class: "row" }, h("div", {}, h("label", { for: "f-state" }, t("match.state")), stateSel),
      state.me.role === "admin" ? h("div", {}, h("label", { for: "f-org" }, t("dash.organization")), orgSel) : null) : null,
    h("p", { class: "muted" }, t(state.me.role === "admin" ? "review.keys" : "review.keys_member")),
    h("div", { class: "grid" }, h("section", { "aria-label": t("review.list") }, list), pane));
  main.onkeydown = (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || e.ctrlKey || e.metaKey || e.altKey) return;
    const rows = /** @type {HTMLElement[]} */ ([...list.querySelectorAll("tbody tr")]);
    const at = rows.findIndex((r) => r.dataset.id === state.selected);
    if (e.key === "j" || e.key === "k") {
      const next = rows[Math.max(0, Math.min(rows.length - 1, at + (e.key === "j" ? 1 : -1)))];
      if (next?.dataset.id) { next.querySelector("button")?.focus(); open(next.dataset.id); }
    } else if (e.key === "a") /** @type {HTMLElement | null} */ (pane.querySelector('[data-to="approved"]'))?.click();  // asks first
    else if (e.key === "r") {
      const reason = /** @type {HTMLElement | null} */ (pane.querySelector("#reason"));
      // The key moves the focus; it must not also type an "r" into the reason.
      if (reason) { e.preventDefault(); reason.focus(); }
    }
  };
  await load();
}

// ---- administrators ----
async function dashboard() {
  page("nav.dashboard", loading());
  const [s, rounds] = await Promise.all([api("GET", "/v1/stats"), api("GET", "/v1/matching-rounds?limit=5")]);
  if (!s.ok) { showProblem(main, s.body); return; }
  const statuses = ["active", "placed", "withdrawn"];
  page("nav.dashboard",
    h("section", { "aria-labelledby": "d1" }, h("h2", { id: "d1" }, t("dash.trainees")),
      h("table", { tabindex: "0" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("dash.organization")), statuses.map((x) => h("th", { scope: "col" }, t(`status.${x}`))), h("th", { scope: "col" }, t("dash.placement_rate")))),
        h("tbody", {}, s.body.trainees_by_organization.map((/** @type {any} */ o) => h("tr", {}, h("td", {}, o.name), statuses.map((x) => h("td", {}, formatNumber(o.by_status[x] ?? 0))),
          h("td", {}, t("round.pool_rate", { assigned: o.placed ?? 0, pool: o.pool ?? 0, rate: formatNumber(100 * (o.placement_rate ?? 0), 1) }))))))),
    h("section", { "aria-labelledby": "d2" }, h("h2", { id: "d2" }, t("dash.projects")),
      h("p", {}, t("dash.projects_summary", { open: s.body.projects.open, unfilled: s.body.projects.unfilled_seats }))),
    h("section", { "aria-labelledby": "d3" }, h("h2", { id: "d3" }, t("dash.matches")),
      h("ul", {}, Object.entries(s.body.matches_by_state).map(([k, v]) => h("li", {}, t("common.labelled", { label: label("state", k), value: Number(v) }))))),
    h("section", { "aria-labelledby": "d4" }, h("h2", { id: "d4" }, t("dash.rounds")),
      rounds.body?.items?.length ? h("ul", {}, rounds.body.items.map((/** @type {any} */ r) => h("li", {}, t(r.dry_run ? "dash.dry_round_line" : "dash.round_line", { when: formatDateTime(r.completed_at), algorithm: label("algorithm", r.algorithm), assigned: r.statistics.assigned, seats: r.statistics.seats })))) : h("p", { class: "muted" }, t("common.empty"))));
}

/** @param {any[]} perOrg @param {Record<string, string>} names */
function orgChart(perOrg, names) {
  const max = Math.max(1, ...perOrg.map((o) => o.assigned));
  return h("ul", { class: "bars", "aria-label": t("round.per_org") }, perOrg.map((o) => {
    const fill = h("span");
    fill.style.width = `${Math.round((o.assigned / max) * 100)}%`;
    const name = names[o.organization_id] ?? o.organization_id;
    // With its pool, the assignment is a placement rate (fairness across organizations).
    const text = o.pool !== undefined ? t("round.pool_rate", { assigned: o.assigned, pool: o.pool, rate: formatNumber(100 * (o.placement_rate ?? 0), 1) }) : formatNumber(o.assigned);
    return h("li", {}, h("span", {}, name), h("span", { class: "bar", role: "img", "aria-label": t("common.labelled", { label: name, value: text }) }, fill), h("span", {}, text));
  }));
}

async function roundView() {
  const [projects, orgs] = await Promise.all([api("GET", "/v1/projects?status=open&limit=200"), api("GET", "/v1/organizations?limit=200")]);
  const firmOf = Object.fromEntries((orgs.body?.items || []).map((/** @type {any} */ o) => [o.id, o.name]));
  const pickedFirm = new Map((projects.body?.items || []).map((/** @type {any} */ p) => [p.id, p.organization_id]));
  const box = h("div");
  const result = h("section", { "aria-live": "polite" });
  const alg = h("select", { id: "algorithm", "data-pointer": "/algorithm" }, h("option", { value: "stable" }, t("round.stable")), h("option", { value: "max_score" }, t("round.max_score")));
  const minScore = h("input", { id: "min_score", type: "number", min: "0", max: "1", step: "0.05", value: "0", "data-pointer": "/min_score" });
  const cap = h("input", { id: "cap", type: "number", min: "0", step: "1", value: "0", "data-pointer": "/max_per_org_per_project" });
  // A dry run unless the administrator says otherwise, and a real round
  // asks first: it proposes matches and notifies firms and training
  // organizations at once (one click had done so).
  const dryRun = h("input", { id: "dry_run", type: "checkbox", "data-pointer": "/dry_run", checked: true });
  const confirmBox = h("div");
  let confirmed = false;
  const pick = h("select", { id: "projects", multiple: true, size: 6, "data-pointer": "/project_ids" }, (projects.body?.items || []).map((/** @type {any} */ p) =>
    // Two firms' projects may share a title: each reads with its firm, start
    // and seats ("AI Engineer" had appeared three times, the same each time).
    h("option", { value: p.id }, t("round.project_option", { title: p.title, firm: firmOf[p.organization_id] ?? "—", start: p.start_date ?? "—", seats: p.headcount }))));
  const run = h("button", { class: "btn", type: "submit" }, t("round.run"));
  const form = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    if (!dryRun.checked && !confirmed) {
      const yes = h("button", { class: "btn", type: "button", "data-confirm": "round", onclick: () => { confirmed = true; put(confirmBox); form.requestSubmit(); } }, t("round.confirm_button"));
      put(confirmBox, h("div", { class: "notice", role: "group", "aria-labelledby": "round-confirm-q" },
        h("p", { id: "round-confirm-q" }, t("round.confirm")),
        h("div", { class: "actions" }, yes, h("button", { class: "btn secondary", type: "button", onclick: () => put(confirmBox) }, t("common.cancel")))));
      yes.focus();
      return;
    }
    confirmed = false;
    run.disabled = true;
    put(result, h("p", {}, h("progress", { "aria-label": t("round.running") }), " ", t("round.running")));
    /** @type {Record<string, unknown>} */
    const body = { algorithm: alg.value, min_score: Number(minScore.value) };
    if (Number(cap.value) > 0) body.max_per_org_per_project = Number(cap.value);
    if (dryRun.checked) body.dry_run = true;
    const ids = [...pick.selectedOptions].map((o) => o.value);
    if (ids.length) body.project_ids = ids;
    const r = await api("POST", "/v1/matching-rounds", { body: /** @type {import("kakehashi-api").Schemas["RoundInput"]} */ (body) });
    run.disabled = false;
    if (!r.ok) { put(result); showProblem(box, r.body, form); return; }
    showProblem(box, null, form);
    const orgs = await api("GET", "/v1/organizations?limit=200");
    const names = Object.fromEntries((orgs.body?.items || []).map((/** @type {any} */ o) => [o.id, o.name]));
    const st = r.body.statistics;
    // A real round's assignment is its matches; a dry run stores it in the
    // round (it has no matches: its table was empty).
    const assigned = r.body.dry_run ? (r.body.assignment || []).slice(0, 200).map((/** @type {any} */ a) => ({ trainee_alias: a.trainee_alias, project_title: a.project_title, role: a.role, score: a.score }))
      : (await api("GET", `/v1/matches?round_id=${r.body.id}&limit=200`)).body?.items || [];
    put(result, 
      h("h2", { id: "round-result", tabindex: "-1", "data-dry-run": r.body.dry_run ? "true" : "false" }, t(r.body.dry_run ? "round.result_dry" : "round.result")),
      h("p", {}, t("round.summary", { assigned: st.assigned, seats: st.seats, mean: fmt(st.mean_score), ms: Math.round(r.body.timings.total_ms) })),
      h("h3", {}, t("round.per_org")), orgChart(st.per_organization, names),
      h("h3", {}, t("round.assignments")),
      h("table", { tabindex: "0" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("trainee.alias")), h("th", { scope: "col" }, t("project.title")), h("th", { scope: "col" }, t("match.score")))),
        h("tbody", {}, assigned.map((/** @type {any} */ m) => h("tr", {}, h("td", {}, m.trainee_alias), h("td", {}, m.role ? `${m.project_title} (${m.role})` : m.project_title), h("td", {}, fmt(m.score)))))),
      h("h3", {}, t("round.unmatched")),
      h("p", {}, [t("round.unmatched_total", { count: st.unmatched?.count ?? 0 }),
        ...Object.entries(st.unmatched?.by_reason || {}).map(([k, v]) => t("common.labelled", { label: label("unmatched", k), value: Number(v) })),
        t("common.labelled", { label: t("unmatched.not_shortlisted"), value: st.unmatched?.not_shortlisted ?? 0 })].join(" · ")),
      // What each reason means, for the reasons this round gave (a
      // programme office had read "outranked" and "not shortlisted" as
      // words without a rule behind them).
      h("dl", { class: "reasons" }, [...Object.keys(st.unmatched?.by_reason || {}), ...(st.unmatched?.not_shortlisted ? ["not_shortlisted"] : [])]
        .map((k) => [h("dt", {}, label("unmatched", k)), h("dd", {}, t(`unmatched.means.${k}`))])),
      (st.unmatched?.items || []).length ? h("ul", {}, st.unmatched.items.slice(0, 50).map((/** @type {any} */ u) => h("li", {}, t("common.labelled", { label: u.alias, value: label("unmatched", u.reason) }))),
        (st.unmatched?.count ?? 0) > 50 ? h("li", { class: "muted" }, t("round.more_unmatched", { count: st.unmatched.count - 50 })) : null) : null,
      // Which projects keep seats free, and why (a dry run's "37 of 57 seats"
      // had said nothing of the other 20).
      (st.unfilled || []).length ? [h("h3", {}, t("round.unfilled")), h("ul", { class: "unfilled" }, st.unfilled.map((/** @type {any} */ u) =>
        h("li", {}, t("round.unfilled_item", { project: u.role ? `${u.title} (${u.role})` : u.title, firm: firmOf[pickedFirm.get(u.project_id) ?? ""] ?? "—", seats: u.seats, why: label("unfilled", u.reason) }))))] : null);
    /** @type {HTMLElement} */ (result.querySelector("#round-result")).focus();
    say(t(r.body.dry_run ? "round.dry_done" : "round.done"));
    put(tools, await roundsPanel(ui));
  } },
  h("label", { for: "algorithm" }, t("round.algorithm")), alg,
  h("label", { for: "projects" }, t("round.projects")), pick, h("p", { class: "muted" }, t("round.projects_help")),
  h("label", { for: "min_score" }, t("round.min_score")), minScore,
  h("label", { for: "cap" }, t("round.cap")), cap,
  h("label", { class: "inline" }, dryRun, t("round.dry_run")),
  h("div", { class: "actions" }, run), confirmBox, box);
  const tools = h("section");
  page("nav.round", form, result, tools);
  put(tools, await roundsPanel(ui));
}

async function auditView() {
  const list = h("div");
  const kind = h("select", { id: "a-kind" }, h("option", { value: "" }, t("common.any")), ["transition", "round", "personal_data_read", "consent", "account", "erasure"].map((k) => h("option", { value: k }, t(`audit.${k}`))));
  const matchId = h("input", { id: "a-match", "data-pointer": "match_id" });
  const box = h("div");
  let cursor = null;
  const load = async (/** @type {boolean} */ more = false) => {
    const q = new URLSearchParams({ limit: "50" });
    if (kind.value) q.set("kind", kind.value);
    if (matchId.value.trim()) q.set("match_id", matchId.value.trim());
    if (more && cursor) q.set("cursor", cursor);
    const r = await api("GET", `/v1/audit?${q}`);
    if (!r.ok) { showProblem(box, r.body, form); return; }
    showProblem(box, null, form);
    cursor = r.body.next_cursor;
    const rows = r.body.items.map((/** @type {any} */ e) => h("tr", {}, h("td", {}, h("time", { datetime: e.at }, formatDateTime(e.at))), h("td", {}, label("audit", e.kind)), h("td", {}, [e.actor.label, e.actor.role ? label("role", e.actor.role) : ""].filter(Boolean).join(" · ")),
      h("td", {}, e.from ? label("state", e.from) : "—"), h("td", {}, e.to ? label("state", e.to) : "—"), h("td", {}, e.reason ?? ""), h("td", {}, e.match_id ?? e.round_id ?? "")));
    const table = more ? list.querySelector("tbody") : null;
    if (table) table.append(...rows);
    else put(list, rows.length ? h("table", { tabindex: "0" }, h("thead", {}, h("tr", {}, ["audit.at", "audit.kind", "audit.actor", "audit.from", "audit.to", "audit.reason", "audit.subject"].map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, rows)) : h("p", { class: "muted" }, t("common.empty")));
    moreBtn.hidden = !cursor;
  };
  const moreBtn = h("button", { class: "btn secondary", type: "button", hidden: true, onclick: () => load(true) }, t("common.more"));
  const form = h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); load(); } },
    h("div", {}, h("label", { for: "a-kind" }, t("audit.kind")), kind),
    h("div", {}, h("label", { for: "a-match" }, t("audit.match")), matchId),
    h("button", { class: "btn", type: "submit" }, t("common.filter")));
  page("nav.audit", form, box, list, moreBtn);
  await load();
}

// ---- firms ----
async function projectsView() {
  page("nav.projects", loading());
  const r = await api("GET", "/v1/projects?limit=200");
  if (!r.ok) { showProblem(main, r.body); return; }
  page("nav.projects",
    h("p", {}, h("a", { href: "#/project/new", class: "btn" }, t("project.new"))),
    r.body.items.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("project.title")), h("th", { scope: "col" }, t("project.status")), h("th", { scope: "col" }, t("project.headcount")), h("th", { scope: "col" }, t("common.actions")))),
      h("tbody", {}, r.body.items.map((/** @type {any} */ p) => h("tr", {}, h("td", {}, p.title), h("td", {}, label("pstatus", p.status)), h("td", {}, formatNumber(p.headcount)),
        h("td", {}, h("a", { href: `#/candidates/${p.id}` }, t("project.candidates")), " · ", h("a", { href: `#/project/${p.id}` }, t("common.edit")))))))
      : h("p", { class: "muted" }, t("common.empty")));
}

/** @param {string} id */
async function projectForm(id) {
  const [skillList, existing, rates] = await Promise.all([api("GET", "/v1/skills"), id === "new" ? null : api("GET", `/v1/projects/${id}`), api("GET", "/v1/exchange-rates")]);
  const skills = skillList.body?.items || [];
  const p = existing?.body ?? { title: "", description: "", skills: [], headcount: 1, start_date: "", duration_months: 6, japanese_min: "none", english_min: "none", engagement: "offshore", status: "draft" };
  const box = h("div");
  const field = (/** @type {string} */ name, /** @type {string} */ key, /** @type {HTMLElement} */ input) => { input.id = `p-${name}`; input.dataset.pointer = `/${name}`; return h("div", {}, h("label", { for: input.id }, t(key)), input); };
  const title = h("input", { value: p.title, required: true });
  const description = h("textarea", { rows: 3 }); description.value = p.description ?? "";
  // With team roles the headcount is their seats' sum (the value typed was dropped unsaid).
  const headcount = h("input", { type: "number", min: "1", value: String(p.headcount), "aria-describedby": "p-headcount-help" });
  const start = h("input", { type: "date", value: p.start_date });
  const duration = h("input", { type: "number", min: "1", value: String(p.duration_months) });
  const jlpt = h("select", {}, ["none", "N5", "N4", "N3", "N2", "N1"].map((x) => h("option", { value: x, selected: x === p.japanese_min }, levelLabel(x))));
  const status = h("select", {}, ["draft", "open", "closed"].map((x) => h("option", { value: x, selected: x === p.status }, label("pstatus", x))));
  // Working time and availability (issue 16): hard constraints the firm sets.
  // 人月単価: the budget per person-month each candidate's bill rate is
  // compared with (a firm could not state it in the console; its candidates
  // all read "the project states no budget").
  const budget = p.budget_monthly ?? null;
  const budgetMin = h("input", { type: "number", min: "0", step: "1000", inputmode: "numeric", value: budget?.min ?? "" });
  const budgetMax = h("input", { type: "number", min: "0", step: "1000", inputmode: "numeric", value: budget?.max ?? "" });
  const storedCurrency = budget?.currency ?? "JPY";
  const rated = (rates?.body?.items || []).map((/** @type {any} */ r) => String(r.currency));
  const budgetCurrency = h("select", {}, [...new Set([storedCurrency, "JPY", "USD", "BDT", ...rated.sort()])].map((c) => h("option", { value: c, selected: c === storedCurrency }, c)));
  const minOverlap = h("input", { type: "number", min: "0", max: "9", step: "0.5", value: String(p.min_overlap_hours_jst ?? 0) });
  const minHours = h("input", { type: "number", min: "0", max: "80", value: String(p.min_hours_per_week ?? 0) });
  const tolerance = h("input", { type: "number", min: "0", max: "24", value: String(p.availability_tolerance_months ?? 1) });
  const rows = h("div", { id: "skill-rows" });
  // Skills in the reader's language (the API takes either name): in 日本語
  // the Japanese name, the canonical one beside it as the hint.
  const datalist = h("datalist", { id: "skill-names" }, skills.map((/** @type {any} */ s) => h("option", { value: skillLabel(s.name), label: language() === "ja" ? s.name : s.name_ja ?? s.name })));
  let n = 0;
  const addRow = (s = { skill: "", min_level: 3, weight: 3, required: false }) => {
    const i = n++;
    const row = h("fieldset", { class: "row" }, h("legend", {}, t("project.skill_n", { n: i + 1 })),
      h("div", {}, h("label", { for: `s-${i}` }, t("project.skill")), h("input", { id: `s-${i}`, list: "skill-names", value: s.skill && skillLabel(s.skill), "data-role": "skill", "data-pointer": `/skills/${rows.children.length}/skill` })),
      h("div", {}, h("label", { for: `l-${i}` }, t("project.min_level")), h("input", { id: `l-${i}`, type: "number", min: "1", max: "5", value: String(s.min_level), "data-role": "level" })),
      h("div", {}, h("label", { for: `w-${i}` }, t("project.weight")), h("input", { id: `w-${i}`, type: "number", min: "1", max: "5", value: String(s.weight), "data-role": "weight" })),
      h("label", { class: "inline" }, h("input", { type: "checkbox", "data-role": "required", checked: s.required }), t("project.required")),
      h("button", { class: "btn secondary", type: "button", onclick: () => row.remove() }, t("common.remove")));
    rows.append(row);
  };
  (p.skills.length ? p.skills : [undefined]).forEach((s) => addRow(s));
  const roles = rolesEditor(ui, p.roles || []);
  // A new project is created once however often Save is pressed (a slow
  // answer and three presses had made three projects): the button waits for
  // the answer, and the form's one Idempotency-Key makes a retry a replay.
  const createKey = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const save = h("button", { class: "btn", type: "submit" }, t("common.save"));
  const form = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    if (save.disabled) return;
    const value = (/** @type {Element} */ r, /** @type {string} */ role) => /** @type {HTMLInputElement} */ (r.querySelector(`[data-role="${role}"]`));
    /** @type {Record<string, unknown>} */
    const body = { title: title.value, description: description.value || undefined, headcount: Number(headcount.value), start_date: start.value, duration_months: Number(duration.value), japanese_min: jlpt.value, status: status.value,
      min_overlap_hours_jst: Number(minOverlap.value), min_hours_per_week: Number(minHours.value), availability_tolerance_months: Number(tolerance.value),
      skills: [...rows.children].map((r) => ({ skill: value(r, "skill").value, min_level: Number(value(r, "level").value), weight: Number(value(r, "weight").value), required: value(r, "required").checked })).filter((s) => s.skill) };
    if (!body.description) delete body.description;
    if (budgetMax.value !== "") {
      body.budget_monthly = { min: budgetMin.value === "" ? null : Number(budgetMin.value), max: Number(budgetMax.value), currency: budgetCurrency.value };
    }
    body.roles = roles.value();
    // With roles the headcount is their seats' sum, sent as such: an edit
    // that adds roles to a project of one seat was refused (the merge patch
    // kept the stored headcount beside the new roles).
    const roleList = /** @type {any[]} */ (body.roles);
    if (roleList.length && roleList.every((r) => Number.isInteger(r.headcount) && r.headcount > 0)) body.headcount = roleList.reduce((sum, r) => sum + r.headcount, 0);
    else if (roleList.length) delete body.headcount;  // the roles' own errors say what is wrong
    save.disabled = true;
    const r = id === "new" || !existing ? await api("POST", "/v1/projects", { body: /** @type {import("kakehashi-api").Schemas["ProjectInput"]} */ (body), headers: { "idempotency-key": createKey } }) : await api("PATCH", `/v1/projects/${id}`, { body, headers: { "if-match": existing.etag ?? "" } });
    save.disabled = false;
    if (r.status === 412) { put(box, h("p", { class: "notice", role: "alert" }, t("common.stale"))); later(() => projectForm(id), 1200); return; }
    if (!r.ok) { showProblem(box, r.body, form); return; }
    say(t("common.saved"));
    location.hash = "#/projects";
  } },
  field("title", "project.title", title), field("description", "project.description", description),
  h("p", { class: "muted", id: "p-headcount-help" }, t("project.headcount_roles")),
  h("div", { class: "row" }, field("headcount", "project.headcount", headcount), field("start_date", "project.start", start), field("duration_months", "project.duration", duration), field("japanese_min", "project.jlpt", jlpt), field("status", "project.status", status)),
  h("div", { class: "row" }, field("budget_monthly/min", "project.budget_min", budgetMin), field("budget_monthly/max", "project.budget_max", budgetMax), field("budget_monthly/currency", "project.budget_currency", budgetCurrency)),
  h("div", { class: "row" }, field("min_overlap_hours_jst", "field.min_overlap_hours_jst", minOverlap), field("min_hours_per_week", "field.min_hours_per_week", minHours), field("availability_tolerance_months", "field.availability_tolerance_months", tolerance)),
  h("h2", {}, t("project.skills")), datalist, rows,
  h("button", { class: "btn secondary", type: "button", onclick: () => addRow() }, t("project.add_skill")),
  roles.element,
  h("div", { class: "actions" }, save), box);
  page(id === "new" ? "project.new" : "project.edit", form);
}

/** @param {string} projectId @param {string} [role] */
async function candidatesView(projectId, role = "") {
  page("project.candidates", loading());
  const project = await api("GET", `/v1/projects/${projectId}`);
  const roles = project.body?.roles || [];
  const r = await api("GET", `/v1/projects/${projectId}/candidates?limit=20${role ? `&role=${encodeURIComponent(role)}` : ""}`);
  if (!r.ok) { page("project.candidates", h("div", {}, "")); showProblem(main, r.body); return; }
  // The firm's own matches of this project (of this role), by trainee: a
  // candidate already in them says in which state, and one it rejected says
  // so (the ranking is by score alone, and a rejected trainee was shown
  // first again as if new).
  // A trainee has one open match per project, whichever role: one held for
  // another role is named with it (the second role's shortlist had answered
  // 409 to a button that looked free).
  /** @type {Map<string, {state: string, role: string | null}>} */
  const open = new Map();
  /** @type {Set<string>} */
  const rejected = new Set();
  for (let cursor = "", pages = 0; pages < 10; pages++) {
    const m = await api("GET", `/v1/matches?project_id=${projectId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (!m.ok) break;
    for (const x of m.body.items) {
      if (x.state === "rejected") { if (!role || x.role === role) rejected.add(x.trainee_id); }
      else if (x.state !== "withdrawn") open.set(x.trainee_id, { state: x.state, role: x.role });
    }
    if (!m.body.next_cursor) break;
    cursor = m.body.next_cursor;
  }
  const items = r.body.items.map((/** @type {any} */ c) => {
    const box = h("div");
    const held = open.get(c.trainee.id);
    const state = held?.state;
    const otherRole = held?.role && held.role !== role ? roles.find((/** @type {any} */ x) => x.key === held.role)?.title ?? held.role : null;
    const declined = !state && rejected.has(c.trainee.id);
    const btn = h("button", { class: "btn", type: "button", "data-trainee": c.trainee.id, onclick: async () => {
      btn.disabled = true;
      const m = await api("POST", "/v1/matches", { body: { project_id: projectId, trainee_id: c.trainee.id, ...(role ? { role } : {}) } });
      // Already in the firm's matches: say so, not "a duplicate of what is
      // registered" (the ranking still lists the trainees it shortlisted).
      if (m.status === 409 && m.body?.type === "https://kakehashi.example/problems/duplicate") { btn.textContent = t("candidate.already"); return; }
      if (!m.ok) { btn.disabled = false; showProblem(box, m.body); return; }
      btn.textContent = t("candidate.shortlisted");
      say(t("candidate.shortlisted"));
    } }, t(declined ? "candidate.shortlist_again" : "candidate.shortlist"));
    // A team's match is for one of its roles: the whole project's ranking
    // offers none (every press answered "/role: required").
    const action = state ? h("p", { class: "muted", "data-match-state": state }, otherRole
      ? t("candidate.in_matches_role", { state: label("state", state), role: otherRole }) : t("candidate.in_matches", { state: label("state", state) }))
      : roles.length && !role ? h("p", { class: "muted" }, t("candidate.pick_role")) : btn;
    const note = declined ? h("p", { class: "notice", "data-declined": "" }, t("candidate.rejected_before")) : null;
    return h("li", { class: "card" }, h("h2", {}, `#${c.rank} ${c.trainee.alias}`), note, h("div", { class: "grid" }, traineeView(c.trainee), explanationView(c)), h("div", { class: "actions" }, action), box);
  });
  const pickRole = roles.length ? h("nav", { "aria-label": t("team.role_pick") }, h("ul", { class: "inline" },
    [{ key: "", title: t("team.all_roles") }, ...roles].map((/** @type {any} */ x) => h("li", {}, h("a", { href: `#/candidates/${projectId}${x.key ? `/${x.key}` : ""}`, "aria-current": x.key === role ? "page" : null }, x.title))))) : null;
  // A team's near misses are per role: the whole project's view has none (it
  // showed the server's "choose a role" error).
  page("project.candidates", pickRole, roles.length && !role ? null : await nearMissPanel(ui, projectId, role), items.length ? h("ol", { class: "plain" }, items) : h("p", { class: "muted" }, t("common.empty")));
}

// ---- training organizations ----
async function traineesView() {
  const list = h("div");
  const q = h("input", { id: "q", type: "search" });
  const load = async () => {
    put(list, loading());
    const params = new URLSearchParams({ limit: "100" });
    if (q.value.trim()) params.set("q", q.value.trim());
    const r = await api("GET", `/v1/trainees?${params}`);
    if (!r.ok) { showProblem(list, r.body); return; }
    put(list, r.body.items.length ? h("table", {}, h("thead", {}, h("tr", {}, ["trainee.alias", "trainee.name", "trainee.place", "trainee.status", "common.actions"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, r.body.items.map((/** @type {any} */ x) => h("tr", {}, h("td", {}, x.alias), h("td", {}, x.full_name ?? "—"), h("td", {}, x.city ?? "—"), h("td", {}, label("status", x.status)),
        h("td", {}, h("a", { href: `#/trainee/${x.id}` }, t("trainee.opportunities")), " · ", h("a", { href: `#/trainee-edit/${x.id}` }, t("common.edit"))))))) : h("p", { class: "muted" }, t("common.empty")));
  };
  page("nav.trainees", h("form", { class: "row", role: "search", onsubmit: (e) => { e.preventDefault(); load(); } },
    h("div", {}, h("label", { for: "q" }, t(state.me.role === "training_org" ? "trainee.search_own" : "trainee.search")), q), h("button", { class: "btn", type: "submit" }, t("common.filter")), h("a", { href: "#/trainee-edit/new", class: "btn secondary" }, t("trainee.new"))), list);
  await load();
}

// A trainee's skills as text, "skill:level:years; …" (years only where
// recorded; names in the reader's language, which the API takes), and back.
// An item without a years part keeps the years stored for that skill
// (matched by either name, ignoring case); an empty years part ("Python:5:")
// clears them. Text that is not a number is sent as it is, so the API's
// problem names the item.
/** @param {any[]} list */
function skillsText(list) {
  return (list || []).map((s) => [skillLabel(s.skill), s.level, ...(s.years === null || s.years === undefined ? [] : [s.years])].join(":")).join("; ");
}
/** @param {string} text @param {any[]} [stored] */
function parseSkills(text, stored = []) {
  const years = new Map((stored || []).flatMap((s) => [[s.skill.toLowerCase(), s.years], [skillLabel(s.skill).toLowerCase(), s.years]]));
  const num = (/** @type {string} */ v) => (v !== "" && Number.isFinite(Number(v)) ? Number(v) : v);
  return text.split(";").map((s) => s.trim()).filter(Boolean).map((item) => {
    const [skill, level, ...rest] = item.split(":").map((part) => part.trim());
    /** @type {Record<string, unknown>} */
    const out = { skill, level: level === undefined ? 1 : num(level) };
    const y = rest.length ? num(rest.join(":")) : years.get(skill.toLowerCase());
    if (y !== undefined && y !== null && y !== "") out.years = y;
    return out;
  });
}

/** @param {string} id */
async function traineeForm(id) {
  const [existing, rates] = await Promise.all([id === "new" ? null : api("GET", `/v1/trainees/${id}`), api("GET", "/v1/exchange-rates")]);
  const x = existing?.body ?? { full_name: "", email: "", city: "", timezone: "Asia/Dhaka", skills: [], languages: { japanese: "none", english: "none" }, consent: { matching: false, share_with_firms_abroad: false } };
  const box = h("div");
  const input = (/** @type {string} */ name, /** @type {string} */ pointer, /** @type {string | undefined} */ value, attrs = {}) => h("input", { id: `t-${name}`, value: value ?? "", "data-pointer": pointer, ...attrs });
  const name = input("name", "/full_name", x.full_name); const email = input("email", "/email", x.email, { type: "email" });
  const phone = input("phone", "/phone", x.phone, { type: "tel", autocomplete: "off" });
  const program = input("program", "/program", x.program);
  const city = input("city", "/city", x.city); const tz = input("tz", "/timezone", x.timezone);
  const skills = input("skills", "/skills", skillsText(x.skills));
  const avail = input("avail", "/available_from", x.available_from, { type: "date" });
  const jlpt = h("select", { id: "t-jlpt", "data-pointer": "/languages/japanese" }, ["none", "N5", "N4", "N3", "N2", "N1"].map((v) => h("option", { value: v, selected: v === x.languages?.japanese }, levelLabel(v))));
  const matching = h("input", { type: "checkbox", id: "t-consent", checked: x.consent?.matching });
  const abroad = h("input", { type: "checkbox", id: "t-abroad", checked: x.consent?.share_with_firms_abroad });
  // Optional demographics (personal data, reported only in aggregate).
  const gender = h("select", { id: "t-gender", "data-pointer": "/gender" }, h("option", { value: "" }, t("trainee.gender_unstated")),
    ["female", "male", "other"].map((v) => h("option", { value: v, selected: v === x.gender }, label("gender", v))));
  const district = input("district", "/district", x.district);
  const work = workFields(h, x, id === "new" || !existing, (rates.body?.items ?? []).map((/** @type {any} */ r) => r.currency));
  const form = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    // Only the fields this form shows, and of its work and pay part only what
    // changed (trainee_work.js). On edit the body is a JSON merge patch:
    // everything else (country, certifications, domains,
    // engagement, status) stays as stored, and consent.recorded_at is never
    // sent (the server keeps that itself).
    /** @type {Record<string, unknown>} */
    const body = { full_name: name.value, email: email.value, phone: phone.value.trim() || null, program: program.value.trim() || null, city: city.value || null, timezone: tz.value || null, available_from: avail.value || null,
      skills: parseSkills(skills.value, x.skills),
      languages: { japanese: jlpt.value, ...(work.english() ? { english: work.english() } : {}) }, consent: { matching: matching.checked, share_with_firms_abroad: abroad.checked },
      gender: gender.value || null, district: district.value.trim() || null, ...work.changes() };
    if (id === "new") for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
    const r = id === "new" || !existing ? await api("POST", "/v1/trainees", { body: /** @type {import("kakehashi-api").Schemas["TraineeInput"]} */ (body) }) : await api("PATCH", `/v1/trainees/${id}`, { body, headers: { "if-match": existing.etag ?? "" } });
    if (r.status === 412) { put(box, h("p", { class: "notice", role: "alert" }, t("common.stale"))); later(() => traineeForm(id), 1200); return; }
    if (!r.ok) { showProblem(box, r.body, form); return; }
    say(t("common.saved"));
    location.hash = "#/trainees";
  } },
  h("label", { for: "t-name" }, t("trainee.name")), name, h("label", { for: "t-email" }, t("trainee.email")), email,
  h("label", { for: "t-phone" }, t("trainee.phone")), phone, h("label", { for: "t-program" }, t("trainee.program")), program,
  h("label", { for: "t-city" }, t("trainee.city")), city, h("label", { for: "t-tz" }, t("trainee.timezone")), tz,
  h("label", { for: "t-skills" }, t("trainee.skills")), skills, h("p", { class: "muted" }, t("trainee.skills_help")),
  h("label", { for: "t-jlpt" }, "JLPT"), jlpt, h("label", { for: "t-avail" }, t("trainee.available_from")), avail,
  work.element,
  h("fieldset", {}, h("legend", {}, t("trainee.consent")), h("label", { class: "inline", for: "t-consent" }, matching, t("trainee.consent_matching")), h("label", { class: "inline", for: "t-abroad" }, abroad, t("trainee.consent_abroad"))),
  h("fieldset", {}, h("legend", {}, t("trainee.demographics")), h("p", { class: "muted" }, t("trainee.demographics_help")),
    h("label", { for: "t-gender" }, t("trainee.gender")), gender, h("label", { for: "t-district" }, t("trainee.district")), district),
  h("div", { class: "actions" }, h("button", { class: "btn", type: "submit" }, t("common.save"))), box);
  page(id === "new" ? "trainee.new" : "trainee.edit", form);
}

// The trainee's side (issue 16): opportunities and projects with the firm made
// visible, in opportunities.js; skill proposals in skills.js.
/** @param {string} id */
async function traineeDetail(id) {
  // The opportunities with the firm made visible (opportunities.js), then the
  // trainee's wishes (teams.js).
  await opportunitiesView({ ...ui, explanationView }, id);
  const panel = await preferencesPanel(ui, id);
  if (panel) main.append(panel);
}

// The import's columns with one example row, as Excel opens it ("CSV UTF-8",
// with the byte-order mark, so Bangla and Japanese names survive).
const IMPORT_TEMPLATE = [
  "full_name,email,phone,gender,district,country,city,timezone,program,skills,japanese,english,available_from,hours_per_week,rate_amount,rate_currency,domains,engagement,consent_matching,consent_share_abroad,certifications,work_start,work_end,work_days",
  "Rahim Uddin,rahim.uddin@example.com,+8801712345678,male,Cumilla,BD,Dhaka,Asia/Dhaka,AI Engineer 2026,python:4:2.5;pytorch:3:1,N4,B2,2027-04-01,40,60000,BDT,manufacturing;automotive,offshore,true,true,JLPT N4:2025,09:00,18:00,sun;mon;tue;wed;thu",
].join("\r\n") + "\r\n";

async function importView() {
  const file = h("input", { id: "csv-file", type: "file", accept: ".csv,text/csv" });
  const text = h("textarea", { id: "csv", rows: 8, "data-pointer": "csv", spellcheck: "false" });
  const preview = h("section", { "aria-live": "polite" });
  const commit = h("button", { class: "btn", type: "button", disabled: true }, t("import.commit"));
  // One Idempotency-Key per text: pressing import again after a lost answer
  // (a dropped connection) gets the first import's figures, not every row
  // refused as already registered. getRandomValues also works over plain http.
  const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  let importKey = newKey();
  file.addEventListener("change", async () => { const chosen = file.files?.[0]; if (chosen) text.value = await chosen.text(); commit.disabled = true; importKey = newKey(); });
  text.addEventListener("input", () => { commit.disabled = true; importKey = newKey(); });
  // A coordinator re-imports the whole list after adding a few rows: the
  // trainees already registered are skipped, not every one an error (the
  // API could; the console could not say so).
  const skip = h("input", { id: "import-skip", type: "checkbox", "data-pointer": "on_duplicate" });
  skip.addEventListener("change", () => { commit.disabled = true; importKey = newKey(); });
  const send = async (/** @type {boolean} */ dry) => {
    put(preview, h("p", {}, h("progress", { "aria-label": t("import.working") }), " ", t("import.working")));
    const path = dry ? (skip.checked ? "/v1/trainees/import?dry_run=true&on_duplicate=skip" : "/v1/trainees/import?dry_run=true")
      : (skip.checked ? "/v1/trainees/import?on_duplicate=skip" : "/v1/trainees/import");
    const r = await api("POST", path, { raw: text.value, contentType: "text/csv", headers: dry ? {} : { "idempotency-key": importKey } });
    return r;
  };
  // A row's error names the field, and the spreadsheet's column it came from
  // (a salary error read "Expected monthly salary" to a coordinator whose
  // column is rate_amount).
  const column = (/** @type {string} */ pointer) => {
    const path = pointer.split("/").filter(Boolean);
    const [top, member] = path;
    const named = { expected_monthly_rate: { amount: "rate_amount", currency: "rate_currency" }, working_hours: { start: "work_start", end: "work_end", days: "work_days" },
      languages: { japanese: "japanese", english: "english" }, consent: { matching: "consent_matching", share_with_firms_abroad: "consent_share_abroad" } };
    return (/** @type {any} */ (named))[top]?.[member] ?? (path.length && !/^\d+$/.test(top) && !(top in named) ? top : null);
  };
  const fieldCell = (/** @type {any} */ e) => {
    if (!e.pointer) return "—";
    const col = column(e.pointer);
    return col ? t("import.field_column", { field: fieldName(e.pointer), column: col }) : fieldName(e.pointer);
  };
  const errorsTable = (/** @type {any[]} */ errors) => h("table", { class: "errors", tabindex: "0" }, h("caption", {}, t("import.errors")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("import.line")), h("th", { scope: "col" }, t("import.field")), h("th", { scope: "col" }, t("import.problem")))),
    h("tbody", {}, errors.map((e) => h("tr", { "data-line": e.line }, h("td", {}, e.line ? t("import.line_n", { line: e.line }) : "—"), h("td", {}, fieldCell(e)), h("td", { "data-code": e.code }, fieldErrorText(e))))));
  const dry = h("button", { class: "btn secondary", type: "button", onclick: async () => {
    const r = await send(true);
    if (!r.ok) { showProblem(preview, r.body); return; }
    const b = r.body;
    put(preview, h("h2", {}, t("import.preview")), h("p", {}, t("import.summary", { rows: b.rows, valid: b.valid, would_create: b.would_create })),
      // All or nothing: valid rows are not created while another row has a problem.
      b.errors.length ? h("p", { class: "notice" }, t("import.all_or_nothing")) : null,
      b.errors.length ? errorsTable(b.errors) : h("p", { class: "ok" }, t("import.clean")),
      b.duplicates.length ? h("ul", {}, b.duplicates.map((/** @type {any} */ d) => h("li", {}, t("import.duplicate", { line: d.line, email: d.email,
        reason: d.reason === "already registered in this organization" ? t("import.reason.registered") : d.reason === "repeats an earlier row" ? t("import.reason.repeated_row") : d.reason }))),
        b.duplicates_total > b.duplicates.length ? h("li", {}, t("import.duplicates_more", { count: b.duplicates_total - b.duplicates.length })) : null) : null);
    commit.disabled = b.errors.length > 0 || b.would_create === 0;
  } }, t("import.dry_run"));
  commit.addEventListener("click", async () => {
    commit.disabled = true;
    const r = await send(false);
    if (r.status === 0) {
      // No answer (the connection dropped): the import may have been stored;
      // pressing again sends the same key, so nothing is imported twice.
      put(preview, h("p", { class: "error", role: "alert" }, t("import.lost")));
      commit.disabled = false;
      return;
    }
    if (!r.ok) { put(preview); if (r.body?.errors) preview.append(errorsTable(r.body.errors)); showProblem(preview.appendChild(h("div")), { ...r.body, errors: [] }); return; }
    put(preview, h("p", { class: "ok", role: "alert" }, t(r.body.replayed ? "import.created_before" : "import.created_n", { count: r.body.created }),
      skip.checked && r.body.duplicates_total ? ` ${t("import.skipped_n", { count: r.body.duplicates_total })}` : ""));
  });
  const template = h("a", { href: `data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${IMPORT_TEMPLATE}`)}`, download: "kakehashi-trainees-template.csv" }, t("import.template"));
  page("nav.import", h("p", { class: "muted" }, t("import.help")), h("p", {}, template, " ", h("span", { class: "muted" }, t("import.template_help"))),
    h("label", { for: "csv-file" }, t("import.file")), file,
    h("label", { for: "csv" }, t("import.text")), text,
    h("label", { class: "inline" }, skip, t("import.skip_registered")),
    h("div", { class: "actions" }, dry, commit), preview);
}

// ---- routing ----
async function route() {
  routeGeneration += 1;
  main.onkeydown = null;
  if (location.hash.startsWith("#accept=")) { state.me = null; renderChrome(); acceptInvitation(ctx, location.hash.slice(8)); return; }
  if (!state.me) {
    // An API key in this tab, or else the session cookie, if either still works.
    const me = await api("GET", "/v1/me");
    if (!me.ok) { sessionStorage.removeItem(KEY); state.csrf = null; renderChrome(); signIn(); return; }
    state.me = me.body;
    state.csrf = me.body.csrf_token ?? null;
  }
  const [, view, arg, role_arg = ""] = (location.hash || "").split("/");
  const role = state.me.role;
  /** @type {Record<string, () => Promise<void> | void>} */
  const views = {
    admin: { dashboard, round: roundView, review: () => matchQueue("nav.review", { defaultState: "accepted" }), audit: auditView,
      rates: () => exchangeRatesView({ api: (m, p, o) => api(/** @type {any} */ (m), /** @type {any} */ (p), o), page, showProblem, say, reload: route }),
      proposals: () => proposalsView(ui, "admin"),
      reports: () => reportsView({ h, put, page, api, showProblem, loading }), duplicates: () => duplicatesView({ h, put, page, api, showProblem, loading }) },
    firm: { projects: projectsView, project: () => projectForm(arg), candidates: () => candidatesView(arg, role_arg), matches: () => matchQueue("nav.matches") },
    training_org: { trainees: traineesView, "trainee-edit": () => traineeForm(arg), trainee: () => traineeDetail(arg), import: importView, matches: () => matchQueue("nav.matches"),
      "project-view": () => projectSideView(ui, arg), proposals: () => proposalsView(ui, "training_org") },
  }[role];
  if (managesPeople(state.me)) views.people = () => peopleView(ctx);
  if (state.me.person) views.account = () => accountView(ctx);
  const inboxHelpers = { h, put, page, api };
  views.inbox = () => inboxView(inboxHelpers);
  if (state.me.person?.role !== "viewer") {  // viewers change nothing: no page of forms for them
    views.webhooks = () => webhooksView(ui);
    views.webhook = () => webhookDeliveriesView(ui, arg);
  }
  if (!views[view]) { location.replace(NAV[role][0][0]); return; }
  renderChrome();
  await loadSkillNames(api);
  refreshUnread(inboxHelpers).catch(() => {});
  try { await views[view](); } catch (e) { const message = e instanceof Error ? e.message : String(e); if (message !== "unauthorized") { main.append(h("p", { class: "problem", role: "alert" }, t("common.failed_with", { message }))); } }
}

const ctx = { h, put, page, api, showProblem, say, state, route, keySignIn };

byId("lang").addEventListener("click", () => { setLanguage(language() === "en" ? "ja" : "en"); route(); });
byId("signout").addEventListener("click", () => signOut(t("auth.signed_out")));
window.addEventListener("hashchange", route);
route();
