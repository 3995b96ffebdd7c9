// @ts-check
// Issue 15 in the console: a firm's roles editor and near-miss panel, a
// training organization's preferences for a trainee, and an administrator's
// dry runs, comparison of two rounds and undo. The helpers come from app.js
// (`ui`), so this module shares its DOM and API rules: text only, the public
// API only.
import { t, label, levelLabel, formatNumber, formatMoney } from "./i18n.js";
import { skillLabel } from "./skills.js";

/**
 * @typedef {{ h: Function, put: Function, api: Function, showProblem: Function, say: Function }} Ui
 */

const LEVELS = ["", "none", "N5", "N4", "N3", "N2", "N1"];
const CEFR = ["", "none", "A1", "A2", "B1", "B2", "C1", "C2"];

/**
 * The roles of a team: rows of key, title, seats, JLPT and CEFR minimums and
 * the role's own must-have skills (comma-separated, blank: the project's).
 * @param {Ui} ui @param {any[]} roles
 * @returns {{ element: HTMLElement, value: () => any[] }}
 */
export function rolesEditor(ui, roles) {
  const { h } = ui;
  const rows = h("div", { id: "role-rows" });
  // Each role's skills as loaded: the text shows name and level only, so a
  // skill kept in the text keeps its weight (saving any edit of a team
  // project had given every skill the default weight). Must-haves and
  // nice-to-haves have a box each: with must-haves only, a role that left no
  // one eligible could not follow the near-miss hint "X as nice-to-have".
  /** @type {Map<number, {must: string, nice: string, skills: any[]}>} */
  const originals = new Map();
  const listed = (/** @type {any[]} */ skills, /** @type {boolean} */ required) =>
    skills.filter((s) => Boolean(s.required) === required).map((s) => `${skillLabel(s.skill)}:${s.min_level}`).join(", ");
  let n = 0;
  const add = (/** @type {any} */ r = { key: "", title: "", headcount: 1, japanese_min: null, english_min: null, skills: null }) => {
    const i = n++;
    const select = (/** @type {string[]} */ values, /** @type {string | null} */ current, /** @type {string} */ role) =>
      h("select", { id: `r${role}-${i}`, "data-role": role }, values.map((x) => h("option", { value: x, selected: (current ?? "") === x }, x ? levelLabel(x) : t("team.project_level"))));
    const must = listed(r.skills || [], true);
    const nice = listed(r.skills || [], false);
    originals.set(i, { must, nice, skills: r.skills || [] });
    const row = h("fieldset", { class: "row", "data-index": String(i) }, h("legend", {}, t("team.role_n", { n: i + 1 })),
      h("div", {}, h("label", { for: `rk-${i}` }, t("team.key")), h("input", { id: `rk-${i}`, value: r.key, "data-role": "key", pattern: "[a-z][a-z0-9_\\-]{0,39}", placeholder: t("team.key_auto"), autocomplete: "off" })),
      h("div", {}, h("label", { for: `rt-${i}` }, t("team.title")), h("input", { id: `rt-${i}`, value: r.title, "data-role": "title", required: true })),
      h("div", {}, h("label", { for: `rh-${i}` }, t("team.seats")), h("input", { id: `rh-${i}`, type: "number", min: "1", value: String(r.headcount), "data-role": "headcount" })),
      h("div", {}, h("label", { for: `rjlpt-${i}` }, t("project.jlpt")), select(LEVELS, r.japanese_min, "jlpt")),
      h("div", {}, h("label", { for: `rcefr-${i}` }, t("team.cefr")), select(CEFR, r.english_min, "cefr")),
      h("div", {}, h("label", { for: `rs-${i}` }, t("team.skills")), h("input", { id: `rs-${i}`, value: must, "data-role": "skills", placeholder: "PyTorch:3, Computer Vision:3" })),
      h("div", {}, h("label", { for: `rn-${i}` }, t("team.nice_skills")), h("input", { id: `rn-${i}`, value: nice, "data-role": "nice", placeholder: "Docker:2" })),
      h("button", { class: "btn secondary", type: "button", onclick: () => row.remove() }, t("common.remove")));
    rows.append(row);
  };
  (roles || []).forEach((r) => add(r));
  const element = h("section", {}, h("h2", {}, t("team.roles")), h("p", { class: "muted" }, t("team.help")), rows,
    h("button", { class: "btn secondary", type: "button", onclick: () => add() }, t("team.add_role")));
  const value = () => {
    const read = (/** @type {Element} */ row, /** @type {string} */ role) => /** @type {HTMLInputElement} */ (row.querySelector(`[data-role="${role}"]`)).value;
    // A key left blank is made from the title's Latin letters and digits
    // (Bridge SE: bridge_se; AIエンジニア: ai); a title with none (開発者)
    // gives role_1, role_2 by the role's place. Keys typed, or stored, are
    // kept as they are: matches and preferences name the role by its key.
    const used = new Set([...rows.children].map((row) => read(row, "key").trim()).filter(Boolean));
    const made = (/** @type {string} */ title, /** @type {number} */ n) => {
      const latin = title.normalize("NFKC").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
      const slug = (/^[0-9]/.test(latin) ? `role_${latin}` : latin).slice(0, 36);
      let key = slug || `role_${n}`;
      for (let k = 2; used.has(key); k++) key = `${slug || "role"}_${slug ? k : n + k - 1}`;
      used.add(key);
      return key;
    };
    return [...rows.children].map((row, n) => {
      const get = (/** @type {string} */ role) => read(row, role);
      // The server's errors name a role by its place now (/roles/1/title):
      // each field carries its pointer, so an error lands beside it.
      for (const [role, field] of [["key", "key"], ["title", "title"], ["headcount", "headcount"], ["jlpt", "japanese_min"], ["cefr", "english_min"]]) {
        /** @type {HTMLElement} */ (row.querySelector(`[data-role="${role}"]`)).dataset.pointer = `/roles/${n}/${field}`;
      }
      const original = originals.get(Number(/** @type {HTMLElement} */ (row).dataset.index));
      const must = get("skills").trim();
      const nice = get("nice").trim();
      // Must-haves first, then nice-to-haves: an error at /roles/n/skills/k
      // goes beside the box the k-th skill came from.
      const parse = (/** @type {string} */ text, /** @type {boolean} */ required) => {
        /** @type {Map<string, any>} */
        const before = new Map((original?.skills || []).flatMap((x) => [[String(x.skill).toLowerCase(), x], [skillLabel(String(x.skill)).toLowerCase(), x]]));
        // Japanese input types 、，： and full-width digits: read as , : and 0-9
        // (「ブリッジSE:3、日本語仕様書の読解:3」 had saved the first skill only).
        return text ? text.normalize("NFKC").split(/[,、]/).map((x) => x.trim()).filter(Boolean).map((x) => {
          const [skill, level] = x.split(":");
          const kept = before.get(skill.trim().toLowerCase());
          const out = { skill: skill.trim(), min_level: Number(level) || 3, required };
          return kept && kept.weight !== undefined && kept.weight !== null ? { ...out, weight: kept.weight } : out;
        }) : [];
      };
      const unchanged = original && original.skills.length && must === original.must.trim() && nice === original.nice.trim();
      const skills = unchanged ? [...original.skills].sort((a, b) => Number(Boolean(b.required)) - Number(Boolean(a.required)))
        : [...parse(must, true), ...parse(nice, false)];
      const mustCount = skills.filter((s) => s.required).length;
      const musts = /** @type {HTMLElement} */ (row.querySelector('[data-role="skills"]'));
      const nices = /** @type {HTMLElement} */ (row.querySelector('[data-role="nice"]'));
      // fieldFor walks a pointer up to the nearest field: /roles/n/skills/k
      // reaches the must-have box; the nice-to-have box takes its own indexes.
      musts.dataset.pointer = `/roles/${n}/skills`;
      delete nices.dataset.pointer;
      nices.dataset.pointers = skills.slice(mustCount).map((_, k) => `/roles/${n}/skills/${mustCount + k}`).join(" ");
      return {
        key: get("key").trim() || made(get("title"), n + 1), title: get("title"), headcount: Number(get("headcount")),
        japanese_min: get("jlpt") || null, english_min: get("cefr") || null,
        skills: skills.length ? skills : null,
      };
    });
  };
  return { element, value };
}

/**
 * "Why so few?": counts per constraint and what one relaxation would bring.
 * @param {Ui} ui @param {string} projectId @param {string} role
 * @returns {Promise<HTMLElement>}
 */
export async function nearMissPanel(ui, projectId, role) {
  const { h } = ui;
  const r = await ui.api("GET", `/v1/projects/${projectId}/near-misses${role ? `?role=${encodeURIComponent(role)}` : ""}`);
  if (!r.ok) { const box = h("div"); ui.showProblem(box, r.body); return box; }
  const b = r.body;
  const value = (/** @type {any} */ x) => (x === null || x === undefined ? "—" : typeof x === "number" ? formatNumber(x) : levelLabel(String(x)));
  return h("aside", { class: "card", id: "near-misses", "aria-labelledby": "near-title" },
    h("h2", { id: "near-title" }, t("near.title")),
    h("p", {}, t("near.summary", { eligible: b.eligible, pool: b.pool })),
    h("h3", {}, t("near.excluded")),
    h("ul", {}, Object.entries(b.excluded_by).map(([code, n]) => h("li", {}, t("common.labelled", { label: label("reason", code), value: Number(n) })))),
    h("h3", {}, t("near.relax")),
    h("ul", {}, b.relaxations.map((/** @type {any} */ x) => h("li", { "data-constraint": x.constraint },
      x.in_budget_currency
        ? t("near.budget", { from: formatMoney(x.in_budget_currency.from, x.in_budget_currency.currency), to: formatMoney(x.in_budget_currency.to, x.in_budget_currency.currency), count: x.newly_eligible })
        : t(`near.${x.constraint}`, { skill: x.skill ?? "", from: value(x.from), to: value(x.to), count: x.newly_eligible })))),
    h("p", { class: "muted" }, t("near.counts_only")));
}

/**
 * A training organization records what a trainee wants (ranked) and refuses.
 * @param {Ui} ui @param {string} traineeId
 * @returns {Promise<HTMLElement>}
 */
export async function preferencesPanel(ui, traineeId) {
  const { h } = ui;
  const [prefs, opps] = await Promise.all([ui.api("GET", `/v1/trainees/${traineeId}/preferences`), ui.api("GET", `/v1/trainees/${traineeId}/opportunities?limit=50`)]);
  const box = h("div");
  if (!prefs.ok) { ui.showProblem(box, prefs.body); return box; }
  /** @type {Map<string, string>} */
  const titles = new Map();
  for (const o of opps.body?.items || []) {
    titles.set(o.project.id, o.project.title);
    for (const r of o.project.roles || []) titles.set(`${o.project.id}/${r.key}`, `${o.project.title} / ${r.title}`);
  }
  const targets = [...titles.keys()];
  const choice = (/** @type {string} */ id, /** @type {string} */ chosen) => h("select", { id },
    h("option", { value: "" }, t("prefs.none")), targets.map((k) => h("option", { value: k, selected: k === chosen }, titles.get(k))));
  const keyOf = (/** @type {any} */ x) => (x.role ? `${x.project_id}/${x.role}` : x.project_id);
  const wanted = [0, 1, 2].map((i) => choice(`want-${i}`, prefs.body.wanted[i] ? keyOf(prefs.body.wanted[i]) : ""));
  const refused = [0, 1, 2].map((i) => choice(`refuse-${i}`, prefs.body.refused[i] ? keyOf(prefs.body.refused[i]) : ""));
  const toTarget = (/** @type {string} */ k) => { const [project_id, role] = k.split("/"); return role ? { project_id, role } : { project_id }; };
  const form = h("form", { onsubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    const body = { wanted: wanted.map((s) => s.value).filter(Boolean).map(toTarget), refused: refused.map((s) => s.value).filter(Boolean).map(toTarget) };
    const r = await ui.api("PUT", `/v1/trainees/${traineeId}/preferences`, { body });
    if (!r.ok) { ui.showProblem(box, r.body, form); return; }
    ui.showProblem(box, null, form);
    ui.say(t("common.saved"));
  } },
  h("h2", {}, t("prefs.title")), h("p", { class: "muted" }, t("prefs.help")),
  h("fieldset", {}, h("legend", {}, t("prefs.wanted")), wanted.map((s, i) => [h("label", { for: s.id }, t("prefs.rank_n", { n: i + 1 })), s])),
  h("fieldset", {}, h("legend", {}, t("prefs.refused")), refused.map((s, i) => [h("label", { for: s.id }, t("prefs.refused_n", { n: i + 1 })), s])),
  h("div", { class: "actions" }, h("button", { class: "btn", type: "submit" }, t("common.save"))), box);
  return form;
}

/**
 * An administrator's rounds: compare two (dry or real) and withdraw a real
 * round's still-proposed matches.
 * @param {Ui} ui
 * @returns {Promise<HTMLElement>}
 */
export async function roundsPanel(ui) {
  const { h, put } = ui;
  const list = await ui.api("GET", "/v1/matching-rounds?limit=20");
  const rounds = list.body?.items || [];
  const name = (/** @type {any} */ r) => t(r.dry_run ? "rounds.dry_name" : "rounds.real_name", { algorithm: label("algorithm", r.algorithm), when: r.completed_at.slice(0, 16).replace("T", " "), assigned: r.statistics.assigned });
  const pick = (/** @type {string} */ id, /** @type {number} */ at) => h("select", { id }, rounds.map((/** @type {any} */ r, /** @type {number} */ i) => h("option", { value: r.id, selected: i === at }, name(r))));
  const a = pick("cmp-a", 1), b = pick("cmp-b", 0);
  const out = h("section", { "aria-live": "polite" });
  const compare = h("button", { class: "btn", type: "button", onclick: async () => {
    const r = await ui.api("GET", `/v1/matching-rounds/compare?a=${a.value}&b=${b.value}`);
    if (!r.ok) { ui.showProblem(out, r.body); return; }
    const c = r.body;
    // Counts as whole numbers ("Assigned 41", not 41.000); scores to 3 places.
    const row = (/** @type {string} */ key, /** @type {string} */ field, /** @type {number} */ digits) => h("tr", {}, h("th", { scope: "row" }, t(key)), h("td", {}, formatNumber(c.a[field], digits)), h("td", {}, formatNumber(c.b[field], digits)), h("td", {}, formatNumber(c.difference[field], digits)));
    put(out, h("table", { tabindex: "0" }, h("thead", {}, h("tr", {}, h("th", {}), h("th", { scope: "col" }, "A"), h("th", { scope: "col" }, "B"), h("th", { scope: "col" }, t("rounds.difference")))),
      h("tbody", {}, row("round.assigned", "assigned", 0), row("rounds.total", "total_score", 3), row("round.mean", "mean_score", 3), row("dash.unfilled", "unfilled_seats", 0))),
      h("p", {}, t("rounds.pairs", { same: c.same_pairs, a: c.only_in_a, b: c.only_in_b })));
  } }, t("rounds.compare"));
  const undo = rounds.filter((/** @type {any} */ r) => !r.dry_run).slice(0, 5).map((/** @type {any} */ r) => {
    const reason = h("input", { id: `undo-${r.id}`, required: true });
    const box = h("div");
    return h("li", {}, name(r), " ", h("label", { for: reason.id }, t("match.reason")), reason,
      h("button", { class: "btn secondary", type: "button", onclick: async () => {
        if (!confirm(t("rounds.undo_confirm"))) return;
        const res = await ui.api("POST", `/v1/matching-rounds/${r.id}/withdraw-proposed`, { body: { reason: reason.value } });
        if (!res.ok) { ui.showProblem(box, res.body); return; }
        ui.say(t("rounds.undone", { count: res.body.withdrawn }));
      } }, t("rounds.undo")), box);
  });
  return h("section", {}, h("h2", {}, t("rounds.title")),
    rounds.length > 1 ? [h("label", { for: "cmp-a" }, "A"), a, h("label", { for: "cmp-b" }, "B"), b, h("div", { class: "actions" }, compare), out] : h("p", { class: "muted" }, t("common.empty")),
    h("h3", {}, t("rounds.undo_title")), undo.length ? h("ul", {}, undo) : h("p", { class: "muted" }, t("common.empty")));
}
