//! The pages that make the reference scannable and easy to use: protocol
//! indexes as tables in numeric order with filters that are real pages, the
//! printable cheat sheets, pair labels that read right in every protocol,
//! search that opens exact codes and explains itself, comparisons that read
//! across, the header glossary and the decision guide, all through the real
//! router.

use crate::support::{body_text, get, header};
use axum::http::StatusCode;
use statusatlas::catalog::{Kind, Protocol, Status, catalog};
use statusatlas::compare::{pair_label, pair_reason};
use std::collections::{BTreeSet, HashSet, VecDeque};

async fn page(uri: &str) -> String {
    let r = get(uri).await;
    assert_eq!(r.status(), StatusCode::OK, "{uri}");
    body_text(r).await
}

/// The values of every `attr="..."` after each `marker` in `html`.
fn after_each(html: &str, marker: &str, attr: &str) -> Vec<String> {
    html.split(marker)
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find(&format!("{attr}=\""))? + attr.len() + 2;
            let end = rest[start..].find('"')?;
            Some(rest[start..start + end].to_string())
        })
        .collect()
}

/// The text between `open` and the next `<` after each `open`.
fn texts(html: &str, open: &str) -> Vec<String> {
    html.split(open)
        .skip(1)
        .filter_map(|rest| rest.split('<').next().map(str::to_string))
        .collect()
}

/// The codes of each index table, in page order.
fn table_codes(html: &str) -> Vec<Vec<String>> {
    html.split("<table class=\"index-table\">")
        .skip(1)
        .map(|t| {
            let table = t.split("</table>").next().unwrap();
            texts(table, "<th scope=\"row\"><a class=\"code\" href=\"")
                .into_iter()
                .map(|rest| rest.split("\">").nth(1).unwrap_or("").to_string())
                .collect()
        })
        .collect()
}

fn numbers(code: &str) -> Vec<u32> {
    code.trim_start_matches("EDE ")
        .split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

#[tokio::test]
async fn every_index_is_a_table_in_numeric_order_with_every_code() {
    for p in catalog().protocols() {
        let html = page(&format!("/{}/", p.protocol.slug())).await;
        let tables = table_codes(&html);
        assert!(!tables.is_empty(), "{:?}", p.protocol);
        let mut listed = 0;
        for codes in &tables {
            let keys: Vec<Vec<u32>> = codes.iter().map(|c| numbers(c)).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(
                keys, sorted,
                "{:?} table out of order: {codes:?}",
                p.protocol
            );
            listed += codes.len();
        }
        assert_eq!(listed, p.entries.len(), "{:?} lists every code", p.protocol);
        assert!(html.contains("<th scope=\"col\">Registration or vendor</th>"));
    }
    // Vendor codes sit among the registered ones: 444 nginx after 431 and before 451.
    let html = page("/http/4xx/").await;
    let codes = &table_codes(&html)[0];
    let at = |c: &str| codes.iter().position(|x| x == c).unwrap();
    assert!(at("431") < at("444") && at("444") < at("451"), "{codes:?}");
}

#[tokio::test]
async fn filters_are_links_to_real_pages_that_list_exactly_their_codes() {
    let http = catalog().protocol(Protocol::Http).unwrap();
    let html = page("/http/").await;
    let filters: BTreeSet<String> = after_each(&html, "<nav class=\"chips\"", "href")
        .into_iter()
        .chain(html.split("<nav class=\"chips\"").skip(1).flat_map(|nav| {
            let nav = nav.split("</nav>").next().unwrap();
            after_each(nav, "<a ", "href")
        }))
        .collect();
    for f in ["/http/", "/http/4xx/", "/http/vendor/", "/http/registered/"] {
        assert!(filters.contains(f), "{f} in {filters:?}");
    }
    let count = |html: &str| table_codes(html).iter().map(Vec::len).sum::<usize>();
    let vendor = http
        .entries
        .iter()
        .filter(|e| e.status == Status::Unofficial);
    assert_eq!(count(&page("/http/vendor/").await), vendor.clone().count());
    assert_eq!(
        count(&page("/http/registered/").await),
        http.entries.len() - vendor.clone().count()
    );
    let vendor_4xx = vendor
        .filter(|e| e.class.as_ref().is_some_and(|c| c.key == "4xx"))
        .count();
    let html = page("/http/4xx/vendor/").await;
    assert_eq!(count(&html), vendor_4xx);
    // The filter bar of a filtered page keeps the other filter.
    assert!(html.contains("href=\"/http/5xx/vendor/\""));
    assert!(html.contains("href=\"/http/4xx/\""));
    for missing in [
        "/smtp/vendor/",
        "/http/1xx/vendor/",
        "/http/4xx/nobody/",
        "/http/9xx/vendor/",
    ] {
        assert_eq!(
            get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    // Every filter link of every index answers.
    for p in catalog().protocols() {
        let html = page(&format!("/{}/", p.protocol.slug())).await;
        for nav in html.split("<nav class=\"chips\"").skip(1) {
            for href in after_each(nav.split("</nav>").next().unwrap(), "<a ", "href") {
                assert_eq!(get(&href).await.status(), StatusCode::OK, "{href}");
            }
        }
    }
}

#[tokio::test]
async fn each_protocol_has_a_cheat_sheet_with_every_code() {
    for p in catalog().protocols() {
        let index = page(&format!("/{}/", p.protocol.slug())).await;
        let href = format!("/{}/cheat-sheet", p.protocol.slug());
        assert!(index.contains(&format!("href=\"{href}\"")), "{href} linked");
        let html = page(&href).await;
        let rows = html.matches("<div class=\"cheat-row").count();
        assert_eq!(rows, p.entries.len(), "{href}");
    }
    assert_eq!(
        get("/nope/cheat-sheet").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn pair_labels_name_codes_as_people_do_in_canonical_order() {
    let c = catalog();
    let g = |id: &str| c.get(Protocol::Grpc, id).unwrap();
    assert_eq!(
        pair_label(g("14"), g("4")),
        "gRPC DEADLINE_EXCEEDED vs UNAVAILABLE"
    );
    assert_eq!(
        pair_label(g("4"), g("14")),
        "gRPC DEADLINE_EXCEEDED vs UNAVAILABLE"
    );
    let h = |id: &str| c.get(Protocol::Http, id).unwrap();
    assert_eq!(pair_label(h("403"), h("401")), "HTTP 401 vs 403");
    assert_eq!(
        pair_label(h("503"), g("14")),
        "gRPC UNAVAILABLE vs HTTP 503"
    );
    let dns = c.protocol(Protocol::Dns).unwrap();
    let ede18 = dns
        .entries
        .iter()
        .find(|e| e.kind == Some(Kind::Ede) && e.code == "18")
        .unwrap();
    let nx = c.get(Protocol::Dns, "nxdomain").unwrap();
    assert_eq!(
        pair_label(ede18, nx),
        format!("DNS {} vs EDE 18", nx.phrase)
    );
    // A reason always comes with the label: the curated rule, or the facts.
    assert_eq!(
        pair_reason(c, h("401"), h("403")),
        c.pair(h("401"), h("403")).unwrap().rule
    );
    let reason = pair_reason(c, g("4"), g("14"));
    assert!(reason.starts_with("They differ in"), "{reason}");
}

#[tokio::test]
async fn often_confused_lists_read_by_name_and_always_give_the_reason() {
    let html = page("/grpc/14").await;
    let section = html
        .split("id=\"confused\">Often confused with</h2>")
        .nth(1)
        .expect("gRPC 14 has confusions")
        .split("</section>")
        .next()
        .unwrap();
    assert!(
        section.contains("gRPC DEADLINE_EXCEEDED vs UNAVAILABLE"),
        "{section}"
    );
    assert!(!section.contains("14 vs 4") && !section.contains("4 vs 14"));
    for p in [Protocol::Http, Protocol::Grpc, Protocol::Dns, Protocol::Sip] {
        for e in catalog().protocol(p).unwrap().entries.iter().take(12) {
            let html = page(&statusatlas::web::routes::entry(e)).await;
            let Some(section) = html
                .split("id=\"confused\">Often confused with</h2>")
                .nth(1)
            else {
                continue;
            };
            let section = section.split("</section>").next().unwrap();
            for reason in texts(section, "<span class=\"muted\">") {
                assert!(
                    !reason.trim().is_empty(),
                    "{} has a label without a reason",
                    e.label()
                );
            }
        }
    }
}

#[tokio::test]
async fn pickers_never_list_two_entries_that_read_alike() {
    for uri in [
        "/dns/0",
        "/dns/ede/0",
        "/http/420",
        "/compare/dns/noerror-vs-nxdomain",
    ] {
        let html = page(uri).await;
        for select in html.split("<select").skip(1) {
            let select = select.split("</select>").next().unwrap();
            let labels: Vec<String> = texts(select, "\">")
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect();
            let distinct: HashSet<&String> = labels.iter().collect();
            assert_eq!(distinct.len(), labels.len(), "{uri}: {labels:?}");
            // DNS lists say which number space each entry is in.
            if uri.starts_with("/dns") || uri.starts_with("/compare/dns") {
                assert!(
                    labels
                        .iter()
                        .all(|l| l.starts_with("RCODE ") || l.starts_with("EDE ")),
                    "{uri}: {labels:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_exact_code_opens_its_page() {
    for (q, to) in [
        ("404", "/http/404"),
        ("smtp 5.7.1", "/smtp/5.7.1"),
        ("5.7.1", "/smtp/5.7.1"),
        ("dns ede 18", "/dns/ede/18"),
        ("SIP 486", "/sip/486"),
        // A code with its phrase, as status lines and logs write it.
        ("404 Not Found", "/http/404"),
        ("503 service unavailable", "/http/503"),
        ("HTTP/1.1 407 Proxy Authentication Required", "/http/407"),
        ("SIP/2.0 486 Busy Here", "/sip/486"),
        ("418 I'm a teapot", "/http/418"),
    ] {
        let r = get(&format!("/search?q={}", q.replace(' ', "+"))).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{q}");
        assert_eq!(header(&r, "location"), to, "{q}");
    }
    // The protocol filter decides which protocol's code a number is.
    let r = get("/search?q=404&protocol=sip").await;
    assert_eq!(header(&r, "location"), "/sip/404");
    // Words are searched, not redirected.
    assert_eq!(get("/search?q=not+found").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_class_enhanced_code_comes_first_without_neighbours() {
    let body = body_text(get("/api/v1/search?q=5.7.1").await).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results[0]["id"], "5.7.1");
    assert_eq!(results[0]["html_url"], "/smtp/5.7.1");
    assert_eq!(results[0]["why"], "the code");
    // Extended DNS Errors never read as the RCODE of the same number.
    let body = body_text(get("/api/v1/search?q=dns+prohibited").await).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["results"][0]["display_code"], "EDE 18");
    let html = page("/search?q=prohibited&protocol=dns").await;
    assert!(
        html.contains("<span class=\"code\">EDE 18</span>"),
        "{html}"
    );
    assert!(
        results
            .iter()
            .all(|r| !r["id"].as_str().unwrap().starts_with("X.7.1")),
        "{body}"
    );
}

#[tokio::test]
async fn a_word_that_matches_nothing_says_so_with_suggestions() {
    let html = page("/search?q=econnrefused").await;
    assert!(html.contains("No status code matches “econnrefused”"));
    assert!(!html.contains("class=\"code-list"), "no unrelated codes");
    assert!(html.contains("href=\"/explain\""));
    assert!(html.contains("href=\"/guide/\""));
    let empty = page("/search?q=").await;
    assert!(empty.contains("How to search"));
    assert!(empty.contains("href=\"/search?q=smtp+5.7.1\""));
}

#[tokio::test]
async fn the_protocol_filter_narrows_results_and_each_says_why() {
    let html = page("/search?q=not+found&protocol=sip").await;
    let links = after_each(&html, "<ul class=\"code-list search-results\">", "href");
    assert!(!links.is_empty());
    let items: Vec<&str> = html.split("<li class=").skip(1).collect();
    assert!(!items.is_empty());
    for item in &items {
        let href = after_each(item, "<a ", "href")[0].clone();
        assert!(href.starts_with("/sip/"), "{href}");
        assert!(item.contains("<p class=\"why\">Matched: "), "{item}");
    }
    assert!(html.contains("<option value=\"sip\" selected>SIP</option>"));
    assert_eq!(
        get("/search?q=x&protocol=gopher").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn comparisons_read_across_with_the_code_page_labels_and_a_legend() {
    let html = page("/compare/http/401-vs-403").await;
    assert!(html.contains("<table class=\"across-table\">"));
    for aspect in ["What it means", "When you see it", "How to fix it: client"] {
        assert!(
            html.contains(&format!("<th scope=\"row\">{aspect}")),
            "{aspect}"
        );
    }
    assert!(!html.contains("<h3>Description</h3>"));
    assert!(html.contains("class=\"across-legend\""));
    assert!(html.contains("<tr class=\"differs\">"));
    // Both codes can be changed on the page; the form goes to the picker.
    assert!(html.contains("<option value=\"401\" selected>"));
    assert!(html.contains("<option value=\"403\" selected>"));
    let r = get("/compare?protocol=http&a=404&b=403").await;
    assert_eq!(header(&r, "location"), "/compare/http/403-vs-404");
    let html = page("/compare/grpc/14-vs-http/503").await;
    assert!(html.contains("name=\"protocol_b\" value=\"http\""));
    let r = get("/compare?protocol=grpc&a=4&protocol_b=http&b=504").await;
    assert_eq!(header(&r, "location"), "/compare/grpc/4-vs-http/504");
}

#[tokio::test]
async fn every_header_a_code_names_has_a_glossary_page_listing_that_code() {
    let c = catalog();
    let index = page("/headers/").await;
    for e in c.entries() {
        for name in &e.headers {
            let h = c.header(name).expect("validated");
            let href = format!("/headers/{}", h.slug);
            assert!(index.contains(&format!("href=\"{href}\"")), "{href}");
            let html = page(&href).await;
            let code_href = statusatlas::web::routes::entry(e);
            assert!(
                html.contains(&format!("href=\"{code_href}\"")),
                "{href} lists {code_href}"
            );
            for ex in &h.examples {
                assert!(ex.to_ascii_lowercase().starts_with(&h.slug), "{ex}");
            }
            // The code page links its headers to the glossary.
            let code_page = page(&code_href).await;
            assert!(
                code_page.contains(&format!("href=\"{href}\"")),
                "{code_href} links {href}"
            );
        }
    }
    let r = get("/headers/Retry-After").await;
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&r, "location"), "/headers/retry-after");
    let r = get("/headers/retry-afte").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(body_text(r).await.contains("/headers/retry-after"));
    let api = body_text(get("/api/v1/headers").await).await;
    let v: serde_json::Value = serde_json::from_str(&api).unwrap();
    assert_eq!(v.as_array().unwrap().len(), c.headers().len());
    let retry = v
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "Retry-After")
        .unwrap();
    assert_eq!(retry["spec"][0]["text"], "RFC 9110, Section 10.2.3");
    assert!(
        retry["codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "429")
    );
}

/// Follows the guide's links from `/guide/` like a reader without
/// JavaScript and returns every outcome page reached (path → HTML).
async fn walk_guide() -> Vec<(String, String)> {
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from(["/guide/".to_string()]);
    let mut outcomes = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        assert!(seen.len() < 500, "the guide is finite");
        let html = page(&path).await;
        let answers = html
            .split("<ul class=\"guide-answers\">")
            .nth(1)
            .map(|s| s.split("</ul>").next().unwrap().to_string());
        match answers {
            Some(list) => {
                let links = after_each(&list, "<a ", "href");
                assert!(links.len() >= 2, "{path} offers a choice");
                queue.extend(links);
            }
            None => outcomes.push((path, html)),
        }
    }
    outcomes
}

#[tokio::test]
async fn the_guide_reaches_every_curated_http_code_with_a_reason() {
    let outcomes = walk_guide().await;
    let reached: HashSet<String> = outcomes
        .iter()
        .map(|(path, _)| path.rsplit('/').next().unwrap().to_string())
        .collect();
    for pair in catalog()
        .pairs()
        .iter()
        .filter(|p| p.protocol == Protocol::Http)
    {
        for code in [&pair.a, &pair.b] {
            assert!(reached.contains(code), "the guide never ends at {code}");
        }
    }
    for (path, html) in &outcomes {
        assert!(html.contains("<h2 id=\"why-h\">Why</h2>"), "{path}");
        assert!(
            html.contains("<h2 id=\"confused-h\">Most confused with</h2>"),
            "{path}"
        );
    }
    assert_eq!(get("/guide/nowhere").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get("/guide/missing/200").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/guide/start").await.status(),
        StatusCode::MOVED_PERMANENTLY
    );
}

#[test]
fn a_guide_with_a_cycle_a_dead_end_or_an_unknown_code_is_refused() {
    let c = catalog();
    assert!(c.guide().len() > 3, "the shipped guide loaded");
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/guide.toml"),
    )
    .unwrap();
    assert_eq!(
        statusatlas::catalog::guide::check(&shipped, c),
        Vec::<String>::new()
    );
    let broken = r#"
[[step]]
id = "start"
question = "First?"
[[step.answer]]
label = "Loop"
next = "loop"
[[step.answer]]
label = "Missing"
code = "404"
reason = "Nothing is there."

[[step]]
id = "loop"
question = "Again?"
[[step.answer]]
label = "Back"
next = "start"
[[step.answer]]
label = "Nowhere"
next = "gone"

[[step]]
id = "orphan"
question = "Alone?"
[[step.answer]]
label = "Unknown"
code = "999"
reason = "No such code."
[[step.answer]]
label = "Fine"
code = "200"
reason = "It worked."
"#;
    let all = statusatlas::catalog::guide::check(broken, c).join("\n");
    assert!(
        all.contains("a cycle through start → loop → start"),
        "{all}"
    );
    assert!(all.contains("there is no step \"gone\""), "{all}");
    assert!(all.contains("HTTP has no code \"999\""), "{all}");
    assert!(
        all.contains("guide step orphan: no answer leads here"),
        "{all}"
    );
}

#[tokio::test]
async fn new_pages_are_in_the_sitemap() {
    let sitemap = body_text(get("/sitemap.xml").await).await;
    for path in [
        "/http/cheat-sheet",
        "/http/vendor/",
        "/http/4xx/vendor/",
        "/headers/",
        "/headers/retry-after",
        "/guide/",
        "/guide/client-error",
        "/guide/missing/404",
    ] {
        assert!(sitemap.contains(&format!("{path}</loc>")), "{path}");
    }
}

#[tokio::test]
async fn new_pages_match_their_snapshots() {
    for (name, uri) in [
        ("page-http-index", "/http/"),
        ("page-http-cheat-sheet", "/http/cheat-sheet"),
        ("page-headers-retry-after", "/headers/retry-after"),
        ("page-guide", "/guide/"),
        ("page-guide-missing-404", "/guide/missing/404"),
        ("page-search-empty", "/search?q="),
    ] {
        crate::support::snapshot(name, &page(uri).await);
    }
}
