// Lighthouse 12.2 (pinned in package.json) with Debian's Chromium on the
// home page, a code page, a comparison and search, in the light and the
// dark scheme: every category scores at least 0.95. The figures are
// printed as test diagnostics and kept in e2e/artifacts/lighthouse.json.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { startServer, artifacts } from "./harness.mjs";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const PAGES = [["home", "/"], ["code", "/http/407"], ["comparison", "/compare/http/401-vs-403"], ["search", "/search?q=too+many"]];
// Blink's own setting for prefers-color-scheme: 0 is dark, 1 is light.
const SCHEMES = { light: 1, dark: 0 };

let server;
const figures = {};
before(async () => { server = await startServer(); });
after(async () => {
  await server?.stop();
  writeFileSync(join(artifacts, "lighthouse.json"), JSON.stringify(figures, null, 2) + "\n");
});

for (const [scheme, blink] of Object.entries(SCHEMES)) {
  test(`Lighthouse scores at least 0.95 in every category, ${scheme} scheme`, async (t) => {
    const chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
      chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", `--blink-settings=preferredColorScheme=${blink}`],
    });
    try {
      const low = [];
      for (const [name, path] of PAGES) {
        const result = await lighthouse(server.url + path, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES });
        const lhr = result.lhr;
        assert.equal(lhr.runtimeError, undefined, `${path}: ${JSON.stringify(lhr.runtimeError)}`);
        const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c].score]));
        figures[`${name} ${scheme}`] = scores;
        t.diagnostic(`${name} (${path}) ${scheme}: ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join(", ")}`);
        for (const c of CATEGORIES) {
          if (!(scores[c] >= 0.95)) {
            const failing = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && lhr.categories[c].auditRefs.some((r) => r.id === a.id && r.weight > 0)).map((a) => `${a.id} ${a.score}`);
            low.push(`${path} ${c} ${scores[c]} (${failing.join(", ")})`);
          }
        }
      }
      assert.deepEqual(low, []);
    } finally {
      await chrome.kill();
    }
  });
}
