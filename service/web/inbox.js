// @ts-check
// The inbox: what happened to the organization's trainees, projects and
// matches (GET /v1/notifications), newest first, with the unread count in the
// navigation. app.js hands in its helpers, so this view talks to the public
// API through the same typed client and renders text only.
import { t, label, formatDateTime } from "./i18n.js";

/**
 * @typedef {{
 *   h: (tag: any, attrs?: Record<string, any> | null, ...children: any[]) => HTMLElement,
 *   put: (el: Element, ...kids: any[]) => void,
 *   page: (titleKey: string, ...content: any[]) => void,
 *   api: (method: any, path: any, options?: any) => Promise<{ status: number, ok: boolean, body: any }>,
 * }} Helpers
 */

/** One notification as a sentence, in the reader's language. @param {any} n */
export function notificationText(n) {
  const d = n.data ?? {};
  switch (n.type) {
    case "match.state_changed":
      return d.from_state
        ? t("inbox.match_moved", { trainee: d.trainee_alias ?? "", project: d.project_title ?? "", from: label("state", d.from_state), to: label("state", d.to_state) })
        : t("inbox.match_new", { trainee: d.trainee_alias ?? "", project: d.project_title ?? "", to: label("state", d.to_state) });
    case "offer.received":
      return t("inbox.offer", { trainee: d.trainee_alias ?? "", project: d.project_title ?? "" });
    case "round.completed":
      return t("inbox.round", { count: d.proposed ?? 0 });
    case "trainee.consent_changed":
      return t("inbox.consent", { trainee: d.trainee_alias ?? "" });
    case "project.status_changed":
      return t("inbox.project", { project: d.project_title ?? "", to: label("pstatus", d.to_status) });
    default:
      return n.type;
  }
}

/** Shows the unread count in the element with id "unread". @param {Helpers} x */
export async function refreshUnread(x) {
  const badge = document.getElementById("unread");
  if (!badge) return;
  const r = await x.api("GET", "/v1/notifications?limit=1");
  const count = r.ok ? r.body.unread_count : 0;
  badge.textContent = count > 0 ? String(count) : "";
  badge.setAttribute("aria-label", t("inbox.unread", { count }));
  badge.hidden = count === 0;
}

/** @param {Helpers} x */
export async function inboxView(x) {
  const { h, put, page, api } = x;
  const list = h("ol", { class: "inbox", id: "inbox" });
  const summary = h("p", { id: "inbox-summary", "aria-live": "polite" });
  const more = h("div", { class: "actions" });
  /** @param {string | null} cursor */
  const load = async (cursor) => {
    const r = await api("GET", cursor ? `/v1/notifications?cursor=${encodeURIComponent(cursor)}` : "/v1/notifications");
    if (!r.ok) { put(summary, t("common.failed")); return; }
    put(summary, t("inbox.unread", { count: r.body.unread_count }));
    if (!cursor && r.body.items.length === 0) list.append(h("li", { class: "muted" }, t("inbox.empty")));
    for (const n of r.body.items) {
      const read = h("button", { class: "btn secondary", type: "button", hidden: n.read, onclick: async () => {
        const done = await api("POST", `/v1/notifications/${n.id}/read`);
        if (done.ok) { item.classList.remove("unread"); read.hidden = true; await refreshUnread(x); await recount(); }
      } }, t("inbox.mark_read"));
      const item = h("li", { class: n.read ? "" : "unread", "data-type": n.type, "data-id": n.id },
        h("span", { class: "inbox-text" }, notificationText(n)), " ",
        h("time", { datetime: n.occurred_at, class: "muted" }, formatDateTime(n.occurred_at)), " ", read);
      list.append(item);
    }
    put(more, r.body.next_cursor ? h("button", { class: "btn secondary", type: "button", onclick: () => load(r.body.next_cursor) }, t("common.more")) : null);
  };
  const recount = async () => {
    const r = await api("GET", "/v1/notifications?limit=1");
    if (r.ok) put(summary, t("inbox.unread", { count: r.body.unread_count }));
  };
  const all = h("button", { class: "btn", type: "button", id: "read-all", onclick: async () => {
    const done = await api("POST", "/v1/notifications/read-all");
    if (!done.ok) return;
    for (const li of list.querySelectorAll("li.unread")) li.classList.remove("unread");
    for (const b of list.querySelectorAll("li button")) /** @type {HTMLElement} */ (b).hidden = true;
    await refreshUnread(x);
    await recount();
  } }, t("inbox.read_all"));
  page("nav.inbox", summary, h("div", { class: "actions" }, all), list, more);
  await load(null);
}
