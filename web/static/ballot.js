// 民主测评: one slip's ballot. Reads the evaluation (its people, dimensions
// and ratings) from the intake that serves this page, asks for every
// rating, casts the ballot once with the slip's code, and keeps the
// receipt (the SHA-256 of the code and of the ballot) on this phone, by
// which the rater finds their ballot in the published result.
// Chinese by default; English with ?lang=en.

const RATINGS = ["good", "fairly_good", "average", "poor"];
const WORDS = {
  zh: {
    ratings: { good: "好", fairly_good: "较好", average: "一般", poor: "差" },
    overall: "总体评价",
    comment: "意见建议（可不填）",
    cast: "提交测评票",
    casting: "正在提交…",
    missing: "还有 {n} 项未评价。",
    done: "已提交，谢谢！请保存以下回执，测评结束后可在公布的结果中核对本票：",
    codeHash: "选票码摘要",
    ballotHash: "选票摘要",
    kept: "本手机已提交过此选票：",
    noSlip: "链接中没有选票码，请扫描测评票上的二维码。",
    refused: {
      "ballot-spent": "此选票已经投出，不能再次提交。",
      "evaluation-closed": "测评尚未开始或已经结束。",
      "code-invalid": "选票码无效，请核对测评票。",
      "not-found": "没有这个测评。",
      invalid: "选票不完整或有误：",
    },
    failed: "未能提交（{e}），请稍后重试。",
    anonymous: "本票不记姓名，不记录提交时间和设备。",
  },
  en: {
    ratings: { good: "Good", fairly_good: "Fairly good", average: "Average", poor: "Poor" },
    overall: "Overall",
    comment: "Comment (optional)",
    cast: "Cast the ballot",
    casting: "Casting…",
    missing: "{n} ratings are still to give.",
    done: "Cast, thank you. Keep this receipt: once the evaluation closes, find your ballot in the published result by it:",
    codeHash: "Code digest",
    ballotHash: "Ballot digest",
    kept: "This phone cast this slip's ballot already:",
    noSlip: "The link has no slip code: scan the QR code on your slip.",
    refused: {
      "ballot-spent": "This slip's ballot was cast already.",
      "evaluation-closed": "The evaluation is not open.",
      "code-invalid": "This slip's code is not valid: check your slip.",
      "not-found": "There is no such evaluation.",
      invalid: "The ballot is incomplete or wrong: ",
    },
    failed: "Could not cast it ({e}); try again shortly.",
    anonymous: "No name, time or device is kept with this ballot.",
  },
};

const lang = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "zh";
const t = WORDS[lang];
const text = (title) => (lang === "en" && title.en) || title.zh;
const fill = (s, values) => s.replace(/\{(\w+)\}/g, (_, k) => values[k]);

const main = document.querySelector("main");
const [id, code] = decodeURIComponent(location.hash.slice(1)).split("/");
const api = (path) => new URL(`api/v1/evaluations/${encodeURIComponent(id)}${path}`, location.href);
const keptKey = `qingdan-ballot-${id}-${code}`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function say(kind, message, testid) {
  const p = el("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": testid }, message);
  main.querySelector(".notice")?.remove();
  main.append(p);
  return p;
}

function showReceipt(receipt, heading) {
  main.replaceChildren(
    el("h1", {}, document.title),
    el(
      "section",
      { class: "receipt", "data-testid": "ballot-receipt", "data-code-sha256": receipt.code_sha256, "data-ballot-sha256": receipt.ballot_sha256 },
      el("p", {}, heading),
      el("p", {}, `${t.codeHash}: `, el("code", { class: "mono" }, receipt.code_sha256)),
      el("p", {}, `${t.ballotHash}: `, el("code", { class: "mono" }, receipt.ballot_sha256)),
    ),
  );
}

function form(doc) {
  document.title = text(doc.title);
  const rows = [];
  const people = doc.subjects.map((person) => {
    const dimensions = [...doc.dimensions, { id: "overall", title: { zh: WORDS.zh.overall, en: WORDS.en.overall } }];
    const fields = dimensions.map((d) => {
      const name = `${person.id}.${d.id}`;
      rows.push(name);
      const choices = RATINGS.map((r) =>
        el("label", { class: "choice" }, el("input", { type: "radio", name, value: r, "data-testid": `rate-${person.id}-${d.id}-${r}` }), t.ratings[r]),
      );
      return el("fieldset", { "data-field": name }, el("legend", {}, text(d.title)), ...choices);
    });
    return el("section", { class: "person" }, el("h2", {}, `${person.name}（${person.post}）`), ...fields);
  });
  const comment = doc.comment ? el("label", { class: "note" }, t.comment, el("textarea", { rows: "3", maxlength: "500", "data-testid": "ballot-comment" })) : "";
  const submit = el("button", { type: "submit", class: "primary", "data-testid": "ballot-cast" }, t.cast);
  const f = el("form", {}, ...people, comment, el("p", { class: "muted" }, t.anonymous), submit);
  f.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ratings = {};
    let missing = 0;
    for (const name of rows) {
      const chosen = f.querySelector(`input[name="${CSS.escape(name)}"]:checked`);
      const [person, dimension] = name.split(".");
      if (!chosen) {
        missing += 1;
        continue;
      }
      (ratings[person] ??= {})[dimension] = chosen.value;
    }
    if (missing) {
      say("error", fill(t.missing, { n: missing }), "ballot-problem");
      return;
    }
    const answers = { ratings };
    const note = f.querySelector("textarea")?.value.trim();
    if (note) answers.comment = note;
    submit.disabled = true;
    submit.textContent = t.casting;
    try {
      const response = await fetch(api("/ballots"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code, answers }),
      });
      const body = await response.json();
      if (response.status === 201) {
        localStorage.setItem(keptKey, JSON.stringify(body));
        showReceipt(body, t.done);
        return;
      }
      const why = t.refused[body.code];
      say("error", why ? (body.code === "invalid" ? why + body.detail : why) : fill(t.failed, { e: body.detail }), "ballot-problem").dataset.code = body.code;
    } catch (error) {
      say("error", fill(t.failed, { e: error.message }), "ballot-problem");
    }
    submit.disabled = false;
    submit.textContent = t.cast;
  });
  main.replaceChildren(el("h1", { "data-testid": "ballot-title" }, document.title), f);
  main.dataset.ready = "true";
}

async function start() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  if (!id || !code) {
    say("error", t.noSlip, "ballot-problem");
    return;
  }
  const kept = localStorage.getItem(keptKey);
  if (kept) {
    showReceipt(JSON.parse(kept), t.kept);
    return;
  }
  try {
    const response = await fetch(api(""));
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      say("error", t.refused[body.code] ?? fill(t.failed, { e: response.status }), "ballot-problem");
      return;
    }
    form(await response.json());
  } catch (error) {
    say("error", fill(t.failed, { e: error.message }), "ballot-problem");
  }
}

start();
