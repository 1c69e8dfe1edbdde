// The intake page: free text or ticks -> what was understood -> questions (red flags
// first, one at a time) -> the result. Plain JavaScript, no build step, same-origin API.
"use strict";

(function () {
  const FIELD_FOR_KIND = { symptom: "symptoms", history: "history", activity: "activities", measurement: "measurements" };

  const state = {
    vocab: {}, report: emptyReport(), skipped: new Set(), asked: 0, lang: "en", pack: "",
    texts: {}, names: {}, languages: ["en"], parsed: null, question: null,
  };

  function emptyReport() {
    return { symptoms: [], absent: [], suspected: [], measurements: {}, activities: [], history: [] };
  }
  function $(id) { return document.getElementById(id); }
  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (key === "text") node.textContent = value;
        else if (key === "class") node.className = value;
        else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value);
      }
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }
  // the page's texts come from the library's catalog (GET /v1/page-texts), never from here
  function t(key, values) {
    let text = state.texts[key] !== undefined ? state.texts[key] : key;
    for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(String(value));
    return text;
  }
  function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }
  function label(id) { return state.vocab[id] ? state.vocab[id].label : id.replace(/_/g, " "); }

  async function api(path, body) {
    // the language goes in the query too: explicit, and the same for every route
    path += (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(state.lang);
    const init = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    init.headers = Object.assign({ "Accept-Language": state.lang }, init.headers || {});
    const response = await fetch(path, init);
    const data = await response.json().catch(function () { return null; });
    if (!response.ok) {
      const problems = data && data.errors && data.errors.length
        ? data.errors.map(function (e) { return (e.field ? e.field + ": " : "") + e.message; }).join("; ")
        : (data && data.detail) || response.statusText;
      throw new Error(problems);
    }
    return data;
  }
  function showError(message) {
    const box = $("error");
    box.textContent = message ? t("page.error", { message: message }) : "";
    box.hidden = !message;
  }
  function show(step) {
    for (const id of ["step-intake", "step-review", "step-question", "step-result"]) $(id).hidden = id !== step;
    const heading = $(step).querySelector("h2");
    if (heading) heading.focus();
    window.scrollTo(0, 0);
  }

  // ------------------------------------------------------------------ report edits
  function removeEverywhere(id) {
    const r = state.report;
    for (const key of ["symptoms", "absent", "suspected", "activities", "history"]) r[key] = r[key].filter(function (v) { return v !== id; });
    delete r.measurements[id];
  }
  function setPresent(id) {
    removeEverywhere(id);
    const kind = state.vocab[id] ? state.vocab[id].kind : "symptom";
    state.report[FIELD_FOR_KIND[kind] || "symptoms"].push(id);
  }
  function setAbsent(id) { removeEverywhere(id); state.report.absent.push(id); }
  function addTicks() {
    for (const box of document.querySelectorAll("#region-list input[type=checkbox]:checked")) setPresent(box.value);
  }

  // ---------------------------------------------------------------------- intake
  // ------------------------------------------------------------------- languages
  function pickLanguage(available) {
    for (const tag of navigator.languages || [navigator.language || ""]) {
      const primary = String(tag).toLowerCase().split("-")[0];
      if (available.indexOf(primary) >= 0) return primary;
    }
    return available.indexOf("en") >= 0 ? "en" : available[0];
  }
  function applyTexts() {
    document.documentElement.lang = state.lang;
    for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.getAttribute("data-t"));
    for (const node of document.querySelectorAll("[data-t-placeholder]")) node.placeholder = t(node.getAttribute("data-t-placeholder"));
    const select = $("lang-select");
    select.textContent = "";
    for (const tag of state.languages) {
      const option = el("option", { value: tag, lang: tag, text: state.names[tag] || tag });
      if (tag === state.lang) option.selected = true;
      select.appendChild(option);
    }
    select.parentElement.hidden = state.languages.length < 2;
  }
  async function loadTexts() {
    const texts = await api("/v1/page-texts");
    state.texts = texts.texts;
    state.names = texts.names;
    applyTexts();
  }
  async function start() {
    try {
      const pack = await api("/v1/pack");
      state.languages = pack.languages && pack.languages.length ? pack.languages : ["en"];
      state.lang = pickLanguage(state.languages);
      await loadTexts();
    } catch (err) {
      showError(err.message);
    }
    await loadVocabulary();
  }
  function currentStep() {
    return ["step-intake", "step-review", "step-question", "step-result"].find(function (id) { return !$(id).hidden; });
  }
  // a new language re-renders the screen in view; what was entered or answered stays
  async function switchLanguage(lang) {
    if (lang === state.lang) return;
    state.lang = lang;
    showError("");
    try {
      await loadTexts();
    } catch (err) {
      showError(err.message);
      return;
    }
    await loadVocabulary();
    const step = currentStep();
    if (step === "step-review") renderUnderstood(state.parsed);
    else if (step === "step-question") await nextQuestion(true);
    else if (step === "step-result") await result(true);
  }

  async function loadVocabulary() {
    const ticked = new Set([...document.querySelectorAll("#region-list input:checked")].map(function (b) { return b.value; }));
    try {
      const vocab = await api("/v1/vocabulary");
      state.vocab = {};
      const regions = {};
      for (const item of vocab.items) {
        state.vocab[item.id] = item;
        if (item.kind !== "symptom" || item.red_flag) continue;
        const region = item.region || "any";
        (regions[region] = regions[region] || []).push(item);
      }
      const list = $("region-list");
      list.textContent = "";
      for (const [region, items] of Object.entries(regions)) {
        const title = region === "any" ? t("page.region_general") : (state.texts["region." + region] || region.replace(/_/g, " "));
        const group = el("div", { class: "region", role: "group", "aria-labelledby": "region-" + region }, [
          el("h3", { id: "region-" + region, text: title }),
        ]);
        for (const item of items) {
          const id = "tick-" + item.id;
          group.appendChild(el("label", { class: "check", for: id }, [
            ticked.has(item.id) ? el("input", { type: "checkbox", id: id, value: item.id, checked: "" })
              : el("input", { type: "checkbox", id: id, value: item.id }),
            el("span", { text: item.label }),
          ]));
        }
        list.appendChild(group);
      }
    } catch (err) {
      showError(err.message);
    }
  }

  async function understand() {
    showError("");
    const text = $("text").value.trim();
    state.report = emptyReport();
    state.skipped = new Set();
    state.asked = 0;
    $("intake-error").hidden = true;
    let parsed = null;
    try {
      if (text) parsed = await api("/v1/parse", { text: text, lang: state.lang });
    } catch (err) {
      $("intake-error").textContent = err.message;
      $("intake-error").hidden = false;
      return;
    }
    if (parsed) {
      const r = parsed.parsed.report;
      for (const key of ["symptoms", "absent", "suspected", "activities", "history"]) state.report[key] = r[key].slice();
      state.report.measurements = Object.assign({}, r.measurements);
      if (r.age !== null) state.report.age = r.age;
      if (r.sex !== null) state.report.sex = r.sex;
    }
    addTicks();
    if (!text && !document.querySelector("#region-list input:checked")) {
      $("intake-error").textContent = t("page.need_input");
      $("intake-error").hidden = false;
      return;
    }
    state.parsed = parsed;
    renderUnderstood(parsed);
    show("step-review");
  }

  function describeMeasurement(id, value) {
    const unit = state.vocab[id] && state.vocab[id].unit ? " " + state.vocab[id].unit : "";
    if (value !== null && typeof value === "object") return t("page.left") + " " + value.left + unit + ", " + t("page.right") + " " + value.right + unit;
    return value + unit;
  }

  function renderUnderstood(parsed) {
    const list = $("understood");
    list.textContent = "";
    const r = state.report;
    const entries = [];
    for (const key of ["symptoms", "history", "activities"]) for (const id of r[key]) entries.push([id, "yes", label(id)]);
    for (const id of r.absent) entries.push([id, "no", label(id)]);
    // a red flag the text hinted at: asked first, never removable here (it counts until answered)
    for (const id of r.suspected) entries.push([id, "maybe", label(id)]);
    for (const [id, value] of Object.entries(r.measurements)) entries.push([id, "value", label(id) + ": " + describeMeasurement(id, value)]);
    for (const [id, kind, text] of entries) {
      const item = el("li", { "data-id": id }, [
        el("span", { class: "what", text: text }),
        kind === "value" ? null : el("span", { class: "state" + (kind === "no" ? " no" : kind === "maybe" ? " maybe" : ""), text: t(kind === "no" ? "page.dont_have" : kind === "maybe" ? "page.maybe" : "page.have") }),
      ]);
      if (kind === "maybe") { list.appendChild(item); continue; }
      if (kind !== "value" && state.vocab[id] && state.vocab[id].kind !== "activity") {
        item.appendChild(el("button", {
          type: "button", class: "secondary small", text: t(kind === "no" ? "page.actually_do" : "page.actually_dont"),
          "aria-label": t(kind === "no" ? "page.actually_do_label" : "page.actually_dont_label", { label: label(id) }),
          onclick: function () { if (kind === "no") setPresent(id); else setAbsent(id); renderUnderstood(parsed); },
        }));
      }
      item.appendChild(el("button", {
        type: "button", class: "secondary small", text: t("page.remove"), "aria-label": t("page.remove_label", { label: text }),
        onclick: function () { removeEverywhere(id); renderUnderstood(parsed); },
      }));
      list.appendChild(item);
    }
    $("nothing").hidden = entries.length > 0;
    const unused = parsed && parsed.parsed.unused.length ? parsed.parsed.unused.map(function (s) { return s.text; }).join(", ") : "";
    $("unused").hidden = !unused;
    $("unused").textContent = unused ? t("page.unused", { text: unused }) : "";
    const flags = parsed ? parsed.screens : [];
    $("unscreened").hidden = flags.length === 0;
    $("unscreened").textContent = flags.length ? t(flags.length > 1 ? "page.safety_first" : "page.safety_first_one", { n: flags.length }) : "";
  }

  // ------------------------------------------------------------------- questions
  async function nextQuestion(again) {
    showError("");
    let interview;
    try {
      interview = await api("/v1/next-questions?limit=50", cleanReport());
    } catch (err) {
      showError(err.message);
      return;
    }
    const question = interview.should_stop ? null : interview.questions.find(function (q) { return !state.skipped.has(q.id); });
    if (!question) { await result(again); return; }
    renderQuestion(question, interview.remaining);
    if (!again) show("step-question");
  }

  function answerButton(text, action) {
    return el("button", { type: "button", class: text === capital(t("answer.yes")) ? "" : "secondary", text: text, onclick: action });
  }

  function renderQuestion(q, remaining) {
    $("q-flag").hidden = !q.red_flag;
    $("q-text").textContent = q.text || q.label;
    const answers = $("q-answers");
    answers.textContent = "";
    const after = function () { state.asked += 1; nextQuestion(); };
    if (q.kind === "measurement") {
      const unit = q.unit ? " (" + q.unit + ")" : "";
      const [lo, hi] = q.range || [0, 1000];
      const sides = q.sided ? ["left", "right"] : ["value"];
      const inputs = {};
      for (const side of sides) {
        const id = "m-" + side;
        inputs[side] = el("input", { type: "number", id: id, min: String(lo), max: String(hi), step: "any", inputmode: "decimal" });
        answers.appendChild(el("div", { class: "field" }, [
          el("label", { for: id, text: t("page." + side) + unit }), inputs[side],
        ]));
      }
      answers.appendChild(answerButton(t("page.save"), function () {
        const values = {};
        for (const side of sides) {
          const v = parseFloat(inputs[side].value);
          if (Number.isNaN(v) || v < lo || v > hi) { showError(t("page.number_range", { lo: lo, hi: hi, unit: unit })); inputs[side].focus(); return; }
          values[side] = v;
        }
        state.report.measurements[q.id] = q.sided ? { left: values.left, right: values.right } : values.value;
        after();
      }));
      answers.appendChild(answerButton(t("page.dont_know"), function () { state.skipped.add(q.id); after(); }));
    } else {
      answers.appendChild(answerButton(capital(t("answer.yes")), function () { setPresent(q.id); after(); }));
      answers.appendChild(answerButton(capital(t("answer.no")), function () {
        if (q.kind === "activity") state.skipped.add(q.id); else setAbsent(q.id);
        after();
      }));
      answers.appendChild(answerButton(capital(t("answer.not_sure")), function () { state.skipped.add(q.id); after(); }));
    }
    $("q-progress").textContent = t("page.question_n", { n: state.asked + 1 }) + (remaining ? t("page.up_to_left", { n: remaining }) : "");
  }

  function cleanReport() {
    const r = state.report;
    const out = { symptoms: r.symptoms, absent: r.absent, suspected: r.suspected, activities: r.activities, history: r.history, measurements: r.measurements };
    if (r.age !== undefined) out.age = r.age;
    if (r.sex !== undefined) out.sex = r.sex;
    return out;
  }

  // ---------------------------------------------------------------------- result
  function card(kind, title, lines) {
    return el("div", { class: "card " + kind }, [el("h4", { text: title })].concat(lines.filter(Boolean).map(function (line) {
      return typeof line === "string" ? el("p", { text: line }) : line;
    })));
  }

  async function result(again) {
    let res;
    try {
      res = await api("/v1/triage", cleanReport());
    } catch (err) {
      showError(err.message);
      return;
    }
    const title = t("level_text." + res.level);
    const sub = t("page.sub." + res.level);
    $("level").className = "level " + res.level;
    $("level").setAttribute("data-level", res.level);
    $("level-text").textContent = title;
    $("level-sub").textContent = sub;
    const body = $("result-body");
    body.textContent = "";
    const referrals = res.recommendations.filter(function (r) { return r.kind === "referral"; });
    const others = res.recommendations.filter(function (r) { return r.kind !== "referral"; });
    if (res.red_flags.length) {
      body.appendChild(el("h3", { text: t("page.warning_signs") }));
      for (const flag of res.red_flags) body.appendChild(card("flag", flag.label, [flag.reason]));
    }
    for (const ref of referrals) body.appendChild(card("referral", ref.label, [ref.reason, ref.instructions]));
    if (res.hypotheses.length) {
      body.appendChild(el("h3", { text: t(res.red_flags.length ? "page.causes_for_clinician" : "page.likely_causes") }));
      const list = el("ul", { id: "causes" });
      for (const h of res.hypotheses) {
        const bar = el("span", { class: "bar", "aria-hidden": "true" });
        bar.style.width = Math.round(h.confidence * 6) + "rem";
        list.appendChild(el("li", {}, [el("span", { text: h.label + " (" + t("likelihood." + h.likelihood) + ", " + Math.round(h.confidence * 100) + "%)" }), bar]));
      }
      body.appendChild(list);
    }
    if (others.length) {
      body.appendChild(el("h3", { text: t("page.what_to_do") }));
      const drills = el("div", { id: "drills" });
      for (const r of others) {
        drills.appendChild(card("drill", r.label, [
          r.dosage ? el("p", { class: "dose", text: t("page.dosage", { dosage: r.dosage }) }) : null, r.instructions,
        ]));
      }
      body.appendChild(drills);
    }
    if (res.blocked_exercises.length) {
      body.appendChild(el("h3", { text: t("page.avoid") }));
      const avoid = el("ul", { id: "avoid" });
      for (const b of res.blocked_exercises) avoid.appendChild(el("li", { text: b.label + ": " + b.reason }));
      body.appendChild(avoid);
    }
    $("why").hidden = true;
    $("why").textContent = "";
    $("btn-why").setAttribute("aria-expanded", "false");
    $("disclaimer").textContent = res.disclaimer;
    $("pack").textContent = t("page.rules", { pack: res.pack.name + " " + res.pack.version + " (" + res.pack.content_hash.slice(0, 12) + ")" });
    if (!again) show("step-result");
  }

  async function why() {
    const box = $("why");
    if (!box.hidden) { box.hidden = true; $("btn-why").setAttribute("aria-expanded", "false"); return; }
    try {
      const explanation = await api("/v1/explain", cleanReport());
      box.textContent = "";
      const untested = explanation.hypotheses.filter(function (h) { return h.status === "untested"; }).length;
      for (const h of explanation.hypotheses) {
        if (h.status === "untested") continue;
        const lines = [h.summary];
        for (const s of h.supporting) lines.push(t("page.for", { text: s.title }));
        for (const s of h.opposing) lines.push(t("page.against", { text: s.title }));
        for (const m of h.missing.slice(0, 3)) lines.push(t("page.not_asked", { text: m.text }));
        box.appendChild(card("why", h.label + " · " + t("explain.status." + h.status).toLowerCase(), lines));
      }
      if (untested) box.appendChild(el("p", { class: "muted", text: t(untested > 1 ? "page.untested" : "page.untested_one", { n: untested }) }));
      box.hidden = false;
      $("btn-why").setAttribute("aria-expanded", "true");
    } catch (err) {
      showError(err.message);
    }
  }

  function restart() {
    state.report = emptyReport();
    state.skipped = new Set();
    state.asked = 0;
    $("text").value = "";
    for (const box of document.querySelectorAll("#region-list input:checked")) box.checked = false;
    show("step-intake");
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("btn-understand").addEventListener("click", understand);
    $("btn-back").addEventListener("click", function () { show("step-intake"); });
    $("btn-questions").addEventListener("click", function () { state.asked = 0; nextQuestion(); });
    $("btn-result-now").addEventListener("click", function () { result(); });
    $("btn-why").addEventListener("click", why);
    $("btn-restart").addEventListener("click", restart);
    $("q-form").addEventListener("submit", function (event) { event.preventDefault(); });
    $("lang-select").addEventListener("change", function (event) { switchLanguage(event.target.value); });
    start();
  });
})();
