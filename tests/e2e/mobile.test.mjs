// The review console on a phone: every main page of each role, in English and
// in 日本語, at 375 px wide must not scroll sideways (wide tables scroll inside
// themselves; long titles, emails and URLs wrap). playwright-core drives
// Debian's chromium-headless-shell against the real kakehashi, its embedded
// assets and a database loaded with the demo data, set up as in
// console.test.mjs; a long webhook URL, a long email and a match are added so
// the pages show what overflowed before.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startDemoService } from "./service.mjs";

const binary = process.env.KAKEHASHI_BINARY;
const database = `kh_e2e_mobile_${process.pid}`;
const env = { ...process.env, KAKEHASHI_DATABASE_URL: `dbname=${database}`, KAKEHASHI_THREADS: "2",
  KAKEHASHI_CONTACT_HASH_KEY: "5e".repeat(32) };
const phone = { width: 375, height: 800 };

let stopService, base, browser;
const keys = {};  // organization name -> key; "admin" -> the programme office's
const ids = {};   // the firm, its project, the training organization, its trainee, webhooks
const owner = { email: "hanako.sato.owner.of.the.firm@toyoda-auto-parts.example.co.jp", password: "correct horse battery staple" };

async function api(key, method, url, body) {
  const res = await fetch(`${base}${url}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

before(async () => {
  const started = await startDemoService(binary, database, env);
  base = started.base;
  Object.assign(keys, started.keys);
  stopService = started.stop;

  // A firm's open project with candidates; the firm shortlists the first, so
  // each side has a match to open, and the trainee has the project among its
  // opportunities (the preferences' selects list the long bilingual titles).
  for (const [name, key] of Object.entries(keys)) {
    if (name === "admin" || ids.project) continue;
    const projects = await api(key, "GET", "/v1/projects?status=open");
    if (projects.status !== 200) continue;
    for (const p of projects.body.items) {
      const c = await api(key, "GET", `/v1/projects/${p.id}/candidates?limit=1`);
      if (c.body.items.length) { Object.assign(ids, { firm: name, project: p.id, trainee: c.body.items[0].trainee.id }); break; }
    }
  }
  assert.ok(ids.project, "the demo data has a project with candidates");
  const match = await api(keys[ids.firm], "POST", "/v1/matches", { project_id: ids.project, trainee_id: ids.trainee });
  assert.equal(match.status, 201, JSON.stringify(match.body));
  ids.school = (await api(keys.admin, "GET", `/v1/organizations/${match.body.training_org_id}`)).body.name;
  // An endpoint with a long URL (no spaces to break at) on each side.
  for (const who of ["admin", ids.firm, ids.school]) {
    const made = await api(keys[who], "POST", "/v1/webhooks", { url: "https://hooks.example.co.jp/kakehashi/integration/v2/events/receiver-with-a-long-path",
      events: ["match.state_changed", "offer.received", "round.completed"], description: "人事システム連携（本番環境）の受信エンドポイント" });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    ids[`webhook ${who}`] = made.body.id;
  }
  // The firm's owner, a person with a long email, for People and My account.
  const me = await api(keys[ids.firm], "GET", "/v1/me");
  const invitation = await api(keys.admin, "POST", `/v1/organizations/${me.body.organization_id}/invitations`, { email: owner.email, role: "owner" });
  assert.equal(invitation.status, 201, JSON.stringify(invitation.body));
  const accepted = await api(keys.admin, "POST", "/v1/invitations/accept", { token: invitation.body.token, name: "佐藤 花子", password: owner.password });
  assert.ok(accepted.status < 300, JSON.stringify(accepted.body));

  browser = await chromium.launch({
    executablePath: process.env.KAKEHASHI_CHROMIUM || "/usr/lib/chromium/chromium-headless-shell",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
});

after(async () => {
  await browser?.close();
  stopService?.();
});

// A phone in one language (the browser's: no stored choice, the console follows it).
async function phonePage(lang) {
  const context = await browser.newContext({ viewport: phone, locale: lang === "ja" ? "ja-JP" : "en-US" });
  const page = await context.newPage();
  page.on("pageerror", (e) => { throw new Error(`page error: ${e.message}`); });
  // Requests in flight: a page is measured once its reads have all arrived.
  let pending = 0;
  page.on("request", () => { pending += 1; });
  page.on("requestfinished", () => { pending -= 1; });
  page.on("requestfailed", () => { pending -= 1; });
  page.idle = async () => {
    for (let quiet = 0; quiet < 3;) {
      await page.waitForTimeout(100);
      quiet = pending === 0 ? quiet + 1 : 0;
    }
    await page.waitForFunction(() => !document.querySelector("main .loading"));
  };
  return page;
}

async function keySignIn(page, key) {
  await page.goto(`${base}/admin/`);
  await page.locator("details.keys summary").click();
  await page.locator("#key").fill(key);
  await page.locator("#key").press("Enter");
  await page.locator("nav a").first().waitFor();
}

// How far the current page reaches past the viewport, and what sticks out:
// the first element past the right edge or else (a word wider than its box)
// the innermost element whose content overflows it; null when the page fits.
async function overflow(page) {
  await page.idle();
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    const all = [...document.body.querySelectorAll("*")];
    const out = all.find((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
      ?? all.reverse().find((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth);
    const name = out ? `${out.tagName.toLowerCase()}${out.id ? `#${out.id}` : ""}${out.classList.length ? `.${[...out.classList].join(".")}` : ""}` : "?";
    return `${root.scrollWidth} px wide at ${root.clientWidth} px (${name}: "${(out?.textContent ?? "").trim().slice(0, 40)}")`;
  });
}

// Visits each [name, hash, then?] and returns the pages that scroll sideways.
async function widePages(page, label, pages) {
  const wide = [];
  for (const [name, hash, then] of pages) {
    await page.goto(`${base}/admin/${hash}`);
    await page.locator("main h1").first().waitFor();
    if (then) { await page.idle(); await then(page); }
    const found = await overflow(page);
    if (found) wide.push(`${label} ${name} (${hash}): ${found}`);
  }
  return wide;
}

// Opens the first match of the queue: its detail sits beside (on a phone, under) the table.
const openFirstMatch = async (page) => {
  await page.locator("main tbody button.link").first().click();
  await page.locator("main [data-state]").first().waitFor();
};

for (const lang of ["en", "ja"]) {
  test(`${lang}: the sign-in page fits a phone`, async () => {
    const page = await phonePage(lang);
    await page.goto(`${base}/admin/`);
    await page.locator("details.keys summary").click();
    assert.equal(await overflow(page), null, `${lang} sign-in scrolls sideways`);
    await page.context().close();
  });

  test(`${lang}: the programme office's pages fit a phone`, async () => {
    const page = await phonePage(lang);
    await keySignIn(page, keys.admin);
    const wide = await widePages(page, `${lang} admin`, [
      ["dashboard", "#/dashboard"], ["matching round", "#/round"], ["review queue", "#/review"], ["audit trail", "#/audit"],
      ["exchange rates", "#/rates"], ["skill proposals", "#/proposals"], ["reports", "#/reports"], ["duplicates", "#/duplicates"],
      ["inbox", "#/inbox"], ["webhooks", "#/webhooks"], ["webhook deliveries", `#/webhook/${ids["webhook admin"]}`], ["people", "#/people"]]);
    assert.deepEqual(wide, [], `pages wider than a phone:\n${wide.join("\n")}`);
    await page.context().close();
  });

  test(`${lang}: a firm's pages fit a phone`, async () => {
    const page = await phonePage(lang);
    await keySignIn(page, keys[ids.firm]);
    const wide = await widePages(page, `${lang} firm`, [
      ["projects", "#/projects"], ["new project", "#/project/new"], ["project", `#/project/${ids.project}`],
      ["candidates", `#/candidates/${ids.project}`], ["matches", "#/matches"], ["match detail", "#/matches", openFirstMatch],
      ["inbox", "#/inbox"], ["webhooks", "#/webhooks"], ["webhook deliveries", `#/webhook/${ids[`webhook ${ids.firm}`]}`]]);
    assert.deepEqual(wide, [], `pages wider than a phone:\n${wide.join("\n")}`);
    await page.context().close();
  });

  test(`${lang}: a training organization's pages fit a phone`, async () => {
    const page = await phonePage(lang);
    await keySignIn(page, keys[ids.school]);
    const wide = await widePages(page, `${lang} training org`, [
      ["trainees", "#/trainees"], ["new trainee", "#/trainee-edit/new"], ["trainee edit", `#/trainee-edit/${ids.trainee}`],
      ["trainee's opportunities", `#/trainee/${ids.trainee}`], ["project", `#/project-view/${ids.project}`], ["CSV import", "#/import"],
      ["matches", "#/matches"], ["match detail", "#/matches", openFirstMatch], ["skill proposals", "#/proposals"],
      ["inbox", "#/inbox"], ["webhooks", "#/webhooks"], ["webhook deliveries", `#/webhook/${ids[`webhook ${ids.school}`]}`]]);
    assert.deepEqual(wide, [], `pages wider than a phone:\n${wide.join("\n")}`);
    await page.context().close();
  });

  test(`${lang}: a firm owner's people and account pages fit a phone`, async () => {
    const page = await phonePage(lang);
    await page.goto(`${base}/admin/`);
    await page.locator('input[type="email"]').first().fill(owner.email);
    await page.locator('input[type="password"]').first().fill(owner.password);
    await page.locator('input[type="password"]').first().press("Enter");
    await page.locator("nav a").first().waitFor();
    const wide = await widePages(page, `${lang} owner`, [["people", "#/people"], ["my account", "#/account"], ["projects", "#/projects"]]);
    assert.deepEqual(wide, [], `pages wider than a phone:\n${wide.join("\n")}`);
    await page.context().close();
  });
}
