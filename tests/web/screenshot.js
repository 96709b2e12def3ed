"use strict";
// A screenshot of a page in Debian's headless chromium (scripts/screenshots-wallboard.sh):
//   node tests/web/screenshot.js URL OUT.png [WIDTHxHEIGHT] [WAIT_MS]
const { launchBrowser } = require("./lib");

async function main() {
  const [url, out, size = "1920x1080", wait = "5000"] = process.argv.slice(2);
  if (!url || !out) throw new Error("usage: screenshot.js URL OUT.png [WIDTHxHEIGHT] [WAIT_MS]");
  const [width, height] = size.split("x").map(Number);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(url);
    await page.waitForSelector("body[data-seq]", { timeout: 15000 });
    await page.waitForTimeout(Number(wait));
    await page.screenshot({ path: out });
    console.log("screenshot " + out);
  } finally {
    await browser.close();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
