"use strict";
// The browser wallboard in the three engines offices use (engines.js): Chromium (Chrome,
// Edge, Opera), Firefox (over WebDriver BiDi) and WebKit (Safari's engine, WebKitGTK's
// MiniBrowser over WebDriver), each in English and German, against the real server with
// the simulator. In each: the login form in the page's language, a login that leaves no
// secret in the URL and keeps the token in the browser's storage, the figures equal the
// stats event the page rendered, the labels in the language, and the colour rule equal
// the desktop's (tests/data/wallboard/levels.json).
// Run: ACDESK_BINARY=build/app/acdesk xvfb-run -a node tests/web/wallboard.engines.e2e.js

const assert = require("assert/strict");
const fs = require("fs");
const path = require("path");
const { startServer, until } = require("./lib");
const { available } = require("./engines");

const fmtPct = (r) => (r === null || r === undefined ? "–" : Math.round(r * 100) + "%");
const fmtCount = (v) => (v === null || v === undefined ? "–" : String(v));
const WORDS = {
  en: { login: "Wallboard login", waiting: "waiting", abandonRate: "abandon rate", live: "live",
        sl: (s) => `service level ${s} s`, title: "Acdesk wallboard" },
  de: { login: "Wallboard-Anmeldung", waiting: "wartend", abandonRate: "Abbruchquote", live: "live",
        sl: (s) => `Servicelevel ${s} s`, title: "Acdesk-Wallboard" },
};

// Everything checked, read in one go (one script run: no event lands in between).
function readPage() {
  const queues = {};
  for (const block of document.querySelectorAll("[data-queue]")) {
    const figs = {};
    for (const f of block.querySelectorAll("[data-stat]"))
      figs[f.dataset.stat] = { text: f.textContent, label: f.parentElement.querySelector(".l").textContent };
    queues[block.dataset.queue] = figs;
  }
  let token = null;
  try { token = localStorage.getItem("acdesk.wallboard.token"); } catch (e) { token = "storage: " + e; }
  return { stats: window.__acdeskLastStats || null, seq: document.body.dataset.seq || null,
    connection: document.body.dataset.connection || null, conn: document.getElementById("conn").textContent,
    lang: document.documentElement.lang, title: document.title, href: location.href, token, queues };
}

async function checkEngine(name, launch, server, levels) {
  const browser = await launch();
  try {
    for (const lang of ["en", "de"]) {
      const w = WORDS[lang];
      const page = await browser.newPage(lang);
      await page.goto(server.http + "/wallboard?lang=" + lang);
      const form = await until(`${name}/${lang}: login form`, 20000, () => page.evaluate(() => {
        const f = document.getElementById("login");
        return f && !f.hidden ? { heading: f.querySelector("h2").textContent, lang: document.documentElement.lang } : null;
      }));
      assert.equal(form.heading, w.login, `${name}/${lang}: form heading`);
      assert.equal(form.lang, lang, `${name}/${lang}: html lang`);
      await page.evaluate((c) => {
        document.getElementById("user").value = c.user;
        document.getElementById("secret").value = c.secret;
        document.getElementById("login").requestSubmit();
        return true;
      }, { user: "tv1", secret: "demotv1" });
      const snap = await until(`${name}/${lang}: live figures`, 30000, async () => {
        const s = await page.evaluate(readPage);
        return s.connection === "online" && s.stats && String(s.stats.seq) === s.seq ? s : null;
      });
      assert.equal(snap.title, w.title, `${name}/${lang}: title`);
      assert.equal(snap.conn, w.live, `${name}/${lang}: connection label`);
      assert.ok(!snap.href.includes("demotv1") && !snap.href.includes("secret"), `${name}/${lang}: no secret in ${snap.href}`);
      assert.match(snap.token || "", /^[A-Za-z0-9_-]{20,}$/, `${name}/${lang}: token in storage`);
      assert.deepEqual(Object.keys(snap.queues).sort(), snap.stats.queues.map((q) => q.id).sort());
      for (const q of snap.stats.queues) {
        const f = snap.queues[q.id];
        assert.equal(f.waiting.text, fmtCount(q.waiting), `${name}/${lang}: ${q.id} waiting`);
        assert.equal(f.offered.text, fmtCount(q.today.offered), `${name}/${lang}: ${q.id} offered`);
        assert.equal(f.answered.text, fmtCount(q.today.answered), `${name}/${lang}: ${q.id} answered`);
        assert.equal(f.serviceLevel.text, fmtPct(q.today.serviceLevel), `${name}/${lang}: ${q.id} SL`);
        assert.equal(f.abandonRate.text, fmtPct(q.today.abandonRate), `${name}/${lang}: ${q.id} abandon rate`);
        assert.equal(f.waiting.label, w.waiting, `${name}/${lang}: label`);
        assert.equal(f.abandonRate.label, w.abandonRate, `${name}/${lang}: label`);
        assert.equal(f.serviceLevel.label, w.sl(q.slSeconds), `${name}/${lang}: label`);
      }
      const got = await page.evaluate((cases) => cases.map((c) => window.__acdeskLevels(c.queue, c.elapsedMs)), levels.cases);
      levels.cases.forEach((c, i) => {
        for (const [k, v] of Object.entries(c.expect)) assert.equal(got[i][k], v, `${name}: levels ${c.name}: ${k}`);
      });
      console.log(`ok - ${name} (${lang}): login without a secret in the URL, ${snap.stats.queues.length} queues ` +
        `as their stats event ${snap.seq}, labels in ${lang}, ${levels.cases.length} colour cases`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

async function main() {
  const levels = JSON.parse(fs.readFileSync(path.join(__dirname, "../data/wallboard/levels.json"), "utf8"));
  const engines = available();
  const wanted = (process.env.ACDESK_WEB_ENGINES || "chromium,firefox,webkit").split(",");
  const missing = wanted.filter((n) => typeof engines[n] !== "function");
  if (missing.length) throw new Error("missing engines (scripts/setup-deps.sh installs them): " +
    missing.map((n) => `${n}: ${engines[n] || "unknown"}`).join("; "));
  const server = await startServer({ simulate: 3600, agents: 5, seed: 7 });
  try {
    for (const name of wanted) await checkEngine(name, engines[name], server, levels);
  } finally {
    await server.stop();
  }
}

main().then(() => { console.log("PASS"); process.exit(0); },
  (e) => { console.error("FAIL: " + (e && e.stack || e)); process.exit(1); });
