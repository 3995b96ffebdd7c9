// @ts-check
// The trainee form's "work and pay" part, for a training organization's
// coordinator: English level, the expected monthly salary in the currency the
// trainee is paid in (BDT in Bangladesh; firms read it as a bill rate in yen),
// weekly hours and local working hours and days. On an edit only what changed
// is sent, so a merge patch never rewrites what the coordinator did not touch.
import { t, label, levelLabel } from "./i18n.js";

const CEFR = ["none", "A1", "A2", "B1", "B2", "C1", "C2"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
// The currencies people here think in come first; the rest are those the
// exchange-rate table can convert (GET /v1/exchange-rates), so a salary is
// never entered in a currency the service cannot compare.
const FIRST = ["BDT", "JPY", "USD"];
// What the form starts a new trainee with (and sends).
const NEW_HOURS = { start: "09:00", end: "18:00", days: ["mon", "tue", "wed", "thu", "fri"] };

/**
 * @param {(tag: any, attrs?: Record<string, any> | null, ...children: any[]) => any} h
 * @param {any} x the stored trainee, or the new one's defaults
 * @param {boolean} isNew
 * @param {string[]} rated the currencies with an exchange rate
 * @returns {{ element: HTMLElement, changes: () => Record<string, unknown>, english: () => string | undefined }}
 */
export function workFields(h, x, isNew, rated) {
  const english = h("select", { id: "t-english", "data-pointer": "/languages/english" },
    CEFR.map((v) => h("option", { value: v, selected: v === (x.languages?.english ?? "none") }, levelLabel(v))));
  const rate = x.expected_monthly_rate;
  const amount = h("input", { id: "t-salary", type: "number", min: "0", step: "any", inputmode: "decimal", value: rate ? String(rate.amount) : "",
    "data-pointer": "/expected_monthly_rate/amount", "aria-describedby": "t-salary-help" });
  const storedCurrency = rate?.currency ?? "BDT";
  const currency = h("select", { id: "t-currency", "data-pointer": "/expected_monthly_rate/currency" },
    [...new Set([storedCurrency, ...FIRST, ...[...rated].sort()])].map((c) => h("option", { value: c, selected: c === storedCurrency }, c)));
  const perWeek = h("input", { id: "t-hours", type: "number", min: "1", max: "80", step: "1", value: x.hours_per_week ?? "", "data-pointer": "/hours_per_week" });
  const wh = x.working_hours ?? NEW_HOURS;
  const start = h("input", { id: "t-start", type: "time", value: wh.start, "data-pointer": "/working_hours/start" });
  const end = h("input", { id: "t-end", type: "time", value: wh.end, "data-pointer": "/working_hours/end" });
  const days = DAYS.map((d) => h("input", { type: "checkbox", id: `t-day-${d}`, value: d, checked: wh.days.includes(d) }));
  const dayBox = h("fieldset", { class: "days", "data-pointer": "/working_hours/days" }, h("legend", {}, t("work.days")),
    days.map((box, i) => h("label", { class: "inline", for: `t-day-${DAYS[i]}` }, box, label("day", DAYS[i]))));

  const salary = () => (amount.value.trim() === "" ? null : { amount: Number(amount.value), currency: currency.value });
  const hours = () => ({ start: start.value, end: end.value, days: days.filter((d) => d.checked).map((d) => d.value) });
  const same = (/** @type {unknown} */ a, /** @type {unknown} */ b) => JSON.stringify(a) === JSON.stringify(b);
  const changes = () => {
    /** @type {Record<string, unknown>} */
    const out = {};
    const s = salary();
    if (isNew ? s !== null : !same(s, rate ?? null)) out.expected_monthly_rate = s;
    const w = perWeek.value.trim() === "" ? null : Number(perWeek.value);
    if (isNew ? w !== null : w !== (x.hours_per_week ?? null)) out.hours_per_week = w;
    const now = hours();
    // A new trainee's hours are always sent: the server's default is not this module's to know.
    if (isNew || !same(now, { start: wh.start, end: wh.end, days: DAYS.filter((d) => wh.days.includes(d)) })) out.working_hours = now;
    return out;
  };
  const element = h("fieldset", {}, h("legend", {}, t("work.legend")),
    h("label", { for: "t-english" }, t("work.english")), english,
    h("label", { for: "t-salary" }, t("work.salary")), h("div", { class: "inline" }, amount, h("label", { class: "visually-hidden", for: "t-currency" }, t("work.currency")), currency),
    h("p", { class: "muted", id: "t-salary-help" }, t("work.salary_help")),
    h("label", { for: "t-hours" }, t("work.hours_per_week")), perWeek,
    h("label", { for: "t-start" }, t("work.start")), start, h("label", { for: "t-end" }, t("work.end")), end,
    dayBox);
  // English goes inside `languages` beside JLPT: sent when new or changed.
  const englishValue = () => (isNew || english.value !== (x.languages?.english ?? "none") ? english.value : undefined);
  return { element, changes, english: englishValue };
}
