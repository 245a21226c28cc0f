// Every kind of page (taken from the sitemap, plus the pages it leaves out)
// in headless Chromium at 360 and 1280 px in the light and dark schemes:
// a screenshot of each kept in e2e/artifacts, axe-core with no violation,
// no sideways scrolling at 320 and 360 px, identifiers and table headers
// that never break inside a word, section headings with anchor links, the
// phone order of a code page, stacked situation tables, a print of a code
// page on at most two A4 pages, the favicon, the API docs' site header, and
// the teapot.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launchBrowser, openPage, artifacts, overflow, axeViolations, scrollThrough } from "./harness.mjs";
import { pageKinds, axeSource, slug } from "./kinds.mjs";

let server;
let browser;
let kinds;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  kinds = await pageKinds(server.url);
});
after(async () => { await browser?.close(); await server?.stop(); });

/** Places where a line ends inside a word in the elements `selector` matches.
 * A line may end after a space, after a separator (. _ / - , :) or before a
 * capital that follows a lower-case letter. */
function midWordBreaks(page, selector) {
  return page.evaluate((sel) => {
    const found = [];
    for (const el of document.querySelectorAll(sel)) {
      if (!el.getClientRects().length) continue;
      const chars = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (rect) chars.push({ c: node.data[i], top: rect.top, left: rect.left });
        }
      }
      for (let i = 1; i < chars.length; i++) {
        const prev = chars[i - 1];
        const cur = chars[i];
        if (cur.top <= prev.top + 2 || cur.left > prev.left) continue;
        const ok = /\s/.test(prev.c) || /\s/.test(cur.c) || /[._\/\-,:]/.test(prev.c) || (/[a-z]/.test(prev.c) && /[A-Z]/.test(cur.c));
        if (!ok) found.push(`${el.textContent.trim().slice(0, 60)} breaks between "${prev.c}" and "${cur.c}"`);
      }
    }
    return found;
  }, selector);
}

test("the page kinds come from the sitemap and include the code, comparison and situation pages", () => {
  const shapes = new Set(kinds.map((k) => k.kind));
  for (const shape of ["/", "/{p}/", "/{p}/*/", "/{p}/*", "/compare/{p}/*", "/situations/*", "search", "explain", "embed-gallery", "api-docs", "error"]) {
    assert.ok(shapes.has(shape), `page kinds include ${shape}: ${[...shapes].join(" ")}`);
  }
  const protocols = new Set(kinds.filter((k) => k.kind === "/{p}/*").map((k) => k.path.split("/")[1]));
  assert.ok(protocols.size >= 7, `code pages of every protocol: ${[...protocols]}`);
});

for (const scheme of ["light", "dark"]) {
  for (const width of [360, 1280]) {
    test(`every page kind at ${width} px in the ${scheme} scheme: axe-core finds nothing, screenshots kept`, async () => {
      const { context, page, problems } = await openPage(browser, { colorScheme: scheme, viewport: { width, height: 900 } });
      const failures = [];
      for (const { kind, path } of kinds) {
        const response = await page.goto(server.url + path);
        assert.equal(response.status(), kind === "error" ? 404 : 200, path);
        if (path.startsWith("/embed/")) {
          await scrollThrough(page);
          await page.waitForTimeout(300);
        }
        // The page's own console errors; the error page's 404 is its point.
        for (const p of problems.splice(0)) {
          if (!(kind === "error" && /status of 404/.test(p))) failures.push(`${path}: ${p}`);
        }
        // axe-core re-parses stylesheets as inline styles (for
        // css-orientation-lock), which the site's CSP rightly refuses:
        // what it logs is axe's, not the page's.
        for (const v of await axeViolations(page, axeSource)) failures.push(`${path}: ${v}`);
        problems.splice(0);
        await page.screenshot({ path: join(artifacts, `fit-${slug(path)}-${width}-${scheme}.png`), fullPage: true });
      }
      assert.deepEqual(failures, []);
      await context.close();
    });
  }
}

for (const width of [320, 360]) {
  test(`no page kind scrolls sideways at ${width} px, and nothing breaks inside a word`, async () => {
    const { context, page } = await openPage(browser, { viewport: { width, height: 800 } });
    const failures = [];
    for (const { path } of kinds) {
      await page.goto(server.url + path);
      if (path.startsWith("/embed/")) {
        await scrollThrough(page);
        await page.waitForTimeout(300);
      }
      const over = await overflow(page);
      if (over > 0) failures.push(`${path} is ${over}px too wide`);
      for (const b of await midWordBreaks(page, "main code, main th")) failures.push(`${path}: ${b}`);
    }
    assert.deepEqual(failures, []);
    await context.close();
  });
}

test("the midword check itself catches a word cut in two", async () => {
  const { context, page } = await openPage(browser, { viewport: { width: 360, height: 800 } });
  await page.setContent(`<main><p style="width:120px"><code style="overflow-wrap:anywhere">HTTPStatus.PROXY_AUTHENTICATION_REQUIRED</code></p></main>`);
  assert.ok((await midWordBreaks(page, "main code")).length > 0);
  await page.setContent(`<main><p style="width:120px"><code>HTTPStatus.<wbr>PROXY_<wbr>AUTHENTICATION_<wbr>REQUIRED</code></p></main>`);
  assert.deepEqual(await midWordBreaks(page, "main code"), []);
  await context.close();
});

test("the constants of a code page wrap at their separators on a phone", async () => {
  const { context, page } = await openPage(browser, { viewport: { width: 360, height: 800 } });
  await page.goto(server.url + "/http/407");
  const lines = await page.evaluate(() => {
    const code = [...document.querySelectorAll(".constants code")].find((c) => c.textContent === "HTTPStatus.PROXY_AUTHENTICATION_REQUIRED");
    return code ? code.getClientRects().length : 0;
  });
  assert.ok(lines >= 1, "Python's constant is listed");
  assert.deepEqual(await midWordBreaks(page, ".constants code"), []);
  await context.close();
});

test("every section heading has an id and a visible link to itself with a name", async () => {
  const { context, page } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  const failures = [];
  for (const path of ["/http/407", "/smtp/5.7.1", "/situations/", "/situations/not-found", "/", "/embed/", "/http/299", "/api/docs/"]) {
    await page.goto(server.url + path);
    const missing = await page.evaluate(() => [...document.querySelectorAll("main h2")]
      .filter((h) => h.getBoundingClientRect().width > 1)
      .filter((h) => {
        const link = h.parentElement.querySelector(`a.anchor[href="#${CSS.escape(h.id)}"]`) || h.querySelector(`a[href="#${CSS.escape(h.id)}"]`);
        return !h.id || !link || !link.getClientRects().length || !(link.getAttribute("aria-label") || link.textContent.trim());
      })
      .map((h) => h.textContent.trim()));
    for (const m of missing) failures.push(`${path}: ${m}`);
  }
  assert.deepEqual(failures, []);
  await context.close();
});

test("on a phone a code page puts related codes, confusions, try-it-live and the picker before the embed section, which comes last", async () => {
  const { context, page } = await openPage(browser, { viewport: { width: 360, height: 800 } });
  await page.goto(server.url + "/http/407");
  const tops = await page.evaluate(() => Object.fromEntries(["related", "confused", "live", "compare-with", "embed-h"]
    .map((id) => [id, document.getElementById(id)?.getBoundingClientRect().top ?? null])));
  for (const id of ["related", "confused", "live", "compare-with"]) {
    assert.ok(tops[id] !== null, `${id} is on the page`);
    assert.ok(tops[id] < tops["embed-h"], `${id} (${tops[id]}) comes before the embed section (${tops["embed-h"]})`);
  }
  const last = await page.evaluate(() => {
    const headings = [...document.querySelectorAll("main h2")].filter((h) => h.getClientRects().length);
    return headings.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).at(-1).id;
  });
  assert.equal(last, "embed-h");
  // On a wide screen the aside stays beside the card.
  await page.setViewportSize({ width: 1280, height: 900 });
  const side = await page.evaluate(() => document.querySelector(".secondary").getBoundingClientRect().left > document.querySelector(".primary").getBoundingClientRect().right);
  assert.ok(side, "the aside is a column of its own at 1280 px");
  await context.close();
});

test("situation tables stack into one block per protocol on a phone", async () => {
  const { context, page } = await openPage(browser, { viewport: { width: 360, height: 800 } });
  await page.goto(server.url + "/situations/not-found");
  const layout = await page.evaluate(() => {
    const rows = [...document.querySelectorAll("table.situation tbody tr")];
    const table = document.querySelector("table.situation").getBoundingClientRect();
    return rows.map((r) => [...r.cells].map((c) => ({ w: c.getBoundingClientRect().width, top: c.getBoundingClientRect().top })))
      .map((cells) => ({ full: cells.every((c) => c.w >= table.width - 2), stacked: cells.every((c, i) => i === 0 || c.top > cells[i - 1].top) }));
  });
  assert.ok(layout.length > 3);
  assert.ok(layout.every((r) => r.full && r.stacked), JSON.stringify(layout.slice(0, 3)));
  await page.setViewportSize({ width: 1280, height: 900 });
  const columns = await page.evaluate(() => {
    const cells = [...document.querySelector("table.situation tbody tr").cells].map((c) => c.getBoundingClientRect().top);
    return cells.every((t) => t === cells[0]);
  });
  assert.ok(columns, "a table with columns on a wide screen");
  await context.close();
});

/** Pages in a PDF file, by its page objects. */
function pdfPages(file) {
  const text = readFileSync(file).toString("latin1");
  return (text.match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

test("a code page prints on at most two A4 pages (Chromium --print-to-pdf)", () => {
  const dir = mkdtempSync(join(tmpdir(), "statusatlas-print-"));
  try {
    const codePages = kinds.filter((k) => k.kind === "/{p}/*").map((k) => k.path);
    const counts = {};
    for (const path of codePages) {
      const out = join(dir, `${slug(path)}.pdf`);
      const run = spawnSync(process.env.CHROMIUM || "/usr/bin/chromium", [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--no-pdf-header-footer", `--print-to-pdf=${out}`, server.url + path,
      ], { timeout: 60000 });
      assert.equal(run.status, 0, `chromium printed ${path}: ${run.stderr}`);
      counts[path] = pdfPages(out);
    }
    for (const [path, n] of Object.entries(counts)) {
      assert.ok(n >= 1 && n <= 2, `${path} prints on ${n} pages`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the favicon is served at /favicon.ico and as SVG, and no page asks for anything missing", async () => {
  const ico = await fetch(server.url + "/favicon.ico");
  assert.equal(ico.status, 200);
  assert.equal(ico.headers.get("content-type"), "image/x-icon");
  const bytes = new Uint8Array(await ico.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0, 0, 1, 0], "an ICO header");
  const svg = await fetch(server.url + "/assets/icon.svg");
  assert.equal(svg.headers.get("content-type"), "image/svg+xml");
  const { context, page, errors } = await openPage(browser);
  for (const path of ["/", "/http/407", "/api/docs/"]) {
    await page.goto(server.url + path);
    await page.waitForLoadState("networkidle");
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("the API docs carry the site header and a link home", async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(server.url + "/api/docs/");
  assert.equal(await page.locator("header.top a.brand").getAttribute("href"), "/");
  assert.ok(await page.locator("header.top form[role=search]").count());
  const text = await page.locator("main").innerText();
  assert.match(text, /GET\s+\/api\/v1\/protocols/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("418 reads I'm a teapot with its registry status beside it, and its names lead to it", async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url + "/http/418");
  assert.equal((await page.locator("h1").first().innerText()).replace(/\s+/g, " ").trim(), "418 I'm a teapot (Unused)");
  for (const name of ["teapot", "I'm a teapot", "im a teapot"]) {
    await page.goto(`${server.url}/search?q=${encodeURIComponent(name)}`);
    const first = page.url().endsWith("/http/418") ? "/http/418" : await page.locator("main a[href='/http/418']").first().getAttribute("href");
    assert.equal(first, "/http/418", `${name} leads to 418`);
  }
  await context.close();
});
