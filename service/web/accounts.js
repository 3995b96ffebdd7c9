// @ts-check
// People in the console: signing in with email and password (the session is
// an HttpOnly cookie the page never sees; writes carry the session's CSRF
// token), accepting an invitation, and an organization's people for its
// owners and the programme office (invite, change role, remove). app.js
// hands its helpers in through `ctx`, so this module adds views without
// growing app.js.
import { t, label, formatDateTime } from "./i18n.js";

/** @typedef {{ h: any, put: any, page: any, api: any, showProblem: any, say: any, state: any, route: () => any, keySignIn: (box: HTMLElement) => HTMLElement }} Ctx */

/**
 * The sign-in page: email and password (and the authenticator's code when
 * the account asks for one); an API key for integrations, folded away.
 * @param {Ctx} ctx @param {string} [notice]
 */
export function passwordSignIn(ctx, notice) {
  const { h, page, api, showProblem } = ctx;
  const box = h("div");
  const email = h("input", { id: "email", type: "email", autocomplete: "username", "data-pointer": "/email", required: true });
  const password = h("input", { id: "password", type: "password", autocomplete: "current-password", "data-pointer": "/password", required: true });
  const code = h("input", { id: "totp", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", "data-pointer": "/totp" });
  const codeField = h("div", { hidden: true }, h("label", { for: "totp" }, t("account.totp_code")), code);
  const form = h("form", { onsubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    /** @type {Record<string, string>} */
    const body = { email: email.value.trim(), password: password.value };
    if (!codeField.hidden && code.value.trim()) body.totp = code.value.trim();
    const r = await api("POST", "/v1/sessions", { body });
    if (r.status === 401 && (r.body?.errors || []).some((/** @type {any} */ x) => x.pointer === "/totp")) {
      codeField.hidden = false;
      showProblem(box, { detail: t("account.totp_needed"), errors: [] }, form);
      code.focus();
      return;
    }
    if (!r.ok) {
      showProblem(box, r.status === 401 ? { detail: t("account.rejected"), errors: [] } : r.body, form);
      return;
    }
    password.value = "";
    ctx.state.csrf = r.body.csrf_token;
    ctx.state.me = null;
    // Where a session that ended left off, or the start.
    location.hash = ctx.state.returnTo || "#/";
    ctx.state.returnTo = null;
    await ctx.route();
  } },
  notice ? h("p", { class: "notice", role: "status" }, notice) : null,
  h("label", { for: "email" }, t("account.email")), email,
  h("label", { for: "password" }, t("account.password")), password,
  codeField,
  h("div", { class: "actions" }, h("button", { class: "btn", type: "submit" }, t("auth.signin"))), box);
  const keys = h("details", { class: "keys" }, h("summary", {}, t("account.use_key")), ctx.keySignIn(h("div")));
  page("auth.title", form, keys);
  email.focus();
}

/**
 * The invitation's page (/admin#accept=<token>): a name and a password.
 * The token stays in the fragment, which the browser never sends.
 * @param {Ctx} ctx @param {string} token
 */
export function acceptInvitation(ctx, token) {
  const { h, page, api, showProblem } = ctx;
  const box = h("div");
  const name = h("input", { id: "name", autocomplete: "name", "data-pointer": "/name", required: true });
  const password = h("input", { id: "new-password", type: "password", autocomplete: "new-password", minlength: "10", "data-pointer": "/password", required: true });
  const form = h("form", { onsubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    const r = await api("POST", "/v1/invitations/accept", { body: { token, name: name.value.trim(), password: password.value } });
    if (!r.ok) { showProblem(box, r.body, form); return; }
    history.replaceState(null, "", `${location.pathname}#/signin`);
    passwordSignIn(ctx, t("account.joined"));
  } },
  h("p", {}, t("account.accept_help")),
  h("label", { for: "name" }, t("account.name")), name,
  h("label", { for: "new-password" }, t("account.new_password")), password,
  h("p", { class: "muted" }, t("account.password_help")),
  h("div", { class: "actions" }, h("button", { class: "btn", type: "submit" }, t("account.accept"))), box);
  page("account.accept_title", form);
  name.focus();
}

/**
 * May the caller manage people: owners of their organization, and the
 * programme office (people and keys).
 * @param {any} me
 */
export function managesPeople(me) {
  return !!me && (me.role === "admin" || me.person?.role === "owner");
}

/**
 * The organization's people and open invitations: invite, change a role,
 * remove. Administrators pick the organization.
 * @param {Ctx} ctx
 */
export async function peopleView(ctx) {
  const { h, put, page, api, showProblem, say, state } = ctx;
  const me = state.me;
  const box = h("div");
  const list = h("div");
  const invited = h("div");
  const org = h("select", { id: "p-org" });
  if (me.role === "admin") {
    const orgs = await api("GET", "/v1/organizations?limit=200");
    for (const o of orgs.body?.items || []) org.append(h("option", { value: o.id, selected: o.id === me.organization_id }, o.name));
  } else {
    org.append(h("option", { value: me.organization_id }, me.organization_name ?? ""));
  }
  const roles = () => {
    const kind = me.role === "admin" && org.value === me.organization_id ? ["admin"] : ["owner", "member", "viewer"];
    return kind;
  };
  const email = h("input", { id: "i-email", type: "email", "data-pointer": "/email", required: true });
  const role = h("select", { id: "i-role", "data-pointer": "/role" });
  const fillRoles = () => put(role, roles().map((r) => h("option", { value: r }, label("prole", r))));
  const load = async () => {
    fillRoles();
    const people = await api("GET", `/v1/organizations/${org.value}/people`);
    if (!people.ok) { showProblem(box, people.body); return; }
    const rows = people.body.items.map((/** @type {any} */ p) => {
      const select = h("select", { "aria-label": t("account.role_of", { name: p.name }) },
        roles().map((r) => h("option", { value: r, selected: r === p.role }, label("prole", r))));
      select.addEventListener("change", async () => {
        const r = await api("PATCH", `/v1/organizations/${org.value}/people/${p.id}`, { body: { role: select.value } });
        if (!r.ok) { showProblem(box, r.body); return; }
        say(t("common.saved"));
      });
      const remove = h("button", { class: "btn secondary", type: "button", onclick: async () => {
        if (!confirm(t("account.remove_confirm", { name: p.name }))) return;
        const r = await api("DELETE", `/v1/organizations/${org.value}/people/${p.id}`);
        if (!r.ok) { showProblem(box, r.body); return; }
        await load();
      } }, t("common.remove"));
      const self = me.person?.id === p.id;
      return h("tr", {}, h("td", {}, p.name), h("td", {}, p.email), h("td", {}, self ? label("prole", p.role) : select),
        h("td", {}, p.totp_enabled ? t("account.totp_on") : "—"), h("td", {}, self ? "" : remove));
    });
    put(list, h("table", {}, h("thead", {}, h("tr", {}, ["account.name", "account.email", "account.role", "account.totp", "common.actions"].map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, rows)));
    const open = await api("GET", `/v1/organizations/${org.value}/invitations`);
    put(invited, open.ok && open.body.items.length
      ? h("ul", {}, open.body.items.map((/** @type {any} */ i) => h("li", {}, t("account.invited_line", { email: i.email, role: label("prole", i.role), until: formatDateTime(i.expires_at) }))))
      : null);
  };
  const link = h("div");
  const form = h("form", { class: "row", onsubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    const r = await api("POST", `/v1/organizations/${org.value}/invitations`, { body: { email: email.value.trim(), role: role.value } });
    if (!r.ok) { showProblem(box, r.body, form); return; }
    showProblem(box, null, form);
    const url = `${location.origin}${r.body.accept_path}`;
    put(link, h("div", { class: "notice", role: "status" }, h("p", {}, t("account.invite_link", { email: r.body.email })), h("input", { readonly: true, value: url, "aria-label": t("account.invite_url"), id: "invite-url" })));
    email.value = "";
    await load();
  } },
  h("div", {}, h("label", { for: "i-email" }, t("account.email")), email),
  h("div", {}, h("label", { for: "i-role" }, t("account.role")), role),
  h("button", { class: "btn", type: "submit" }, t("account.invite")));
  org.addEventListener("change", load);
  page("nav.people", h("div", {}, h("label", { for: "p-org" }, t("account.organization")), org), list,
    h("h2", {}, t("account.invitations")), invited, form, link, box);
  await load();
}

/**
 * Signs the person out of this session (or everywhere).
 * @param {Ctx} ctx @param {boolean} everywhere
 */
export async function endSession(ctx, everywhere) {
  await ctx.api("DELETE", everywhere ? "/v1/sessions" : "/v1/session");
}

/**
 * The signed-in person's own account: who they are, signing out everywhere,
 * and the second factor (TOTP: any authenticator app).
 * @param {Ctx} ctx
 */
export async function accountView(ctx) {
  const { h, put, page, api, showProblem, say, state } = ctx;
  const me = state.me;
  const box = h("div");
  const totp = h("div");
  const code = h("input", { id: "t-code", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", "data-pointer": "/code", required: true });
  /** @param {boolean} enabled */
  const showTotp = (enabled) => {
    if (enabled) {
      const off = h("form", { class: "row", onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        const r = await api("POST", "/v1/me/totp/disable", { body: { code: code.value.trim() } });
        if (!r.ok) { showProblem(box, r.body, off); return; }
        code.value = "";
        say(t("account.totp_off_done"));
        showTotp(false);
      } }, h("p", {}, t("account.totp_is_on")), h("div", {}, h("label", { for: "t-code" }, t("account.totp_code")), code),
      h("button", { class: "btn secondary", type: "submit" }, t("account.totp_disable")));
      put(totp, off);
      return;
    }
    put(totp, h("p", {}, t("account.totp_is_off")), h("button", { class: "btn", type: "button", onclick: async () => {
      const r = await api("POST", "/v1/me/totp");
      if (!r.ok) { showProblem(box, r.body); return; }
      const confirm = h("form", { class: "row", onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        const c = await api("POST", "/v1/me/totp/confirm", { body: { code: code.value.trim() } });
        if (!c.ok) { showProblem(box, c.body, confirm); return; }
        code.value = "";
        showProblem(box, null, confirm);
        say(t("account.totp_on_done"));
        showTotp(true);
      } }, h("div", {}, h("label", { for: "t-code" }, t("account.totp_code")), code), h("button", { class: "btn", type: "submit" }, t("account.totp_confirm")));
      put(totp, h("p", {}, t("account.totp_scan")),
        h("p", {}, h("label", { for: "t-secret" }, t("account.totp_secret")), h("input", { id: "t-secret", readonly: true, value: r.body.secret })),
        h("p", {}, h("label", { for: "t-uri" }, t("account.totp_uri")), h("input", { id: "t-uri", readonly: true, value: r.body.otpauth_uri })),
        confirm);
      code.focus();
    } }, t("account.totp_start")));
  };
  const people = me.person ? await api("GET", `/v1/organizations/${me.organization_id}/people`) : null;
  const self = people?.ok ? people.body.items.find((/** @type {any} */ p) => p.id === me.person.id) : null;
  const everywhere = h("button", { class: "btn secondary", type: "button", onclick: async () => {
    await endSession(ctx, true);
    state.me = null;
    state.csrf = null;
    location.hash = "#/signin";
    await ctx.route();
    say(t("account.signed_out_everywhere"));
  } }, t("account.signout_everywhere"));
  page("nav.account",
    h("dl", {}, h("dt", {}, t("account.name")), h("dd", {}, me.person.name), h("dt", {}, t("account.email")), h("dd", {}, me.person.email),
      h("dt", {}, t("account.role")), h("dd", {}, label("prole", me.person.role)),
      h("dt", {}, t("account.session_until")), h("dd", {}, me.session_expires_at ? formatDateTime(me.session_expires_at) : "—")),
    h("h2", {}, t("account.totp")), totp, box,
    h("h2", {}, t("account.sessions")), h("p", {}, t("account.everywhere_help")), everywhere);
  showTotp(!!self?.totp_enabled);
}
