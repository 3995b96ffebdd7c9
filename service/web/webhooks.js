// @ts-check
// Webhooks in the console (issue 17's follow-up): an organization's endpoints
// with their state, a form that registers one and shows its signing secret
// once, enabling a disabled endpoint again, removing one, and each endpoint's
// recent deliveries with every attempt. The integrator at a firm or a training
// organization reads here why their system stopped hearing from us.
import { t, label, formatDateTime, formatNumber } from "./i18n.js";

export const EVENT_TYPES = ["match.state_changed", "offer.received", "round.completed", "trainee.consent_changed", "project.status_changed"];

/**
 * @typedef {{
 *   h: (tag: any, attrs?: Record<string, any> | null, ...children: any[]) => HTMLElement,
 *   put: (el: Element, ...kids: any[]) => void,
 *   page: (titleKey: string, ...content: any[]) => void,
 *   api: (method: any, path: any, options?: any) => Promise<{ status: number, ok: boolean, body: any, etag: string | null }>,
 *   showProblem: (box: Element, problem: any, form?: Element) => void,
 *   say: (text: string) => void,
 *   loading: () => HTMLElement,
 * }} Ui
 */

/** An endpoint's state in the reader's language. @param {Pick<Ui, "h">} ui @param {any} w */
export function stateText(ui, w) {
  const { h } = ui;
  if (w.enabled) {
    return w.consecutive_failures ? h("span", { class: "error" }, t("webhook.failing", { count: formatNumber(w.consecutive_failures) })) : h("span", {}, t("webhook.enabled"));
  }
  // The service disables an endpoint only after too many failures in a row
  // (disabled_reason says so in English); the count says it in the reader's language.
  return h("span", { class: "error" }, w.disabled_reason && w.consecutive_failures ? t("webhook.disabled_after", { count: formatNumber(w.consecutive_failures) }) : t("webhook.disabled"));
}

/**
 * The signing secret of an endpoint just made, shown once in a read-only field
 * until the person says it is saved (then it leaves the page).
 * @param {Ui} ui @param {string} secret
 */
function secretSection(ui, secret) {
  const { h, say } = ui;
  const field = /** @type {HTMLInputElement} */ (h("input", { id: "webhook-secret-value", readonly: true, value: secret, spellcheck: "false", autocomplete: "off" }));
  const section = h("section", { class: "card notice", id: "webhook-secret" },
    h("h2", {}, t("webhook.secret_title")), h("p", {}, t("webhook.secret_help")),
    h("label", { for: field.id }, t("webhook.secret_label")), field,
    h("div", { class: "actions" }, h("button", { class: "btn", type: "button", onclick: () => { section.remove(); say(t("webhook.secret_gone")); } }, t("webhook.secret_saved"))));
  return section;
}

/**
 * The organization's endpoints and the form that registers one.
 * @param {Ui} ui @param {HTMLElement | null} [shown] a secret section to keep on top
 */
export async function webhooksView(ui, shown = null) {
  const { h, api, page, showProblem, say } = ui;
  if (!shown) page("nav.webhooks", ui.loading());
  const list = await api("GET", "/v1/webhooks");
  if (!list.ok) { const box = h("div"); page("nav.webhooks", shown, box); showProblem(box, list.body); return; }
  const rows = list.body.items.map((/** @type {any} */ w) => {
    const box = h("div");
    const enable = w.enabled ? null : h("button", { class: "btn secondary", type: "button", onclick: async () => {
      const r = await api("PATCH", `/v1/webhooks/${w.id}`, { body: { enabled: true }, headers: { "if-match": `"${w.version}"` } });
      if (!r.ok) { showProblem(box, r.body); return; }
      say(t("webhook.enabled_again"));
      await webhooksView(ui);
    } }, t("webhook.enable"));
    // Removing asks once more, in place: the first press only arms the
    // button, and leaving it disarms it.
    const remove = h("button", { class: "btn secondary", type: "button", onblur: () => { delete remove.dataset.armed; remove.textContent = t("webhook.remove"); }, onclick: async () => {
      if (!remove.dataset.armed) { remove.dataset.armed = "true"; remove.textContent = t("webhook.remove_confirm"); return; }
      const r = await api("DELETE", `/v1/webhooks/${w.id}`);
      if (!r.ok) { showProblem(box, r.body); return; }
      say(t("webhook.removed"));
      await webhooksView(ui);
    } }, t("webhook.remove"));
    return h("tr", { "data-webhook": w.id },
      h("td", {}, h("code", {}, w.url), w.description ? h("div", { class: "muted" }, w.description) : null),
      h("td", {}, w.events.map((/** @type {string} */ e) => h("span", { class: "tag" }, label("event", e)))),
      h("td", {}, stateText(ui, w)),
      h("td", {}, h("a", { href: `#/webhook/${w.id}` }, t("webhook.deliveries")), " ", enable, " ", remove, box));
  });
  const table = rows.length
    ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("webhook.url")), h("th", { scope: "col" }, t("webhook.events")), h("th", { scope: "col" }, t("webhook.state")), h("th", { scope: "col" }, t("common.actions")))), h("tbody", {}, rows))
    : h("p", { class: "muted" }, t("webhook.none"));

  const input = (/** @type {Record<string, any>} */ attrs) => /** @type {HTMLInputElement} */ (h("input", attrs));
  const url = input({ id: "wh-url", type: "url", required: true, placeholder: "https://", "data-pointer": "/url", spellcheck: "false" });
  const description = input({ id: "wh-description", "data-pointer": "/description", maxlength: "200" });
  const boxes = EVENT_TYPES.map((e) => input({ type: "checkbox", id: `wh-${e}`, value: e, checked: e === "match.state_changed" || e === "offer.received" }));
  const events = h("fieldset", { "data-pointer": "/events" }, h("legend", {}, t("webhook.events")),
    boxes.map((b, i) => h("label", { class: "inline", for: b.id }, b, label("event", EVENT_TYPES[i]))));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { onsubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    /** @type {Record<string, unknown>} */
    const body = { url: url.value.trim(), events: boxes.filter((b) => b.checked).map((b) => b.value) };
    if (description.value.trim()) body.description = description.value.trim();
    const r = await api("POST", "/v1/webhooks", { body });
    if (!r.ok) { showProblem(result, r.body, form); return; }
    // The secret, this once, at once: the list is drawn again below it.
    const shownNow = secretSection(ui, r.body.secret);
    page("nav.webhooks", shownNow);
    say(t("webhook.secret_title"));
    await webhooksView(ui, shownNow);
  } },
  h("label", { for: "wh-url" }, t("webhook.url")), url,
  h("label", { for: "wh-description" }, t("webhook.description")), description,
  events,
  h("div", { class: "actions" }, h("button", { class: "btn", type: "submit" }, t("webhook.add"))), result);
  page("nav.webhooks", shown, h("p", { class: "muted" }, t("webhook.help")), table, h("h2", {}, t("webhook.add")), form);
}

/** One endpoint's recent deliveries, newest first, each with its attempts. @param {Ui} ui @param {string} id */
export async function webhookDeliveriesView(ui, id) {
  const { h, api, page, showProblem } = ui;
  page("webhook.deliveries", ui.loading());
  const [w, d] = await Promise.all([api("GET", `/v1/webhooks/${id}`), api("GET", `/v1/webhooks/${id}/deliveries?limit=50`)]);
  if (!w.ok || !d.ok) { const box = h("div"); page("webhook.deliveries", box); showProblem(box, (w.ok ? d : w).body); return; }
  const rows = d.body.items.map((/** @type {any} */ x) => {
    const last = x.attempt_log.length ? x.attempt_log[x.attempt_log.length - 1] : null;
    return h("tr", { "data-status": x.status },
      h("td", {}, formatDateTime(x.created_at)),
      h("td", {}, label("event", x.event_type)),
      h("td", {}, label("delivery", x.status)),
      h("td", {}, formatNumber(x.attempts)),
      h("td", {}, last ? (last.error ?? String(last.status_code ?? "")) : "—"),
      h("td", {}, x.status === "pending" && x.next_attempt_at ? formatDateTime(x.next_attempt_at) : "—"));
  });
  page("webhook.deliveries",
    h("p", {}, h("code", {}, w.body.url), " · ", stateText(ui, w.body)),
    rows.length
      ? h("table", { tabindex: "0" }, h("thead", {}, h("tr", {}, ["webhook.created", "webhook.event", "webhook.status", "webhook.attempts", "webhook.last_answer", "webhook.next_attempt"].map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, rows))
      : h("p", { class: "muted" }, t("webhook.no_deliveries")),
    h("p", {}, h("a", { href: "#/webhooks" }, t("webhook.back"))));
}
