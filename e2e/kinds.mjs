// The page kinds of the site, derived from its sitemap: every URL is reduced
// to a shape (protocol names and codes replaced by placeholders), and each
// shape gives one or more sample pages. A new kind of page that enters the
// sitemap joins the browser tests without editing them. Pages that the
// sitemap leaves out on purpose (search results, forms, the embed gallery,
// the API browser, an error page) are added by name.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** axe-core's source, evaluated in the page (a page's CSP does not apply to it). */
export const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The URL's path reduced to a shape: `/http/407` becomes `/{p}/*`. */
export function shapeOf(path, protocols) {
  const parts = path.split("/");
  return parts
    .map((part, i) => {
      if (i === 0 || part === "") return part;
      if (protocols.has(part)) return "{p}";
      if (i === 1) return part;
      return "*";
    })
    .join("/");
}

/** Fetches /sitemap.xml and /api/v1/protocols and returns [{ kind, path }]. */
export async function pageKinds(base) {
  const protocols = new Set(
    (await (await fetch(base + "/api/v1/protocols")).json()).map((p) => p.protocol),
  );
  if (protocols.size === 0) throw new Error("no protocols from /api/v1/protocols");
  const xml = await (await fetch(base + "/sitemap.xml")).text();
  const paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  const byShape = new Map();
  for (const path of paths) {
    const shape = shapeOf(path, protocols);
    if (!byShape.has(shape)) byShape.set(shape, []);
    byShape.get(shape).push(path);
  }
  const picked = [];
  for (const [shape, list] of byShape) {
    if (shape === "/{p}/*") {
      // Code pages: one per protocol, plus the pages known to be the longest
      // and the ones with the longest identifiers.
      const seen = new Set();
      for (const path of list) {
        const protocol = path.split("/")[1];
        if (!seen.has(protocol)) { seen.add(protocol); picked.push({ kind: shape, path }); }
      }
      for (const extra of ["/http/407", "/http/418", "/smtp/5.7.1", "/grpc/unavailable"]) {
        if (list.includes(extra) || list.includes(extra.replace("unavailable", "14"))) picked.push({ kind: shape, path: list.includes(extra) ? extra : extra.replace("unavailable", "14") });
      }
    } else if (shape === "/compare/{p}/*") {
      picked.push({ kind: shape, path: list[0] });
      if (list.includes("/compare/http/401-vs-403")) picked.push({ kind: shape, path: "/compare/http/401-vs-403" });
    } else {
      picked.push({ kind: shape, path: list[0] });
    }
  }
  for (const [kind, path] of [
    ["search", "/search?q=proxy+auth"],
    ["search-empty", "/search"],
    ["explain", "/explain"],
    ["embed-gallery", "/embed/"],
    ["api-docs", "/api/docs/"],
    ["error", "/http/299"],
  ]) picked.push({ kind, path });
  return picked;
}

/** A file-name-safe name for a path. */
export function slug(path) {
  return path.replace(/^\//, "").replace(/[^A-Za-z0-9.-]+/g, "_").replace(/_+$/, "") || "home";
}
