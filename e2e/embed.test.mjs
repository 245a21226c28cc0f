// The five ways to embed, in a real headless Chromium: the gallery page uses
// all of them at once; a page on another origin uses the script; widgets
// added later, attribute changes, themes, hostile attributes and an
// unreachable API are exercised; badges are checked against shields.io's own
// badge-maker package.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeBadge } from "badge-maker";
import { createServer } from "node:http";
import { startServer, launchBrowser, openPage, artifacts } from "./harness.mjs";

/** Serves one HTML page from another loopback origin (a real third-party site). */
function hostSite(html) {
  return new Promise((resolve) => {
    const site = createServer((req, res) => { res.writeHead(200, { "content-type": "text/html" }); res.end(html); });
    site.listen(0, "127.0.0.1", () => resolve({ url: `http://localhost:${site.address().port}/`, close: () => site.close() }));
  });
}

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** Text inside a widget's shadow root, once it has rendered. */
async function shadowText(page, selector) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    const box = el && el.shadowRoot && el.shadowRoot.querySelector(".sa-root, .sa-badge");
    return box && (box.textContent.trim().length > 0 || box.querySelector("img"));
  }, selector, { timeout: 10000 });
  return page.evaluate((sel) => document.querySelector(sel).shadowRoot.textContent.replace(/\s+/g, " ").trim(), selector);
}

async function scrollThrough(page) {
  for (let y = 0; y < 8000; y += 400) { await page.mouse.wheel(0, 400); await page.waitForTimeout(60); }
}

test("the gallery renders all five ways at once", async () => {
  const { context, page, problems } = await openPage(browser, { viewport: { width: 1200, height: 900 } });
  await page.goto(server.url + "/embed/");
  await scrollThrough(page);
  const code = await shadowText(page, '#demo-data [data-statusatlas="code"]');
  assert.match(code, /407 Proxy Authentication Required/);
  assert.match(code, /What it means/);
  const compare = await shadowText(page, '#demo-data [data-statusatlas="compare"]');
  assert.match(compare, /101 Switching Protocols vs 407 Proxy Authentication Required/);
  await shadowText(page, '#demo-data [data-statusatlas="badge"]');
  const element = await shadowText(page, "#demo-elements statusatlas-code");
  assert.match(element, /14 UNAVAILABLE/);
  const elCompare = await shadowText(page, "#demo-elements statusatlas-compare");
  assert.match(elCompare, /The decisive difference/);
  // Themes: the sepia widget and the dark element paint their own backgrounds.
  const background = (sel) => page.evaluate((s) => getComputedStyle(document.querySelector(s).shadowRoot.querySelector(".sa-root")).backgroundColor, sel);
  assert.equal(await background('#demo-data [data-statusatlas="code"]'), "rgb(244, 236, 216)");
  assert.equal(await background("#demo-elements statusatlas-code"), "rgb(13, 17, 23)");
  // Style isolation: the host page's styles do not reach into the card, and the card's do not leak out.
  const hostH1 = await page.evaluate(() => getComputedStyle(document.querySelector("main h1")).fontSize);
  const cardH1 = await page.evaluate(() => getComputedStyle(document.querySelector('#demo-data [data-statusatlas="code"]').shadowRoot.querySelector("h1")).fontSize);
  assert.notEqual(hostH1, cardH1);
  // The iframe.
  const frame = page.frameLocator("#demo-iframe iframe");
  assert.match(await frame.locator("h1").innerText(), /404\s+Not Found/);
  // The badges.
  const widths = await page.evaluate(() => [...document.querySelectorAll("#demo-badges img")].map((i) => i.naturalWidth));
  assert.ok(widths.every((w) => w > 40), `badges loaded: ${widths}`);
  // The search widget answers from the API.
  await page.evaluate(() => {
    const input = document.querySelector("#demo-elements statusatlas-search").shadowRoot.querySelector("input");
    input.value = "teapot";
    input.dispatchEvent(new Event("input"));
  });
  await page.waitForFunction(() => /418/.test(document.querySelector("#demo-elements statusatlas-search").shadowRoot.textContent), null, { timeout: 10000 });
  await page.screenshot({ path: join(artifacts, "embed-gallery.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("widgets added later, attribute changes and auto theme are live", async () => {
  const { context, page, problems } = await openPage(browser, { colorScheme: "dark" });
  await page.goto(server.url + "/embed/");
  await page.evaluate(() => {
    const div = document.createElement("div");
    div.id = "late";
    div.setAttribute("data-statusatlas", "code");
    div.setAttribute("data-protocol", "smtp");
    div.setAttribute("data-code", "5.7.1");
    document.querySelector("main").prepend(div);
  });
  assert.match(await shadowText(page, "#late"), /5\.7\.1 Delivery not authorized/);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("#late").shadowRoot.querySelector(".sa-root")).backgroundColor), "rgb(13, 17, 23)", "auto follows the dark scheme");
  await page.emulateMedia({ colorScheme: "light" });
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("#late").shadowRoot.querySelector(".sa-root")).backgroundColor), "rgb(255, 255, 255)", "and changes with it, live");
  await page.evaluate(() => document.querySelector("#late").setAttribute("data-code", "4.2.2"));
  await page.waitForFunction(() => /4\.2\.2 Mailbox full/.test(document.querySelector("#late").shadowRoot.textContent), null, { timeout: 10000 });
  await page.evaluate(() => {
    const el = document.createElement("statusatlas-code");
    el.id = "late-el";
    el.setAttribute("protocol", "dns");
    el.setAttribute("code", "nxdomain");
    document.querySelector("main").prepend(el);
  });
  assert.match(await shadowText(page, "#late-el"), /NXDomain/);
  await page.evaluate(() => document.querySelector("#late-el").setAttribute("code", "servfail"));
  await page.waitForFunction(() => /ServFail/.test(document.querySelector("#late-el").shadowRoot.textContent), null, { timeout: 10000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a page on another origin embeds through CORS, and hostile attributes stay inert", async () => {
  const { context, page, problems } = await openPage(browser);
  const host = await hostSite(`<!doctype html><html><body><h1>Our docs</h1>
      <div id="ok" data-statusatlas="code" data-protocol="http" data-code="429" data-size="compact"></div>
      <div id="evil" data-statusatlas="code" data-protocol="http" data-code="<img src=x onerror=window.pwned=1>"></div>
      <statusatlas-compare id="evil2" protocol="http" a="404" b="&quot;><script>window.pwned=2</script>"></statusatlas-compare>
      <div id="unknown" data-statusatlas="code" data-protocol="http" data-code="299"></div>
      <script src="${server.url}/embed.js" async></script></body></html>`);
  await page.goto(host.url);
  assert.match(await shadowText(page, "#ok"), /429 Too Many Requests/);
  assert.match(await shadowText(page, "#evil"), /needs a protocol and a code/);
  assert.match(await shadowText(page, "#evil2"), /two codes/);
  assert.match(await shadowText(page, "#unknown"), /HTTP 299 on statusatlas \(unknown code\)/);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(await page.evaluate(() => Object.keys(window).filter((k) => /statusatlas/i.test(k))), ["statusatlas"], "one global");
  assert.deepEqual(problems.filter((p) => !p.includes("404")), []);
  await context.close();
  host.close();
});

test("without the API a widget degrades to a plain link", async () => {
  const { context, page } = await openPage(browser);
  await page.route(/\/embed\/fragment\//, (route) => route.abort());
  await page.goto(server.url + "/embed/");
  const text = await shadowText(page, '#demo-data [data-statusatlas="code"]');
  assert.match(text, /HTTP 407 on statusatlas/);
  const href = await page.evaluate(() => document.querySelector('#demo-data [data-statusatlas="code"]').shadowRoot.querySelector("a").href);
  assert.equal(href, server.url + "/http/407");
  await context.close();
});

test("iframe pages are framed by any site, with theme and size", async () => {
  const { context, page, problems } = await openPage(browser);
  const host = await hostSite(`<!doctype html><iframe id="f" src="${server.url}/embed/compare/http/101-vs-407?theme=dark&size=large" width="420" height="400"></iframe>`);
  await page.goto(host.url);
  const frame = page.frameLocator("#f");
  assert.match(await frame.locator("h1").innerText(), /101\s+Switching Protocols\s+vs\s+407/);
  assert.equal(await frame.locator("body").evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(13, 17, 23)");
  await page.screenshot({ path: join(artifacts, "embed-iframe-dark.png") });
  assert.deepEqual(problems, []);
  await context.close();
  host.close();
});

test("badges match shields.io's badge-maker in size and text layout", async () => {
  const cases = [
    ["http/407", "HTTP 407", "Proxy Authentication Required", "orange", "flat"],
    ["http/200", "HTTP 200", "OK", "brightgreen", "flat-square"],
    ["smtp/5.7.1", "SMTP 5.7.1", "Delivery not authorized, message refused", "red", "plastic"],
    ["grpc/14", "gRPC 14", "UNAVAILABLE", "red", "for-the-badge"],
    ["dns/nxdomain", "DNS 3", "NXDomain", "orange", "social"],
  ];
  const geometry = (svg) => ({
    width: svg.match(/<svg[^>]* width="([\d.]+)"/)[1],
    height: svg.match(/<svg[^>]* height="([\d.]+)"/)[1],
    textLengths: [...svg.matchAll(/textLength="(\d+)"/g)].map((m) => m[1]).join(","),
  });
  for (const [path, label, message, color, style] of cases) {
    const ours = await (await fetch(`${server.url}/badge/${path}.svg?style=${style}`)).text();
    const reference = makeBadge({ label, message, color, style });
    assert.deepEqual(geometry(ours), geometry(reference), `${path} ${style}`);
  }
});
