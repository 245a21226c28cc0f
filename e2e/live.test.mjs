// The WebSocket endpoint /status/101 as Chromium sees it: a close started by
// the page ends cleanly with the page's code, a close asked of the server
// arrives with the code and reason asked for, and an oversized message ends
// the session with 1009.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openPage } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** Runs a WebSocket session in the page and resolves with how it ended. */
async function session(page, url, steps) {
  return page.evaluate(([u, s]) => new Promise((resolve) => {
    const ws = new WebSocket(u);
    const echoed = [];
    ws.onopen = () => {
      if (s === "close") { ws.send("hello"); }
      if (s === "big") { ws.send("x".repeat(70 * 1024)); }
    };
    ws.onmessage = (e) => {
      echoed.push(e.data);
      if (s === "close") ws.close(1000, "done here");
      if (s === "server") ws.send("again");
    };
    ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean, echoed });
    if (s === "server") ws.addEventListener("open", () => ws.send("first"));
  }), [url, steps]);
}

test("a close from the page is answered and ends cleanly", async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(server.url + "/");
  const ws = server.url.replace("http", "ws");
  const end = await session(page, ws + "/status/101", "close");
  assert.deepEqual(end, { code: 1000, reason: "done here", wasClean: true, echoed: ["hello"] });
  assert.deepEqual(problems, []);
  await context.close();
});

test("the server closes with the code and reason asked for", async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + "/");
  const ws = server.url.replace("http", "ws");
  const end = await session(page, ws + "/status/101?close=4001&after=2&reason=enough", "server");
  assert.equal(end.code, 4001);
  assert.equal(end.reason, "enough");
  assert.equal(end.wasClean, true);
  assert.deepEqual(end.echoed, ["first", "again"]);
  await context.close();
});

test("an oversized message ends the session with 1009", async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + "/");
  const ws = server.url.replace("http", "ws");
  const end = await session(page, ws + "/status/101", "big");
  assert.equal(end.code, 1009);
  assert.equal(end.wasClean, true);
  await context.close();
});
