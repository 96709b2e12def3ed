"use strict";
// End-to-end test of the browser wallboard (resources/web/wallboard.html):
//   1. the real `acdesk server` with the simulator (ACDESK_BINARY, set by CTest);
//   2. /wallboard in Debian's headless chromium (playwright-core), logged in through its form;
//   3. the page's figures equal the stats event it rendered (window.__acdeskLastStats),
//      formatted as the contract says, and equal what an independent wallboard login
//      over the WebSocket API sees from the server at the same moment;
//   4. the page's colour rule equals the desktop's (tests/data/wallboard/levels.json);
//   5. the page loads nothing from other origins, and reconnects by itself after a restart;
//   6. no secret in a URL: the form's login keeps a token in the browser's storage, a TV's
//      link carries one in the fragment, older ?user=&secret= links leave the address bar,
//      signing out revokes the token for every browser that has it.
// Run: ACDESK_BINARY=build/app/acdesk node tests/web/wallboard.e2e.js

const assert = require("assert/strict");
const fs = require("fs");
const path = require("path");
const { startServer, launchBrowser, wallboardClient, until } = require("./lib");

// The contract's formatting (protocol.md section 1): whole percentages, m:ss durations.
const fmtPct = (r) => (r === null || r === undefined ? "–" : Math.round(r * 100) + "%");
const fmtCount = (v) => (v === null || v === undefined ? "–" : String(v));
function fmtDuration(ms) {
  if (ms === null || ms === undefined) return "–";
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h > 0 ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(s % 60).padStart(2, "0");
}
const parseDuration = (t) => t.split(":").reduce((acc, x) => acc * 60 + Number(x), 0);

// stat name -> [where in the queue object, formatter]
const FIELDS = {
  waiting: [(q) => q.waiting, fmtCount],
  serviceLevel: [(q) => q.today.serviceLevel, fmtPct],
  abandonRate: [(q) => q.today.abandonRate, fmtPct],
  ready: [(q) => q.agents.ready, fmtCount],
  onCall: [(q) => q.agents.onCall, fmtCount],
  wrapUp: [(q) => q.agents.wrapUp, fmtCount],
  notReady: [(q) => q.agents.notReady, fmtCount],
  loggedIn: [(q) => q.agents.loggedIn, fmtCount],
  ringing: [(q) => q.agents.ringing, fmtCount],
  offered: [(q) => q.today.offered, fmtCount],
  answered: [(q) => q.today.answered, fmtCount],
  abandoned: [(q) => q.today.abandoned, fmtCount],
  shortAbandoned: [(q) => q.today.shortAbandoned, fmtCount],
  answeredInSl: [(q) => q.today.answeredInSl, fmtCount],
  asaMs: [(q) => q.today.asaMs, fmtDuration],
  ahtMs: [(q) => q.today.ahtMs, fmtDuration],
  // Issue 19: left out by the server when there is nothing to say.
  ewtSeconds: [(q) => q.ewtSeconds ?? null, (v) => (v === null ? "–" : fmtDuration(v * 1000))],
  agentsNeeded: [(q) => q.forecast?.agentsNeeded ?? null, fmtCount],
};

// Everything the page shows, read in one go (one JS task: no event can land in between).
function readPage(page) {
  return page.evaluate(() => {
    const queues = {};
    for (const block of document.querySelectorAll("[data-queue]")) {
      const figs = {};
      for (const f of block.querySelectorAll("[data-stat]"))
        figs[f.dataset.stat] = { text: f.textContent, value: f.dataset.value };
      queues[block.dataset.queue] = { name: block.querySelector("h2").textContent, level: block.dataset.level,
        hidden: block.hidden, figs };
    }
    const agents = [...document.querySelectorAll("[data-agent]")].map((a) => a.dataset.agent);
    return { seq: document.body.dataset.seq, stats: window.__acdeskLastStats, now: Date.now(),
      connection: document.body.dataset.connection, queues, agents,
      overlay: getComputedStyle(document.getElementById("overlay")).display };
  });
}

function checkPageAgainstItsStats(snap) {
  const s = snap.stats;
  assert.ok(s, "the page exposes the stats it rendered");
  assert.equal(String(s.seq), snap.seq, "body[data-seq] is the rendered event");
  assert.deepEqual(Object.keys(snap.queues).sort(), s.queues.map((q) => q.id).sort(), "one block per queue");
  for (const q of s.queues) {
    const b = snap.queues[q.id];
    assert.equal(b.name, q.name, `${q.id}: name`);
    for (const [stat, [get, fmt]] of Object.entries(FIELDS)) {
      const v = get(q);
      assert.ok(b.figs[stat], `${q.id}: figure ${stat} present`);
      assert.equal(b.figs[stat].text, fmt(v), `${q.id}.${stat} text`);
      assert.equal(b.figs[stat].value, v === null ? undefined : String(v), `${q.id}.${stat} data-value`);
    }
    // The longest wait ticks on from the server's figure between two events.
    const lw = b.figs.longestWaitMs;
    assert.equal(lw.value, String(q.longestWaitMs), `${q.id}.longestWaitMs data-value`);
    const shown = parseDuration(lw.text) * 1000;
    if (q.waiting > 0) {
      assert.ok(shown >= Math.floor(q.longestWaitMs / 1000) * 1000 && shown <= q.longestWaitMs + 60000,
        `${q.id}: longest wait ${lw.text} from ${q.longestWaitMs} ms`);
    } else {
      assert.equal(lw.text, "0:00", `${q.id}: nobody waiting`);
    }
  }
  const shownAgents = s.agents.filter((a) => a.state !== "logged_out").map((a) => a.id).sort();
  assert.deepEqual([...snap.agents].sort(), shownAgents, "one card per agent not logged out");
}

// The server's truth from an independent login, compared with what the page shows.
function sameFigures(snap, truth) {
  const diffs = [];
  for (const q of truth.queues) {
    const b = snap.queues[q.id];
    if (!b) { diffs.push(`${q.id}: missing`); continue; }
    for (const [stat, [get]] of Object.entries(FIELDS)) {
      const v = get(q);
      const want = v === null ? undefined : String(v);
      if (b.figs[stat].value !== want) diffs.push(`${q.id}.${stat}: page ${b.figs[stat].value}, server ${want}`);
    }
  }
  return diffs;
}

async function main() {
  const server = await startServer({ simulate: 3600, agents: 5, seed: 7 });
  const browser = await launchBrowser();
  let client;
  const foreign = [], consoleErrors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const origin = new URL(server.http).origin;
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.origin !== origin && u.protocol !== "data:" && u.protocol !== "about:" && u.host !== new URL(origin).host)
        foreign.push(r.url());
    });
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));

    const requested = [];
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(server.http + "/wallboard");
    await page.waitForSelector("#login:not([hidden])", { timeout: 15000 });
    await page.fill("#user", "tv1");
    await page.fill("#secret", "demotv1");
    await page.click("#login button[type=submit]");
    await page.waitForSelector("body[data-seq]", { timeout: 15000 });
    assert.equal(await page.title(), "Acdesk wallboard");
    assert.ok(!page.url().includes("demotv1") && !page.url().includes("secret"), "no secret in the address: " + page.url());
    const token = await page.evaluate(() => localStorage.getItem("acdesk.wallboard.token"));
    assert.match(token || "", /^[A-Za-z0-9_-]{20,}$/, "the session token is kept in the browser's storage");
    console.log("ok - the form logs in without putting the secret in a URL; the token is in storage");

    // The colour rule equals the desktop's: the same cases as tests/qml/wallboard.
    const levels = JSON.parse(fs.readFileSync(path.join(__dirname, "../data/wallboard/levels.json"), "utf8"));
    const got = await page.evaluate((cases) => cases.map((c) => window.__acdeskLevels(c.queue, c.elapsedMs)), levels.cases);
    levels.cases.forEach((c, i) => {
      for (const [k, v] of Object.entries(c.expect)) assert.equal(got[i][k], v, `levels: ${c.name}: ${k}`);
    });
    console.log(`ok - colour rule: ${levels.cases.length} threshold cases equal the desktop's`);

    client = await wallboardClient(server.ws, "tv1", "demotv1");
    // Let the simulator put some traffic on the board first.
    await until("simulated calls", 30000, async () => {
      const t = client.latest.queues.reduce((n, q) => n + q.today.offered, 0);
      return t >= 3;
    });
    console.log("ok - simulated traffic: " + client.latest.queues.map((q) => `${q.id} offered ${q.today.offered}`).join(", "));

    // The page's DOM is its stats event, formatted (checked on several successive events).
    let seen = new Set();
    await until("three rendered stats events checked", 30000, async () => {
      const snap = await readPage(page);
      checkPageAgainstItsStats(snap);
      seen.add(snap.seq);
      return seen.size >= 3;
    });
    console.log(`ok - the page shows the stats it received (events ${[...seen].join(", ")})`);

    // ... and equals the server's statistics seen by an independent wallboard login.
    let matched = 0, lastDiff = [];
    await until("page figures equal the server's", 45000, async () => {
      const snap = await readPage(page);
      lastDiff = sameFigures(snap, client.latest);
      if (lastDiff.length === 0) matched++;
      if (lastDiff.length) throw new Error(lastDiff.slice(0, 4).join("; "));
      return matched >= 2;
    });
    const snap = await readPage(page);
    for (const q of client.latest.queues)
      console.log(`ok - ${q.id}: offered ${snap.queues[q.id].figs.offered.text}, answered ${snap.queues[q.id].figs.answered.text}, ` +
        `abandoned ${snap.queues[q.id].figs.abandoned.text}, SL ${snap.queues[q.id].figs.serviceLevel.text} equal the server's`);
    assert.equal(snap.connection, "online");
    assert.equal(snap.overlay, "none");

    // Restart the server on the same port: overlay, then live again by itself.
    client.close();
    client = null;
    await server.stop();
    await until("overlay after the server went away", 10000, async () => {
      const s = await readPage(page);
      return s.overlay === "block" && s.connection !== "online";
    });
    const again = await startServer({ dataDir: server.dataDir, listen: "127.0.0.1:" + server.port, simulate: 3600, seed: 8 });
    server.stop = again.stop;
    await until("page live again after the restart", 25000, async () => {
      const s = await readPage(page);
      return s.connection === "online" && s.overlay === "none";
    });
    console.log("ok - reconnects by itself after a server restart");

    // The same browser comes back by itself from its storage (no form, no secret).
    await page.reload();
    await page.waitForSelector("body[data-seq]", { timeout: 15000 });
    assert.equal(await page.evaluate(() => document.getElementById("login").hidden), true);
    console.log("ok - a reload resumes with the stored token");

    // A TV's link: the token in the fragment, which no browser sends to a server.
    const link = await page.evaluate(() => { document.getElementById("tvlink").click();
      return document.getElementById("linktext").value; });
    assert.ok(link.startsWith(server.http + "/wallboard#token="), "TV link: " + link);
    assert.ok(!link.includes("demotv1"));
    const tv = await browser.newPage({ viewport: { width: 1280, height: 720 } }); // fresh storage
    const tvRequests = [];
    tv.on("request", (r) => tvRequests.push(r.url()));
    await tv.goto(link);
    await tv.waitForSelector("body[data-seq]", { timeout: 15000 });
    assert.equal(new URL(tv.url()).hash, "", "the token leaves the address bar at once");
    const tvToken = decodeURIComponent(link.split("#token=")[1]);
    assert.equal(await tv.evaluate(() => localStorage.getItem("acdesk.wallboard.token")), tvToken);
    console.log("ok - a TV opens its link, keeps the token and shows no token in its address");

    // An older bookmark with ?user=&secret= still works, and the secret leaves the address bar.
    const old = await browser.newPage();
    await old.goto(server.http + "/wallboard?queues=*&user=tv1&secret=demotv1");
    await old.waitForSelector("body[data-seq]", { timeout: 15000 });
    assert.equal(new URL(old.url()).search, "?queues=*", "older link cleaned: " + old.url());
    await old.close();
    console.log("ok - an older ?user=&secret= link works and is taken out of the address bar");

    // Signing out revokes the token: the TV that had the link must log in again.
    await page.evaluate(() => document.getElementById("signout").click());
    await page.waitForSelector("#login:not([hidden])", { timeout: 10000 });
    assert.equal(await page.evaluate(() => localStorage.getItem("acdesk.wallboard.token")), null);
    await tv.reload();
    await tv.waitForSelector("#login:not([hidden])", { timeout: 15000 });
    assert.equal(await tv.evaluate(() => localStorage.getItem("acdesk.wallboard.token")), null);
    await tv.close();
    console.log("ok - signing out revokes the token for every browser that had it");

    for (const u of requested.concat(tvRequests)) {
      assert.ok(!u.includes("demotv1") && !u.includes(tvToken) && !u.includes("secret="), "a request URL with a secret: " + u);
    }
    console.log(`ok - none of the ${requested.length + tvRequests.length} requests carried the secret or a token`);

    assert.deepEqual(foreign, [], "requests to other origins");
    assert.deepEqual(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), [],
      "console errors");
    console.log("ok - nothing loaded from other origins, no script errors");
  } finally {
    if (client) client.close();
    await browser.close();
    await server.stop();
  }
}

main().then(() => { console.log("PASS"); process.exit(0); },
  (e) => { console.error("FAIL: " + (e && e.stack || e)); process.exit(1); });
