"use strict";
// Helpers of the browser tests: the real acdesk server as a child process, Debian's
// chromium through playwright-core, and a WebSocket client that logs in like a wallboard.

const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

function binary() {
  const bin = process.env.ACDESK_BINARY;
  if (!bin || !fs.existsSync(bin)) throw new Error("set ACDESK_BINARY to the acdesk executable (CTest does)");
  return bin;
}

/** Starts `acdesk server --headless` with the simulator; resolves {url, http, port, stop()}. */
function startServer({ dataDir, listen = "127.0.0.1:0", simulate = 3600, agents = 5, seed = 7, extra = [] } = {}) {
  dataDir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), "acdesk-web-"));
  const args = ["server", "--headless", "--listen", listen, "--data", dataDir,
    "--simulate", String(simulate), "--sim-agents", String(agents), "--sim-seed", String(seed), ...extra];
  const child = spawn(binary(), args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, QT_QPA_PLATFORM: "offscreen" } });
  let out = "", err = "";
  child.stderr.on("data", (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start:\n" + out + err)), 20000);
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error("server exited with " + code + ":\n" + out + err)); });
    child.stdout.on("data", (d) => {
      out += d;
      const m = /acdesk server listening on ([\d.]+):(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        const port = Number(m[2]);
        resolve({
          port, dataDir, child,
          http: `http://${m[1]}:${port}`,
          ws: `ws://${m[1]}:${port}/ws`,
          stderr: () => err,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.on("exit", () => done());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 5000).unref();
          }),
        });
      }
    });
  });
}

/** Debian's chromium, headless, with a fresh profile (playwright makes one per launch). */
async function launchBrowser() {
  const { chromium } = require("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/** Logs in as wallboard over the WebSocket API and keeps the latest `stats` event. */
function wallboardClient(url, user, secret) {
  const WebSocket = require("ws");
  const ws = new WebSocket(url, "acdesk.v1");
  const client = { ws, latest: null, count: 0, close: () => ws.close() };
  let id = 1;
  const send = (o) => ws.send(JSON.stringify({ ...o, id: id++ }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("wallboard client: no stats")), 15000);
    ws.on("error", reject);
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data));
      if (msg.type === "hello") send({ type: "login", role: "wallboard", user, secret });
      else if (msg.type === "ok" && msg.token) send({ type: "stats.subscribe", queues: ["*"] });
      else if (msg.type === "error") reject(new Error("wallboard client: " + JSON.stringify(msg)));
      else if (msg.type === "stats") {
        client.latest = msg;
        client.count++;
        clearTimeout(timer);
        resolve(client);
      }
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retries @p fn (async, returns a truthy value or throws) until it succeeds or @p ms pass. */
async function until(what, ms, fn) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = new Error("not yet");
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}: ${last && last.message}`);
    await sleep(200);
  }
}

module.exports = { startServer, launchBrowser, wallboardClient, until, sleep };
