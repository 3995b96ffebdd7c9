// @ts-check
// Administrators' programme reports (a table per dimension, CSV download) and
// the list of possible duplicates across organizations (issue 17). A client of
// the public API only; app.js passes its DOM and API helpers in `ui`.
import { t, formatNumber, formatMoney, formatDateTime, label } from "./i18n.js";

/**
 * @typedef {{ h: Function, put: Function, page: Function, api: Function, showProblem: Function, loading: Function }} Ui
 */

const KEY = "kakehashi.key";
const DIMENSIONS = ["organization", "cohort", "skill", "month", "gender", "district"];
const COUNTS = ["registered", "active", "consenting", "proposed", "shortlisted", "offered", "accepted", "approved"];

// The first day of this year and today, as YYYY-MM-DD (UTC, as the report).
function defaultRange() {
  const today = new Date().toISOString().slice(0, 10);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

/** @param {unknown} x */
const count = (x) => (typeof x === "number" ? formatNumber(x, 0) : t("report.suppressed"));

/** @param {Ui} ui */
export async function reportsView(ui) {
  const { h, put, page, api, showProblem } = ui;
  const range = defaultRange();
  const from = h("input", { id: "r-from", type: "date", value: range.from, "data-pointer": "from", required: true });
  const to = h("input", { id: "r-to", type: "date", value: range.to, "data-pointer": "to", required: true });
  const groupBy = h("select", { id: "r-group", "data-pointer": "group_by" },
    DIMENSIONS.map((d) => h("option", { value: d }, t(`report.by.${d}`))));
  const box = h("div");
  const out = h("div");
  const query = () => new URLSearchParams({ from: from.value, to: to.value, group_by: groupBy.value });
  const load = async () => {
    const r = await api("GET", `/v1/reports/programme?${query()}`);
    if (!r.ok) { showProblem(box, r.body, form); put(out); return; }
    showProblem(box, null, form);
    const rows = [...r.body.groups, { ...r.body.total, total: true }];
    const name = (/** @type {any} */ g) => g.total ? t("report.total") : g.merged_groups ? t("report.merged", { count: g.merged_groups }) : g.key === null ? t("report.not_stated") : (r.body.group_by === "gender" ? label("gender", g.key) : g.label ?? g.key);
    put(out,
      h("p", { class: "muted" }, t("report.suppression", { n: r.body.minimum_cell })),
      h("table", { tabindex: "0" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t(`report.by.${r.body.group_by}`)),
          COUNTS.map((c) => h("th", { scope: "col" }, t(`report.${c}`))),
          ["report.rate", "report.days", "report.bill_median"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", {}, rows.map((g) => h("tr", { class: g.total ? "total" : null },
          h("th", { scope: "row" }, name(g)),
          COUNTS.map((c) => h("td", { class: "num" }, count(g[c]))),
          h("td", { class: "num" }, typeof g.placement_rate === "number" ? formatNumber(g.placement_rate * 100, 1) + "%" : t("report.suppressed")),
          h("td", { class: "num" }, typeof g.median_days_to_placement === "number" ? formatNumber(g.median_days_to_placement, 1) : t("report.suppressed")),
          h("td", { class: "num" }, typeof g.bill_rate_jpy.median === "number" ? formatMoney(g.bill_rate_jpy.median, "JPY") : t("report.suppressed")))))));
  };
  // The CSV comes with the key as a bearer token (never in a URL), or with
  // the session cookie for a signed-in person, then is handed to the browser
  // as a download. (A bearer of "" was sent for people: a 401 "your key is
  // not accepted" to someone who has no key.)
  const download = async () => {
    const q = query();
    q.set("format", "csv");
    const key = sessionStorage.getItem(KEY);
    const res = await fetch(`/v1/reports/programme?${q}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    if (!res.ok) { showProblem(box, await res.json().catch(() => null), form); return; }
    const url = URL.createObjectURL(await res.blob());
    const a = h("a", { href: url, download: `programme-report-${groupBy.value}-${from.value}-${to.value}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  };
  const form = h("form", { class: "row", onsubmit: (/** @type {Event} */ e) => { e.preventDefault(); load(); } },
    h("div", {}, h("label", { for: "r-from" }, t("report.from")), from),
    h("div", {}, h("label", { for: "r-to" }, t("report.to")), to),
    h("div", {}, h("label", { for: "r-group" }, t("report.group_by")), groupBy),
    h("button", { class: "btn", type: "submit" }, t("report.show")),
    h("button", { class: "btn secondary", type: "button", id: "r-csv", onclick: download }, t("report.csv")));
  page("nav.reports", h("p", { class: "muted" }, t("report.help")), form, box, out);
  await load();
}

/** @param {Ui} ui */
export async function duplicatesView(ui) {
  const { h, put, page, api, showProblem, loading } = ui;
  page("nav.duplicates", loading());
  const list = h("div");
  const box = h("div");
  /** @type {string | null} */
  let cursor = null;
  const side = (/** @type {any} */ s) => h("td", {}, h("div", {}, s.organization_name), h("div", { class: "muted" }, `${s.alias} · ${label("status", s.status)}`), s.placed ? h("strong", {}, t("dup.placed")) : null);
  const load = async (more = false) => {
    const q = new URLSearchParams({ limit: "50" });
    if (more && cursor) q.set("cursor", cursor);
    const r = await api("GET", `/v1/duplicates?${q}`);
    if (!r.ok) { showProblem(box, r.body); return; }
    cursor = r.body.next_cursor;
    const rows = r.body.items.map((/** @type {any} */ f) => h("tr", {},
      h("td", {}, h("time", { datetime: f.flagged_at }, formatDateTime(f.flagged_at))),
      h("td", {}, f.matched_on.map((/** @type {string} */ m) => t(`dup.on.${m}`)).join(", ")),
      side(f.trainees[0]), side(f.trainees[1])));
    const body = more ? list.querySelector("tbody") : null;
    if (body) body.append(...rows);
    else put(list, rows.length ? h("table", { tabindex: "0" }, h("thead", {}, h("tr", {}, ["dup.at", "dup.matched", "dup.first", "dup.second"].map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, rows)) : h("p", { class: "muted" }, t("common.empty")));
    moreBtn.hidden = !cursor;
  };
  const moreBtn = h("button", { class: "btn secondary", type: "button", hidden: true, onclick: () => load(true) }, t("common.more"));
  page("nav.duplicates", h("p", { class: "muted" }, t("dup.help")), box, list, moreBtn);
  await load();
}
