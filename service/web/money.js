// @ts-check
// Money and working time in the console (issue 16): the evidence beside an
// explanation — the trainee's 希望月額給与 turned into a monthly bill rate and
// compared with the project's 人月単価, each amount also in the viewer's
// currency, the exchange rates used with the date each holds from, a currency
// without a rate named; the JST overlap with the offsets in force over the
// project's dates — and the administrators' exchange-rate page.
import { t, label, formatNumber, formatMoney, formatDate } from "./i18n.js";

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Record<string, any> | null} [attrs] @param {...any} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** An amount, and the viewer's conversion beside it when it differs. @param {any} m */
function amount(m) {
  if (!m) return "—";
  const own = formatMoney(m.amount, m.currency);
  const mine = m.in_viewer_currency;
  return mine && mine.currency !== m.currency ? t("money.converted", { amount: own, converted: formatMoney(mine.amount, mine.currency) }) : own;
}

/** @param {any} b the budget of rate_evidence */
function budgetText(b) {
  if (!b) return "—";
  const range = (/** @type {any} */ x) => (x.min !== null && x.min !== undefined
    ? t("common.range", { min: formatMoney(x.min, x.currency), max: formatMoney(x.max, x.currency) }) : formatMoney(x.max, x.currency));
  const own = range(b);
  return b.in_viewer_currency && b.in_viewer_currency.currency !== b.currency
    ? t("money.converted", { amount: own, converted: range(b.in_viewer_currency) }) : own;
}

/** The rate component's evidence. @param {any} ev */
export function rateEvidenceView(ev) {
  if (!ev) return null;
  return el("dl", { class: "card money", "data-note": ev.note },
    el("dt", {}, t("money.bill_rate")),
    el("dd", {}, ev.bill_rate ? [amount(ev.bill_rate), ev.multiplier == null ? null : " ", ev.multiplier == null ? null : el("span", { class: "muted" }, t("money.multiplier", { multiplier: formatNumber(ev.multiplier) }))] : "—"),
    el("dt", {}, t("money.budget")), el("dd", {}, budgetText(ev.budget)),
    el("dt", {}, t("money.verdict")), el("dd", {}, label("note", ev.note)),
    el("dt", {}, t("money.rates")),
    el("dd", {}, (ev.rates || []).length
      ? ev.rates.map((/** @type {any} */ r) => el("span", { class: "tag" }, t("money.rate_value", { per_usd: formatNumber(r.per_usd), currency: r.currency, date: formatDate(r.valid_from) })))
      : "—",
    (ev.currencies_without_rate || []).map((/** @type {string} */ c) => el("span", { class: "tag missing" }, t("money.no_rate", { currency: c })))));
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** The working-time evidence. @param {any} wt */
export function workingTimeView(wt) {
  if (!wt) return null;
  const offsets = (wt.utc_offsets_minutes || []).map((/** @type {number} */ m) => `UTC${m < 0 ? "−" : "+"}${Math.floor(Math.abs(m) / 60)}${Math.abs(m) % 60 ? `:${String(Math.abs(m) % 60).padStart(2, "0")}` : ""}`);
  return el("dl", { class: "card working-time" },
    el("dt", {}, t("time.hours")),
    el("dd", {}, t("time.hours_value", { start: wt.work_start, end: wt.work_end, days: DAYS.filter((d) => (wt.work_days || []).includes(d)).map((d) => label("day", d)).join(t("time.day_separator")), zone: wt.timezone ?? "—" })),
    el("dt", {}, t("time.per_week")), el("dd", {}, wt.hours_per_week === null ? "—" : t("time.per_week_value", { hours: formatNumber(wt.hours_per_week) })),
    el("dt", {}, t("time.overlap")),
    el("dd", {}, wt.jst_overlap_hours === null ? "—" : t("time.overlap_value", { hours: formatNumber(wt.jst_overlap_hours), offsets: offsets.join(" / ") || "—" })));
}

/**
 * The administrators' exchange-rate page: every rate with its date, and a form
 * that records one.
 * @param {{ api: (method: string, path: string, opts?: any) => Promise<any>, page: (title: string, ...kids: any[]) => void, showProblem: (box: HTMLElement, problem: any, form?: HTMLElement) => void, say: (text: string) => void, reload: () => void }} ui
 */
export async function exchangeRatesView(ui) {
  const list = await ui.api("GET", "/v1/exchange-rates");
  if (!list.ok) { const box = el("div"); ui.page("nav.rates", box); ui.showProblem(box, list.body); return; }
  const rows = (list.body.items || []).map((/** @type {any} */ r) => el("tr", { "data-in-force": r.in_force ? "true" : "false" },
    el("td", {}, r.currency), el("td", {}, t("money.rate_value", { per_usd: formatNumber(r.per_usd), currency: r.currency, date: formatDate(r.valid_from) })),
    el("td", {}, r.in_force ? t("money.in_force") : "")));
  const currency = el("input", { id: "rate-currency", "data-pointer": "/currency", maxlength: "3", required: true, autocomplete: "off" });
  const perUsd = el("input", { id: "rate-per-usd", "data-pointer": "/per_usd", type: "number", step: "any", min: "0", required: true });
  const validFrom = el("input", { id: "rate-valid-from", "data-pointer": "/valid_from", type: "date" });
  const box = el("div");
  const form = el("form", { onsubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    /** @type {Record<string, any>} */
    const body = { per_usd: Number(perUsd.value) };
    if (validFrom.value) body.valid_from = validFrom.value;
    const r = await ui.api("PUT", `/v1/exchange-rates/${encodeURIComponent(currency.value.trim().toUpperCase())}`, { body });
    if (!r.ok) { ui.showProblem(box, r.body, form); return; }
    ui.say(t("money.recorded", { currency: r.body.currency }));
    ui.reload();
  } },
  el("label", { for: "rate-currency" }, t("money.currency")), currency,
  el("label", { for: "rate-per-usd" }, t("money.per_usd")), perUsd,
  el("label", { for: "rate-valid-from" }, t("money.valid_from")), validFrom,
  el("div", { class: "actions" }, el("button", { class: "btn", type: "submit" }, t("money.record"))), box);
  ui.page("nav.rates",
    el("p", { class: "muted" }, t("money.rates_help")),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("money.currency")), el("th", {}, t("money.rate")), el("th", {}, ""))), el("tbody", {}, rows)),
    el("h2", {}, t("money.record")), form);
}
