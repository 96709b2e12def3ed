"use strict";
// The three browser engines offices open wallboards in, behind one small page interface
// (goto, evaluate, url, close), each a real browser from Debian:
//   chromium  Debian's chromium through playwright-core (CDP);
//   firefox   Debian's firefox-esr through puppeteer-core over WebDriver BiDi;
//   webkit    WebKitGTK's MiniBrowser through WebKitWebDriver (W3C WebDriver, webkit2gtk-driver),
//             which needs an X display (the test runs under xvfb-run).

const { spawn } = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");

const FIREFOX = process.env.FIREFOX || "/usr/bin/firefox-esr";
const MINIBROWSER = process.env.MINIBROWSER || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const WEBKITDRIVER = process.env.WEBKITDRIVER || "/usr/bin/WebKitWebDriver";

async function chromium() {
  const { launchBrowser } = require("./lib");
  const browser = await launchBrowser();
  return {
    async newPage(lang) {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: lang });
      return {
        goto: (url) => page.goto(url),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        url: () => page.url(),
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function firefox() {
  const puppeteer = require("puppeteer-core");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "acdesk-ff-"));
  const browser = await puppeteer.launch({
    browser: "firefox", protocol: "webDriverBiDi", executablePath: FIREFOX, headless: true,
    userDataDir: profile,
    // No updates, telemetry or other traffic to the outside (the machine has no network).
    extraPrefsFirefox: { "app.update.enabled": false, "datareporting.policy.dataSubmissionEnabled": false,
      "network.captive-portal-service.enabled": false, "browser.safebrowsing.malware.enabled": false },
  });
  return {
    async newPage(lang) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width: 1920, height: 1080 });
      // The page's language: ?lang= wins over the browser's, so both are tested the same way.
      return {
        goto: (url) => page.goto(url),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        url: () => page.url(),
        close: () => context.close(),
      };
    },
    close: async () => { await browser.close(); fs.rmSync(profile, { recursive: true, force: true }); },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on("error", reject);
  });
}

async function webkit() {
  const port = await freePort();
  const driver = spawn(WEBKITDRIVER, ["--port=" + port], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  driver.stdout.on("data", (d) => { log += d; });
  driver.stderr.on("data", (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  async function call(method, p, body) {
    const r = await fetch(base + p, { method, headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await r.json();
    if (!r.ok || (json.value && json.value.error))
      throw new Error(`WebDriver ${method} ${p}: ${JSON.stringify(json.value)}\n${log}`);
    return json.value;
  }
  const { until } = require("./lib");
  await until("WebKitWebDriver", 10000, async () => (await fetch(base + "/status")).ok);
  const sessions = [];
  return {
    async newPage() {
      // A session is a fresh MiniBrowser with an ephemeral profile (fresh storage).
      const s = await call("POST", "/session", { capabilities: { alwaysMatch: {
        "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } } } });
      const id = s.sessionId;
      sessions.push(id);
      return {
        goto: (url) => call("POST", `/session/${id}/url`, { url }),
        // The function's source runs in the page with its one argument, as in the others.
        evaluate: (fn, arg) => call("POST", `/session/${id}/execute/sync`,
          { script: `return (${fn.toString()})(arguments[0]);`, args: [arg === undefined ? null : arg] }),
        url: () => call("GET", `/session/${id}/url`),
        close: () => call("DELETE", `/session/${id}`).catch(() => {}),
      };
    },
    async close() {
      for (const id of sessions) await call("DELETE", `/session/${id}`).catch(() => {});
      driver.kill("SIGTERM");
    },
  };
}

/** Which engines exist here: name -> launcher, or the reason one is missing. */
function available() {
  const out = {};
  out.chromium = fs.existsSync(process.env.CHROMIUM || "/usr/bin/chromium") ? chromium : "no /usr/bin/chromium";
  out.firefox = fs.existsSync(FIREFOX) ? firefox : "no " + FIREFOX;
  out.webkit = fs.existsSync(MINIBROWSER) && fs.existsSync(WEBKITDRIVER) ? webkit
    : "no " + MINIBROWSER + " or " + WEBKITDRIVER;
  return out;
}

module.exports = { available };
