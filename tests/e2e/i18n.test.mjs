// The console's messages without a browser: every problem type and field
// error code the spec lists has a message in both languages, the language
// follows navigator.languages until the user chooses, and messages are
// filled from the error's parameters.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = readFileSync(path.join(here, "../../api-spec/openapi.yaml"), "utf8");
const stored = new Map();
let i18n;

before(async () => {
  Object.defineProperty(globalThis, "localStorage", { configurable: true, value: {
    getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => stored.set(k, String(v)) } });
  Object.defineProperty(globalThis, "navigator", { configurable: true, value: { languages: ["ja-JP", "en-US"], language: "ja-JP" } });
  i18n = await import("../../service/web/i18n.js");
});

test("with no stored choice the language is the browser's first the console speaks", () => {
  assert.equal(i18n.language(), "ja");
  assert.equal(i18n.preferredLanguage(["fr-FR", "ja", "en"]), "ja");
  assert.equal(i18n.preferredLanguage(["en-GB", "ja-JP"]), "en");
  assert.equal(i18n.preferredLanguage(["bn-BD"]), "en");
  assert.equal(i18n.preferredLanguage([]), "en");
});

test("every problem type and field code in the spec has a message in English and Japanese", () => {
  const codes = spec.match(/\n {10}enum: \[(required,[^\]]*)\]/)[1].split(",").map((c) => c.trim());
  const types = [...spec.matchAll(/\n {12}- https:\/\/kakehashi\.example\/problems\/([a-z-]+)(?=\n)/g)].map((m) => m[1]);
  assert.ok(codes.length >= 20 && types.length >= 25, `${codes.length} codes, ${types.length} types`);
  const english = new Map();
  for (const lang of ["en", "ja"]) {
    i18n.setLanguage(lang);
    const messages = [
      ...codes.map((code) => [`code ${code}`, i18n.fieldErrorText({ pointer: "/x", code, detail: "SERVER TEXT", params: {} })]),
      ...types.map((type) => [`type ${type}`, i18n.problemText({ type: `https://kakehashi.example/problems/${type}`, detail: "SERVER TEXT" })]),
    ];
    for (const [what, text] of messages) {
      assert.ok(text && text !== "SERVER TEXT", `${lang}: no message for ${what}`);
      // Japanese of its own, not the English fallback.
      if (lang === "en") english.set(what, text);
      else assert.notEqual(text, english.get(what), `ja: ${what} falls back to English`);
    }
  }
});

test("messages take the error's parameters, formatted for the language", () => {
  i18n.setLanguage("ja");
  assert.equal(i18n.fieldErrorText({ pointer: "/full_name", code: "too_long", params: { max_length: 200 } }), "200文字以内で入力してください。");
  assert.equal(i18n.fieldErrorText({ pointer: "/headcount", code: "out_of_range", params: { min: 1, max: 1000 } }), "1〜1,000の範囲で入力してください。");
  assert.equal(i18n.fieldErrorText({ pointer: "/reason", code: "required" }), "見送り・辞退の場合は理由を入力してください。");
  assert.match(i18n.fieldErrorText({ pointer: "/languages/japanese", code: "invalid_choice", params: { allowed: ["none", "N5", "N4"] } }), /なし、N5、またはN4/);
  assert.equal(i18n.t("import.line_n", { line: 5 }), "5行目");
  // A CSV heading the import does not take: the ones it does.
  assert.match(i18n.fieldErrorText({ pointer: "/Name", code: "unknown_field", params: { allowed: ["full_name", "email"] } }), /使えない列名.*full_name, email/);
  assert.equal(i18n.fieldErrorText({ pointer: "/colour", code: "unknown_field" }), "この項目は受け付けていません。");
  // Dates as Excel wrote them: what they can mean.
  const date = (seen, readings) => i18n.fieldErrorText({ pointer: "/available_from", code: "invalid_format", params: { format: "date", seen, readings } });
  assert.match(date("other_order", ["2027-04-01", "2027-01-04"]), /2027-04-01または2027-01-04/);
  assert.match(date("excel_serial", ["2024-04-03"]), /^Excelが日付を数値（2024-04-03）/);
  assert.match(date("other_order", []), /日付（YYYY-MM-DD/, "no reading: the plain message");
  assert.match(date("other_digits", ["2027-01-15"]), /^日付は半角数字で.*2027-01-15/, "Bengali or full-width digits");
  assert.equal(i18n.label("state", "rejected"), "見送り");
  assert.equal(i18n.label("state", "no_such_state"), "no_such_state");
  assert.equal(i18n.formatMoney(120000, "JPY"), "￥120,000");
  // Taka in thousands for a Japanese reader, in lakhs for a Bangladeshi one.
  assert.equal(i18n.formatMoney(150000, "BDT").replace(/\s/g, " "), "BDT 150,000");
  i18n.setLanguage("en");
  assert.equal(i18n.formatMoney(150000, "BDT").replace(/\s/g, " "), "BDT 1,50,000");
  assert.equal(i18n.formatMoney(12500000, "BDT").replace(/\s/g, " "), "BDT 1,25,00,000");
  assert.match(i18n.formatMoney(600000, "JPY"), /¥600,000$/, "yen stays in thousands");
  i18n.setLanguage("ja");
  // An unknown code falls back to the server's detail rather than nothing.
  assert.equal(i18n.fieldErrorText({ pointer: "/x", code: "from_the_future", detail: "as the server says" }), "as the server says");
  i18n.setLanguage("en");
  assert.equal(i18n.fieldErrorText({ pointer: "/full_name", code: "too_long", params: { max_length: 200 } }), "At most 200 characters.");
  assert.equal(i18n.t("import.line_n", { line: 5 }), "Line 5");
  assert.equal(i18n.formatDate("2027-02-01"), "1 Feb 2027");
  assert.equal(stored.get("kakehashi.lang"), "en", "a choice is kept");
});

test("a webhook the service disabled reads in the reader's language, not the server's English", async () => {
  const { stateText } = await import("../../service/web/webhooks.js");
  const h = (tag, attrs, ...children) => ({ tag, attrs, text: children.join("") });
  // As the outbox leaves an endpoint after its fifth failure in a row.
  const disabled = { enabled: false, consecutive_failures: 5, disabled_reason: "disabled after 5 consecutive failed attempts" };
  i18n.setLanguage("ja");
  assert.equal(stateText({ h }, disabled).text, "停止中（5 回連続で配信に失敗したため）");
  assert.equal(stateText({ h }, { enabled: false, consecutive_failures: 0, disabled_reason: null }).text, "停止中");
  assert.equal(stateText({ h }, { enabled: true, consecutive_failures: 2, disabled_reason: null }).text, "有効（2 回連続で失敗）");
  i18n.setLanguage("en");
  assert.equal(stateText({ h }, disabled).text, "Disabled after 5 failed deliveries in a row");
  assert.equal(stateText({ h }, disabled).attrs.class, "error");
});

test("a field error deep in a list names each member and each item by its place, from 1", () => {
  i18n.setLanguage("ja");
  // A team's role: the server counts from 0 (/roles/1/skills/1/skill had been
  // shown to a firm as it was).
  assert.equal(i18n.fieldName("/roles/1/skills/1/skill"), "役割 2 · スキル 2");
  assert.equal(i18n.fieldName("/roles/0/title"), "役割 1 · 役割名", "a role's title is not the project's 案件名");
  assert.equal(i18n.fieldName("/title"), "案件名");
  assert.equal(i18n.fieldName("/skills/0/min_level"), "スキル 1 · 最低レベル");
  assert.equal(i18n.fieldName("/budget_monthly/min"), "人月単価（下限）");
  assert.equal(i18n.fieldName("/skills/2/level"), "スキル 3", "an unknown member after a known one: the names so far");
  assert.equal(i18n.fieldName("/no_such_field/0"), "/no_such_field/0", "an unknown first member: the pointer");
  i18n.setLanguage("en");
  assert.equal(i18n.fieldName("/roles/1/skills/1/skill"), "Role 2 · Skills 2");
  assert.equal(i18n.fieldName("/roles/2/headcount"), "Role 3 · Seats");
});

test("what Excel did to a phone or a name is said in the reader's language", () => {
  i18n.setLanguage("ja");
  assert.match(i18n.fieldErrorText({ pointer: "/phone", code: "invalid_format", params: { format: "phone", seen: "leading_zero_lost" } }), /先頭の0/);
  assert.match(i18n.fieldErrorText({ pointer: "/phone", code: "invalid_format", params: { format: "phone" } }), /8\.80171E\+12/);
  assert.match(i18n.fieldErrorText({ pointer: "/full_name", code: "invalid_text", params: { reason: "question_marks" } }), /CSV UTF-8/);
  i18n.setLanguage("en");
  assert.match(i18n.fieldErrorText({ pointer: "/phone", code: "invalid_format", params: { format: "phone", seen: "leading_zero_lost" } }), /leading 0/);
  assert.match(i18n.fieldErrorText({ pointer: "/full_name", code: "invalid_text", params: { reason: "question_marks" } }), /\? where letters were lost/);
});

test("every reason a round gives for leaving a trainee out is explained in both languages", () => {
  const reasons = spec.match(/reason: \{ type: string, enum: \[(no_eligible_project[^\]]*)\] \}/)[1].split(",").map((r) => r.trim());
  assert.ok(reasons.includes("outranked"), reasons.join());
  for (const lang of ["en", "ja"]) {
    i18n.setLanguage(lang);
    for (const reason of [...reasons, "not_shortlisted"]) {
      const text = i18n.t(`unmatched.means.${reason}`);
      assert.ok(text && !text.startsWith("unmatched."), `${lang}: no meaning for ${reason}`);
    }
  }
});

test("every reason a round gives for seats left unfilled reads in both languages", () => {
  const reasons = spec.match(/reason: \{ type: string, enum: \[(no_eligible_trainee[^\]]*)\] \}/)[1].split(",").map((r) => r.trim());
  assert.ok(reasons.includes("organization_cap"), reasons.join());
  const english = new Map();
  for (const lang of ["en", "ja"]) {
    i18n.setLanguage(lang);
    for (const reason of reasons) {
      const text = i18n.label("unfilled", reason);
      assert.notEqual(text, reason, `${lang}: no words for ${reason}`);
      if (lang === "en") english.set(reason, text);
      else assert.notEqual(text, english.get(reason), `ja: ${reason} falls back to English`);
    }
  }
});
