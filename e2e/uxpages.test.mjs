// The scannable pages in headless Chromium: the search page updates its
// results as the reader types (and works without script), the cheat sheet
// prints on one A4 page, the decision guide is followed by clicking, and the
// new page kinds fit 320 and 360 px screens in both themes (screenshots in
// e2e/artifacts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, launchBrowser, openPage, artifacts } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const kinds = [
  { name: "index-http", path: "/http/" },
  { name: "index-http-4xx-vendor", path: "/http/4xx/vendor/" },
  { name: "cheat-sheet-smtp", path: "/smtp/cheat-sheet" },
  { name: "search-empty", path: "/search?q=" },
  { name: "search-econnrefused", path: "/search?q=econnrefused" },
  { name: "compare-401-vs-403", path: "/compare/http/401-vs-403" },
  { name: "headers", path: "/headers/" },
  { name: "header-retry-after", path: "/headers/retry-after" },
  { name: "guide", path: "/guide/" },
  { name: "guide-outcome", path: "/guide/missing/404" },
];

test("new page kinds fit 320 and 360 px screens in both themes", async () => {
  for (const scheme of ["light", "dark"]) {
    for (const width of [320, 360]) {
      for (const k of kinds) {
        const { context, page, problems } = await openPage(browser, { colorScheme: scheme, viewport: { width, height: 740 } });
        const response = await page.goto(server.url + k.path);
        assert.equal(response.status(), 200, k.path);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${k.path} overflows by ${overflow}px at ${width} px (${scheme})`);
        if (width === 360) await page.screenshot({ path: join(artifacts, `${k.name}-${scheme}-360.png`), fullPage: true });
        assert.deepEqual(problems, []);
        await context.close();
      }
    }
  }
});

test("search results update as you type, from the JSON API", async () => {
  const { context, page, problems } = await openPage(browser, { viewport: { width: 1200, height: 900 } });
  await page.goto(server.url + "/search?q=");
  const api = [];
  page.on("request", (r) => { if (r.url().includes("/api/v1/search")) api.push(r.url()); });
  await page.locator("#search-q").pressSequentially("too many", { delay: 30 });
  await page.locator("#search-results .search-results li").first().waitFor();
  const first = await page.locator("#search-results .search-results li").first().innerText();
  assert.match(first, /429/);
  assert.match(first, /Matched: /);
  assert.ok(api.length >= 1, "the API was asked");
  assert.match(page.url(), /\?q=too\+many/);
  await page.locator("#search-protocol").selectOption("sip");
  await page.waitForFunction(() => [...document.querySelectorAll("#search-results .search-results li a")].every((a) => a.getAttribute("href").startsWith("/sip/")));
  await page.locator("#search-q").fill("econnrefused");
  await page.locator("#search-results .no-match").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("search works without JavaScript and an exact code opens its page", async () => {
  const { context, page } = await openPage(browser, { javaScriptEnabled: false });
  await page.goto(server.url + "/search?q=");
  await page.locator("#search-q").fill("smtp 5.7.1");
  await Promise.all([page.waitForURL(/\/smtp\/5\.7\.1$/), page.locator("form.search-page button").click()]);
  assert.match(await page.locator("h1").first().innerText(), /5\.7\.1/);
  await context.close();
});

test("a cheat sheet prints on one A4 page", async () => {
  for (const p of ["http", "smtp", "sip", "dns"]) {
    const { context, page } = await openPage(browser);
    await page.goto(server.url + `/${p}/cheat-sheet`);
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4", printBackground: false });
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.equal(pages, 1, `/${p}/cheat-sheet prints on ${pages} pages`);
    await context.close();
  }
});

test("the decision guide is followed by clicking answers, without script", async () => {
  const { context, page } = await openPage(browser, { javaScriptEnabled: false });
  await page.goto(server.url + "/guide/");
  await page.getByRole("link", { name: "The client has to change something in the request" }).click();
  await page.getByRole("link", { name: /Nothing is at this URL/ }).click();
  await page.getByRole("link", { name: /No, or its existence should stay hidden/ }).click();
  assert.match(page.url(), /\/guide\/missing\/404$/);
  const text = await page.locator("main").innerText();
  assert.match(text, /Return 404 Not Found/);
  assert.match(text, /Most confused with/);
  await context.close();
});
