// A live endpoint cannot be turned into script on the site's origin: the
// chain that once ran (an HTML body loading a script body from the same
// origin) is refused at every step, a live answer opened as a document is
// sandboxed, and no service worker can be registered from a live URL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openPage } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const inner = "/status/200?header=Content-Type:text/javascript&body=" + encodeURIComponent("window.__owned = 1; alert(1)");
const outer = "/status/200?header=Content-Type:text/html&body=" + encodeURIComponent(`<script src="${inner}"></script><script>window.__owned = 2</script>`);

test("the script chain through live endpoints never runs", async () => {
  const { context, page } = await openPage(browser);
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs += 1; d.dismiss(); });
  const response = await page.goto(server.url + outer);
  assert.equal(response.status(), 400, "an HTML body is refused");
  assert.match(response.headers()["content-type"], /^application\/json/);
  assert.equal(await page.evaluate(() => window.__owned), undefined);
  const script = await page.request.get(server.url + inner);
  assert.equal(script.status(), 400, "a script body is refused");
  assert.equal(dialogs, 0);
  await context.close();
});

test("a live answer with a body of markup stays inert text in a sandbox", async () => {
  const { context, page } = await openPage(browser);
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs += 1; d.dismiss(); });
  const body = `<script>alert(1)</script><img src=x onerror="alert(2)">`;
  const response = await page.goto(server.url + "/status/200?body=" + encodeURIComponent(body));
  assert.equal(response.status(), 200);
  const headers = response.headers();
  assert.match(headers["content-type"], /^text\/plain/);
  assert.match(headers["content-security-policy"], /^sandbox/);
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.equal(await page.locator("img").count(), 0, "rendered as text, not markup");
  assert.equal(dialogs, 0);
  // The sandbox gives the document an opaque origin: no storage, no cookies.
  const origin = await page.evaluate(() => self.origin);
  assert.equal(origin, "null");
  // The negotiated HTML explanation is sandboxed the same way.
  const html = await page.goto(server.url + "/status/418", { waitUntil: "load" });
  assert.match(html.headers()["content-security-policy"], /^sandbox/);
  assert.equal(await page.evaluate(() => self.origin), "null");
  await context.close();
});

test("no service worker can be registered from a live URL", async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + "/");
  const attempts = [
    "/status/200?header=Content-Type:text/javascript&body=" + encodeURIComponent("self.onfetch = () => {}"),
    "/status/200?header=Content-Type:application/javascript&header=Service-Worker-Allowed:/&body=" + encodeURIComponent("self.onfetch = () => {}"),
    "/status/200?body=" + encodeURIComponent("self.onfetch = () => {}"),
    "/status/200?header=Content-Type:application/json&body=" + encodeURIComponent("1"),
  ];
  for (const url of attempts) {
    const outcome = await page.evaluate(async (u) => {
      try {
        await navigator.serviceWorker.register(u, { scope: "/status/" });
        return "registered";
      } catch (e) {
        return "refused: " + e.name;
      }
    }, url);
    assert.match(outcome, /^refused/, `${url}: ${outcome}`);
  }
  const registrations = await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);
  assert.equal(registrations, 0);
  await context.close();
});
