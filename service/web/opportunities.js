// @ts-check
// The firm made visible to the trainee's side (issue 16): a trainee's
// opportunities with each project's firm, description, dates, engagement,
// location and budget (the firm's currency and the organization's own), and
// one project as a training organization reads it. Never another trainee.
import { t, label, levelLabel, formatDate, formatMoney, formatNumber } from "./i18n.js";
import { skillLabel } from "./skills.js";

/** @param {any} b */
function budgetText(b) {
  if (!b) return "—";
  return b.min !== null && b.min !== undefined
    ? t("common.range", { min: formatMoney(b.min, b.currency), max: formatMoney(b.max, b.currency) })
    : formatMoney(b.max, b.currency);
}

/**
 * The project card both views show.
 * @param {import("./skills.js").Ui["h"]} h @param {any} p
 */
export function traineeSideProject(h, p) {
  const converted = p.budget_in_viewer_currency && p.budget_monthly && p.budget_in_viewer_currency.currency !== p.budget_monthly.currency
    ? t("side.budget_converted", { budget: budgetText(p.budget_monthly), converted: budgetText(p.budget_in_viewer_currency) })
    : budgetText(p.budget_monthly);
  return h("dl", { class: "card", "data-project": p.id },
    h("dt", {}, t("side.firm")), h("dd", {}, p.firm ? p.firm.name : "—"),
    h("dt", {}, t("project.title")), h("dd", {}, h("a", { href: `#/project-view/${p.id}` }, p.title)),
    p.description ? [h("dt", {}, t("side.description")), h("dd", { class: "prose" }, p.description)] : null,
    h("dt", {}, t("project.start")), h("dd", {}, t("project.start_value", { date: formatDate(p.start_date), months: p.duration_months })),
    h("dt", {}, t("side.engagement")), h("dd", {}, label("engagement", p.engagement)),
    h("dt", {}, t("side.location")), h("dd", {}, p.location ?? "—"),
    h("dt", {}, t("side.budget")), h("dd", {}, converted),
    h("dt", {}, t("project.headcount")), h("dd", {}, formatNumber(p.headcount)),
    h("dt", {}, t("project.languages")), h("dd", {}, t("project.languages_value", { jlpt: levelLabel(p.japanese_min), cefr: levelLabel(p.english_min) })),
    h("dt", {}, t("project.skills")), h("dd", {}, (p.skills || []).map((/** @type {any} */ s) => h("span", { class: "tag" }, t(s.required ? "project.skill_need_required" : "project.skill_need", { skill: skillLabel(s.skill), level: s.min_level })))));
}

/**
 * A trainee's opportunities and matches.
 * @param {import("./skills.js").Ui & { explanationView: (ex: any) => any }} ui @param {string} id
 */
export async function opportunitiesView(ui, id) {
  const { h, api, page, showProblem, loading, explanationView } = ui;
  page("trainee.opportunities", loading());
  const [o, m] = await Promise.all([api("GET", `/v1/trainees/${id}/opportunities?limit=10`), api("GET", `/v1/matches?trainee_id=${id}`)]);
  if (!o.ok) { page("trainee.opportunities"); showProblem(/** @type {HTMLElement} */ (document.getElementById("main")), o.body); return; }
  page("trainee.opportunities",
    o.body.items.length ? h("ol", { class: "plain" }, o.body.items.map((/** @type {any} */ x) => h("li", { class: "card" },
      h("h2", {}, t("side.rank_title", { rank: x.rank, title: x.project.title, firm: x.project.firm ? x.project.firm.name : "—" })),
      h("div", { class: "grid" }, traineeSideProject(h, x.project), explanationView(x))))) : h("p", { class: "muted" }, t("common.empty")),
    h("h2", {}, t("nav.matches")),
    m.body?.items?.length ? h("ul", {}, m.body.items.map((/** @type {any} */ x) => h("li", {}, h("a", { href: `#/project-view/${x.project_id}` }, x.project_title), " · ", label("state", x.state)))) : h("p", { class: "muted" }, t("common.empty")));
}

/**
 * One project as a training organization reads it.
 * @param {import("./skills.js").Ui} ui @param {string} id
 */
export async function projectSideView(ui, id) {
  const { h, api, page, showProblem, loading } = ui;
  page("side.project", loading());
  const r = await api("GET", `/v1/projects/${id}`);
  if (!r.ok) { page("side.project"); showProblem(/** @type {HTMLElement} */ (document.getElementById("main")), r.body); return; }
  page("side.project", h("p", { class: "muted" }, t(r.body.relation === "matched" ? "side.why_matched" : "side.why_opportunity")), traineeSideProject(h, r.body));
}
