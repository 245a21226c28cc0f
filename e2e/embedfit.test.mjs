// Embeds on a third-party page (served from another origin): every widget
// kind, the widest badge of the catalog, and iframe cards from oEmbed
// answers fit a 320 and a 360 px screen without sideways scrolling; iframe
// cards take their content's height through the statusatlas:resize
// message; and an oEmbed answer's height shows the whole compact card on
// a page that runs no script of ours.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { join } from "node:path";
import { startServer, launchBrowser, openPage, artifacts, overflow, scrollThrough } from "./harness.mjs";

/** Serves one HTML page from another loopback origin (a real third-party site). */
function hostSite(html) {
  return new Promise((resolve) => {
    const site = createServer((req, res) => { res.writeHead(200, { "content-type": "text/html; charset=utf-8" }); res.end(html); });
    site.listen(0, "127.0.0.1", () => resolve({ url: `http://localhost:${site.address().port}/`, close: () => site.close() }));
  });
}

let server;
let browser;
let codePaths;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const xml = await (await fetch(server.url + "/sitemap.xml")).text();
  codePaths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname)
    // Code pages: a protocol, then a code (not the cheat sheet).
    .filter((p) => /^\/(http|smtp|grpc|websocket|ftp|sip|dns)\/[^/]+$/.test(p) && !p.endsWith("/cheat-sheet"));
});
after(async () => { await browser?.close(); await server?.stop(); });

/** The widest for-the-badge badge of the catalog: [path, width]. */
async function widestBadge() {
  let best = ["", 0];
  for (const path of codePaths) {
    const svg = await (await fetch(`${server.url}/badge${path}.svg?style=for-the-badge`)).text();
    const width = Number(svg.match(/<svg[^>]* width="([\d.]+)"/)?.[1] || 0);
    if (width > best[1]) best = [path, width];
  }
  return best;
}

async function oembedHtml(path, maxwidth) {
  const q = `url=${encodeURIComponent(server.url + path)}${maxwidth ? `&maxwidth=${maxwidth}` : ""}`;
  return (await (await fetch(`${server.url}/oembed?${q}`)).json());
}

/** [iframe's own height, its document's height] for every iframe on the page. */
async function frameHeights(page) {
  const out = [];
  for (const handle of await page.$$("iframe")) {
    const frame = await handle.contentFrame();
    const inner = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    const outer = await handle.evaluate((f) => f.clientHeight);
    out.push([outer, inner, await handle.getAttribute("src")]);
  }
  return out;
}

test("every widget kind and the widest badge fit a phone on a third-party page, and iframes take their content's height", async () => {
  const [badgePath, badgeWidth] = await widestBadge();
  assert.ok(badgeWidth > 400, `the widest badge (${badgePath}, ${badgeWidth}px) is wider than a phone`);
  const [protocol, code] = badgePath.slice(1).split("/");
  const codeFrame = await oembedHtml("/http/407");
  const pairFrame = await oembedHtml("/compare/http/401-vs-403");
  const host = await hostSite(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Our docs</title>
    <style>body { font: 16px/1.5 sans-serif; margin: 0 12px; } </style></head><body><h1>Our docs</h1>
    <div id="w-code" data-statusatlas="code" data-protocol="http" data-code="407"></div>
    <div id="w-compare" data-statusatlas="compare" data-protocol="http" data-a="401" data-b="403" data-size="large"></div>
    <div id="w-badge" data-statusatlas="badge" data-protocol="${protocol}" data-code="${code}" data-badge-style="for-the-badge"></div>
    <div id="w-search" data-statusatlas="search"></div>
    <statusatlas-code id="e-code" protocol="grpc" code="unavailable" size="large"></statusatlas-code>
    <statusatlas-compare id="e-compare" protocol="grpc" a="4" b="14"></statusatlas-compare>
    <p>Inline: <statusatlas-badge id="e-badge" protocol="${protocol}" code="${code}" badge-style="for-the-badge"></statusatlas-badge></p>
    <statusatlas-search id="e-search" protocol="smtp"></statusatlas-search>
    <p><img id="img-badge" src="${server.url}/badge${badgePath}.svg?style=for-the-badge" alt="badge" style="max-width:100%;height:auto"></p>
    ${codeFrame.html}
    ${pairFrame.html}
    <iframe id="f-large" src="${server.url}/embed/http/418?size=large" width="420" height="200" style="border:0;max-width:100%" title="HTTP 418"></iframe>
    <script src="${server.url}/embed.js" async></script></body></html>`);
  try {
    for (const width of [320, 360]) {
      const { context, page, problems } = await openPage(browser, { viewport: { width, height: 700 } });
      await page.goto(host.url);
      await scrollThrough(page);
      await page.waitForFunction(() => ["w-code", "w-compare", "w-badge", "e-code", "e-compare", "e-badge"].every((id) => {
        const root = document.getElementById(id)?.shadowRoot;
        return root && (root.querySelector("h1") || root.querySelector("img")?.complete);
      }), null, { timeout: 15000 });
      // The iframes: each as tall as its card once the card has said so.
      await page.waitForFunction(() => [...document.querySelectorAll("iframe")].every((f) => f.style.height), null, { timeout: 15000 });
      await page.waitForTimeout(300);
      for (const [outer, inner, src] of await frameHeights(page)) {
        assert.equal(outer, inner, `${src} at ${width}px: iframe ${outer}px, card ${inner}px`);
      }
      assert.equal(await overflow(page), 0, `the host page at ${width}px`);
      const boxes = await page.evaluate(() => [...document.querySelectorAll("[data-statusatlas], statusatlas-code, statusatlas-compare, statusatlas-badge, statusatlas-search, iframe, img")]
        .map((el) => {
          const inner = el.shadowRoot?.querySelector(".sa-root, .sa-badge");
          const img = el.shadowRoot?.querySelector("img");
          return {
            id: el.id || el.tagName,
            right: el.getBoundingClientRect().right,
            innerOverflow: inner ? inner.scrollWidth - inner.clientWidth : 0,
            imgRight: img ? img.getBoundingClientRect().right : 0,
          };
        }));
      for (const b of boxes) {
        assert.ok(b.right <= width, `${b.id} ends at ${b.right} in a ${width}px page`);
        assert.ok(b.imgRight <= width, `${b.id}'s badge ends at ${b.imgRight}`);
        assert.ok(b.innerOverflow <= 0, `${b.id} scrolls sideways inside by ${b.innerOverflow}px`);
      }
      await page.screenshot({ path: join(artifacts, `third-party-${width}.png`), fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
    }
  } finally {
    host.close();
  }
});

test("the embed gallery fits a phone with every demo rendered", async () => {
  for (const width of [320, 360]) {
    const { context, page, problems } = await openPage(browser, { viewport: { width, height: 700 } });
    await page.goto(server.url + "/embed/");
    await scrollThrough(page);
    await page.waitForFunction(() => document.querySelector("#demo-elements statusatlas-badge")?.shadowRoot?.querySelector("img")?.complete, null, { timeout: 15000 });
    assert.equal(await overflow(page), 0, `the gallery at ${width}px`);
    const wide = await page.evaluate(() => [...document.querySelectorAll("main img, main iframe, main [data-statusatlas], main statusatlas-badge")]
      .filter((e) => e.getBoundingClientRect().right > innerWidth).map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(wide, []);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test("an oEmbed answer's height shows the whole compact card where no script of ours runs", async (t) => {
  const sample = codePaths.filter((_, i) => i % 6 === 0);
  const xml = await (await fetch(server.url + "/sitemap.xml")).text();
  const pairs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname).filter((p) => p.startsWith("/compare/"));
  sample.push("/compare/http/401-vs-403", "/compare/http/101-vs-407", ...pairs.filter((_, i) => i % 700 === 0));
  const { context, page } = await openPage(browser, { viewport: { width: 1000, height: 800 } });
  const failures = [];
  let worst = 0;
  for (const maxwidth of [undefined, 300]) {
    for (const path of sample) {
      const answer = await oembedHtml(path, maxwidth);
      const src = answer.html.match(/src="([^"]+)"/)[1];
      await page.setViewportSize({ width: answer.width, height: answer.height });
      await page.goto(src);
      const content = await page.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
      if (content > answer.height) failures.push(`${path} at ${answer.width}px: card ${content}px, oEmbed height ${answer.height}px`);
      worst = Math.max(worst, answer.height / content);
    }
  }
  assert.deepEqual(failures, []);
  // The estimate errs wide on purpose (two lines of slack), which weighs
  // most on the smallest cards; it still follows each card's own text.
  t.diagnostic(`largest oEmbed height / card height: ${worst.toFixed(2)}`);
  assert.ok(worst < 1.5, `the height is the card's, not a generous guess (largest ratio ${worst.toFixed(2)})`);
  await context.close();
});
