// @ts-check
// Skill names as each reader reads them (issue 16): the taxonomy's Japanese
// name in 日本語 mode, the canonical name otherwise; and skill proposals — a
// training organization proposes a skill the taxonomy lacks, an
// administrator approves or rejects it. The API resolves either name, so
// what is typed may be Japanese or full width.
import { t, language, label, formatDateTime } from "./i18n.js";

/** @type {Map<string, string>} canonical name → Japanese name */
const japanese = new Map();
// A Japanese name that only spells the English one in katakana (パイソン,
// ララベル) is for typing and search; Japanese postings write the product's
// own name (Python, Laravel), so that is what the console shows. Names with
// kanji or mixed script (画像認識, 組込みC, LLMアプリ開発) are shown.
const transliteration = (/** @type {string} */ s) => /^[\u30A0-\u30FF\u3000\s]+$/.test(s);
let loaded = false;

/**
 * Reads the taxonomy once per session (GET /v1/skills).
 * @param {(method: "GET", path: "/v1/skills") => Promise<{ ok: boolean, body: any }>} get
 */
export async function loadSkillNames(get) {
  if (loaded) return;
  const r = await get("GET", "/v1/skills");
  if (!r.ok) return;
  for (const s of r.body.items) if (s.name_ja && !transliteration(s.name_ja)) japanese.set(s.name, s.name_ja);
  loaded = true;
}

/** The skill's name in the console's language. @param {string} name */
export function skillLabel(name) {
  return language() === "ja" ? japanese.get(name) ?? name : name;
}

/**
 * @typedef {{
 *   h: (tag: any, attrs?: Record<string, any> | null, ...children: any[]) => any,
 *   api: (method: any, path: any, options?: any) => Promise<{ status: number, ok: boolean, body: any }>,
 *   page: (titleKey: string, ...content: any[]) => void,
 *   put: (el: Element, ...kids: any[]) => void,
 *   showProblem: (box: HTMLElement, problem: any, form?: HTMLFormElement) => void,
 *   loading: () => HTMLElement,
 *   say: (msg: string) => void,
 * }} Ui
 */

/**
 * Skill proposals: a training organization's form and its own list; an
 * administrator's queue of pending proposals with approve and reject.
 * @param {Ui} ui @param {"admin" | "training_org"} role
 */
export async function proposalsView(ui, role) {
  const { h, api, page, put, showProblem, loading, say } = ui;
  const list = h("section", { "aria-live": "polite" });
  const load = async () => {
    put(list, loading());
    const r = await api("GET", role === "admin" ? "/v1/skill-proposals?status=pending&limit=200" : "/v1/skill-proposals?limit=200");
    if (!r.ok) { put(list); showProblem(list, r.body); return; }
    const rows = r.body.items.map((/** @type {any} */ p) => {
      const box = h("div");
      const reason = h("input", { id: `reason-${p.id}`, type: "text", "data-pointer": "/reason" });
      const decide = async (/** @type {string} */ status) => {
        const d = await api("POST", `/v1/skill-proposals/${p.id}/decision`, { body: status === "rejected" ? { status, reason: reason.value.trim() || undefined } : { status } });
        if (!d.ok) { put(box); showProblem(box, d.body); return; }
        say(t(status === "approved" ? "proposal.approved_done" : "proposal.rejected_done", { name: p.name }));
        await load();
      };
      const actions = role === "admin" && p.status === "pending"
        ? h("div", { class: "actions" },
          h("button", { class: "btn", type: "button", onclick: () => decide("approved") }, t("proposal.approve")),
          h("label", { for: `reason-${p.id}` }, t("proposal.reason")), reason,
          h("button", { class: "btn secondary", type: "button", onclick: () => decide("rejected") }, t("proposal.reject")))
        : null;
      return h("li", { class: "card", "data-proposal": p.id },
        h("h2", {}, p.name_ja ? t("proposal.title_ja", { name: p.name, name_ja: p.name_ja }) : p.name),
        h("p", {}, t("proposal.line", { status: label("proposal_status", p.status), org: p.organization_name, when: formatDateTime(p.created_at) })),
        p.aliases.length ? h("p", { class: "muted" }, t("proposal.aliases_value", { aliases: p.aliases.join(", ") })) : null,
        p.note ? h("p", {}, p.note) : null,
        p.reason ? h("p", { class: "error" }, t("proposal.reason_value", { reason: p.reason })) : null,
        actions, box);
    });
    put(list, rows.length ? h("ol", { class: "plain" }, rows) : h("p", { class: "muted" }, t("common.empty")));
  };
  let form = null;
  if (role === "training_org") {
    const box = h("div");
    const field = (/** @type {string} */ id, /** @type {string} */ key, attrs = {}) => [h("label", { for: `p-${id}` }, t(key)), h("input", { id: `p-${id}`, type: "text", "data-pointer": `/${id}`, ...attrs })];
    const value = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (form?.querySelector(`#p-${id}`)).value.trim();
    form = h("form", { onsubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      put(box);
      const aliases = value("aliases").split(/[、,]/).map((a) => a.trim()).filter(Boolean);
      /** @type {Record<string, any>} */
      const body = { name: value("name") };
      if (value("name_ja")) body.name_ja = value("name_ja");
      if (value("category")) body.category = value("category");
      if (aliases.length) body.aliases = aliases;
      if (value("note")) body.note = value("note");
      const r = await api("POST", "/v1/skill-proposals", { body });
      if (!r.ok) { showProblem(box, r.body, /** @type {HTMLFormElement} */ (form)); return; }
      /** @type {HTMLFormElement} */ (form).reset();
      say(t("proposal.sent", { name: r.body.name }));
      await load();
    } },
    h("p", { class: "muted" }, t("proposal.help")),
    ...field("name", "proposal.name", { required: true }), ...field("name_ja", "proposal.name_ja"), ...field("category", "proposal.category"),
    ...field("aliases", "proposal.aliases"), ...field("note", "proposal.note"),
    h("div", { class: "actions" }, h("button", { class: "btn", type: "submit" }, t("proposal.send"))), box);
  }
  page("nav.proposals", form, h("h2", {}, t(role === "admin" ? "proposal.pending" : "proposal.mine")), list);
  await load();
}
