// The website in a real headless Chromium: visible content of the home, a
// code page and a comparison page; light and dark themes (screenshots kept in
// e2e/artifacts); the theme switch; keyboard navigation; a 360 px layout; and
// no console errors (a CSP violation would show up as one).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, launchBrowser, openPage, artifacts } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const pages = [
  { name: "home", path: "/", heading: "Every status code, explained and compared", texts: ["Most looked-up codes", "Most confused pairs", "404"] },
  { name: "code-407", path: "/http/407", heading: "407 Proxy Authentication Required", texts: ["What it means", "When you see it", "How to fix it", "Proxy-Authenticate", "Example exchange", "http.StatusProxyAuthRequired"] },
  { name: "compare-101-vs-407", path: "/compare/http/101-vs-407", heading: "101 Switching Protocols vs 407 Proxy Authentication Required", texts: ["Side by side", "When to use which", "101 (Switching Protocols) is a 1xx Informational response, while 407 (Proxy Authentication Required) is a 4xx Client Error response."] },
];

for (const scheme of ["light", "dark"]) {
  for (const p of pages) {
    test(`${p.name} shows its content in the ${scheme} theme`, async () => {
      const { context, page, problems } = await openPage(browser, { colorScheme: scheme, viewport: { width: 1200, height: 900 } });
      const response = await page.goto(server.url + p.path);
      assert.equal(response.status(), 200);
      const h1 = (await page.locator("h1").first().innerText()).replace(/\s+/g, " ").trim();
      assert.equal(h1, p.heading);
      const text = (await page.locator("main").innerText()).replace(/\s+/g, " ");
      for (const t of p.texts) assert.ok(text.includes(t), `${p.path} shows ${t}`);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const dark = background === "rgb(13, 17, 23)";
      assert.equal(dark, scheme === "dark", `body background ${background} in ${scheme}`);
      await page.screenshot({ path: join(artifacts, `${p.name}-${scheme}.png`), fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test("the theme switch cycles auto, light and dark and is remembered", async () => {
  const { context, page, problems } = await openPage(browser, { colorScheme: "light" });
  await page.goto(server.url + "/http/404");
  const theme = () => page.evaluate(() => document.documentElement.getAttribute("data-theme"));
  assert.equal(await theme(), null);
  await page.click("#theme");
  assert.equal(await theme(), "light");
  await page.click("#theme");
  assert.equal(await theme(), "dark");
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(13, 17, 23)");
  await page.reload();
  assert.equal(await theme(), "dark", "the choice survives a reload");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the keyboard reaches the skip link, search and the compare picker", async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(server.url + "/http/407");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "q");
  await page.keyboard.type("teapot");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/search\?q=teapot/);
  assert.ok((await page.locator("main").innerText()).includes("418"));
  await page.goto(server.url + "/http/407");
  await page.selectOption("#pick-b", "401");
  await page.click("form.picker button");
  await page.waitForURL(/\/compare\/http\/401-vs-407$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("pages fit a 360 px wide screen without sideways scrolling", async () => {
  for (const p of pages) {
    const { context, page, problems } = await openPage(browser, { viewport: { width: 360, height: 740 } });
    await page.goto(server.url + p.path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${p.path} overflows by ${overflow}px`);
    await page.screenshot({ path: join(artifacts, `${p.name}-360.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test("the API explorer loads with no internet", async () => {
  const { context, page, problems } = await openPage(browser);
  await page.route((url) => !url.href.startsWith(server.url), (route) => route.abort());
  await page.goto(server.url + "/api/docs/explorer/");
  await page.waitForSelector("text=statusatlas API", { timeout: 10000 });
  assert.ok((await page.content()).includes("/api/v1/protocols"));
  assert.deepEqual(problems.filter((p) => !p.includes("favicon")), []);
  await context.close();
});
