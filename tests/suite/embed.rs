//! Embeds through the router: iframe pages (frameable, themed, sized),
//! fragments for the widgets, the oEmbed provider in JSON and XML, discovery
//! links, snippets with real slugs, badges and the shields.io endpoint JSON.

use crate::support::{BASE, body_text, get, header};
use axum::http::StatusCode;

#[tokio::test]
async fn iframe_pages_are_frameable_and_other_pages_are_not() {
    for uri in [
        "/embed/http/407",
        "/embed/compare/http/101-vs-407",
        "/embed/grpc/unavailable",
        "/embed/dns/ede-18",
    ] {
        let r = get(uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        let csp = header(&r, "content-security-policy").to_string();
        assert!(csp.contains("frame-ancestors *"), "{uri}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "iframe pages run only the site's own script: {csp}"
        );
        assert_eq!(header(&r, "x-frame-options"), "", "{uri}");
        let body = body_text(r).await;
        assert!(
            body.contains("/assets/embed.css") && body.contains("Full reference on statusatlas")
        );
        assert!(
            body.contains("<script src=\"/assets/frame.js\" defer></script>"),
            "the card reports its height: {uri}"
        );
        assert!(
            body.contains(&format!("{BASE}/")),
            "links are absolute in embeds"
        );
    }
    for uri in ["/http/407", "/compare/http/101-vs-407", "/embed/"] {
        let r = get(uri).await;
        assert!(
            header(&r, "content-security-policy").contains("frame-ancestors 'none'"),
            "{uri}"
        );
        assert_eq!(header(&r, "x-frame-options"), "DENY", "{uri}");
    }
}

#[tokio::test]
async fn themes_and_sizes_apply_and_unknown_values_are_rejected() {
    let body = body_text(get("/embed/http/407?theme=sepia&size=compact").await).await;
    assert!(body.contains("data-theme=\"sepia\"") && body.contains("size-compact"));
    let body = body_text(get("/embed/http/407").await).await;
    assert!(
        body.contains("data-theme=\"auto\"") && body.contains("size-compact"),
        "an iframe starts compact"
    );
    let body = body_text(get("/embed/http/407?size=large").await).await;
    assert!(body.contains("size-large"), "and grows on request");
    for uri in [
        "/embed/http/407?theme=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/embed/http/407?size=%3Cimg%3E",
        "/embed/http/407?theme=",
        "/embed/compare/http/101-vs-407?size=huge",
    ] {
        let r = get(uri).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{uri}");
        assert!(header(&r, "content-type").starts_with("text/html"), "{uri}");
        let body = body_text(r).await;
        assert!(
            !body.contains("<script>alert") && !body.contains("<img>"),
            "{uri}"
        );
    }
    assert_eq!(get("/embed/http/299").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get("/embed/compare/http/404-vs-404").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn fragments_serve_the_site_card_to_any_origin() {
    let r = get("/embed/fragment/http/407").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    let body = body_text(r).await;
    assert!(
        body.contains("<article class=\"card") && body.contains("Proxy Authentication Required")
    );
    assert!(!body.contains("<html"), "a fragment, not a document");
    let r = get("/embed/fragment/compare/http/407-vs-101").await;
    assert_eq!(r.status(), StatusCode::OK, "widgets accept either order");
    assert!(
        body_text(r)
            .await
            .contains("101 (Switching Protocols) is a 1xx Informational response")
    );
    // Errors of what widgets fetch are JSON (never rendered as HTML).
    let r = get("/embed/fragment/http/%3Cimg%20src%3Dx%3E").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&r, "content-type"), "application/json");
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    let v: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
    assert_eq!(v["error"]["code"], "not_found");
}

async fn oembed(query: &str) -> (StatusCode, String, String) {
    let r = get(&format!("/oembed?{query}")).await;
    let status = r.status();
    let content_type = header(&r, "content-type").to_string();
    (status, content_type, body_text(r).await)
}

#[tokio::test]
async fn oembed_answers_json_with_the_required_fields() {
    let url = format!(
        "url={}%2Fhttp%2F407",
        BASE.replace(':', "%3A").replace('/', "%2F")
    );
    let (status, content_type, body) = oembed(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    // oEmbed 1.0, section 2.3.4: version and type always; rich needs html, width, height.
    assert_eq!(v["version"], "1.0");
    assert_eq!(v["type"], "rich");
    assert_eq!(v["width"], 420);
    assert_eq!(v["provider_name"], "statusatlas");
    assert_eq!(v["provider_url"], format!("{BASE}/"));
    assert!(v["cache_age"].as_u64().unwrap() > 0);
    assert_eq!(v["title"], "HTTP 407 Proxy Authentication Required");
    let html = v["html"].as_str().unwrap();
    assert!(
        html.starts_with(&format!("<iframe src=\"{BASE}/embed/http/407\"")),
        "{html}"
    );
    let height = v["height"].as_u64().unwrap();
    assert!(
        html.contains(&format!("width=\"420\" height=\"{height}\"")),
        "the iframe has the height the answer states: {html}"
    );
    // The height is the compact card's: a narrower card wraps into more
    // lines and is taller (the browser tests check it against the card).
    let (_, _, narrow) = oembed(&format!("{url}&maxwidth=260")).await;
    let narrow: serde_json::Value = serde_json::from_str(&narrow).unwrap();
    assert_eq!(narrow["width"], 260);
    assert!(narrow["height"].as_u64().unwrap() > height, "{narrow}");

    let (_, _, body) = oembed(&format!("{url}&maxwidth=300&maxheight=250")).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(300), Some(250)),
        "sizes stay within the maximum"
    );
    let (_, _, body) = oembed(&format!("{url}&maxwidth=5000")).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["width"],
        420,
        "never larger than the card"
    );
}

#[tokio::test]
async fn oembed_answers_xml_that_parses() {
    let url = format!(
        "url={}%2Fcompare%2Fhttp%2F101-vs-407&format=xml",
        BASE.replace(':', "%3A").replace('/', "%2F")
    );
    let (status, content_type, body) = oembed(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/xml"));
    let doc = roxmltree::Document::parse(&body).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "oembed");
    let field = |name: &str| {
        root.children()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    assert_eq!(field("version").as_deref(), Some("1.0"));
    assert_eq!(field("type").as_deref(), Some("rich"));
    assert_eq!(field("width").as_deref(), Some("420"));
    assert!(field("html").unwrap().starts_with(&format!(
        "<iframe src=\"{BASE}/embed/compare/http/101-vs-407\""
    )));
}

#[tokio::test]
async fn oembed_refuses_what_it_does_not_know() {
    let ours = BASE.replace(':', "%3A").replace('/', "%2F");
    for (query, status) in [
        (
            "url=https%3A%2F%2Fevil.example%2Fhttp%2F407".to_string(),
            StatusCode::NOT_FOUND,
        ),
        (format!("url={ours}%2Fhttp%2F299"), StatusCode::NOT_FOUND),
        (
            format!("url={ours}%2Fsearch%3Fq%3D404"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("url={ours}%2Fhttp%2F407&format=yaml"),
            StatusCode::NOT_IMPLEMENTED,
        ),
        (
            format!("url={ours}%2Fhttp%2F407&maxwidth=-5"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("url={ours}%2Fhttp%2F407&maxwidth=99999999999999999999"),
            StatusCode::BAD_REQUEST,
        ),
        ("format=json".to_string(), StatusCode::BAD_REQUEST),
        (
            "url=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (got, content_type, body) = oembed(&query).await;
        assert_eq!(got, status, "{query}");
        assert_eq!(content_type, "application/json", "{query}");
        assert!(!body.contains("<script>"), "{query}");
    }
}

#[tokio::test]
async fn pages_announce_oembed_and_show_all_five_snippets() {
    let body = body_text(get("/http/407").await).await;
    assert!(body.contains("type=\"application/json+oembed\""));
    assert!(body.contains("type=\"text/xml+oembed\""));
    assert!(body.contains(&format!(
        "{BASE}/oembed?url={}",
        "http%3A%2F%2Fstatusatlas.test%2Fhttp%2F407"
    )));
    for needle in [
        "data-statusatlas=&#34;code&#34; data-protocol=&#34;http&#34; data-code=&#34;407&#34;",
        "&#60;statusatlas-code protocol=&#34;http&#34; code=&#34;407&#34;&#62;",
        &format!("&#60;iframe src=&#34;{BASE}/embed/http/407&#34;"),
        &format!("{BASE}/badge/http/407.svg"),
        &format!("{BASE}/embed.js"),
    ] {
        assert!(body.contains(needle), "/http/407 lacks snippet {needle}");
    }
    assert!(
        !body.contains("/embed//") && !body.contains("/entity//"),
        "no empty slug"
    );
    let body = body_text(get("/compare/http/101-vs-407").await).await;
    assert!(body.contains("type=\"application/json+oembed\""));
    assert!(body.contains(&format!(
        "&#60;iframe src=&#34;{BASE}/embed/compare/http/101-vs-407&#34;"
    )));
    assert!(body.contains("data-a=&#34;101&#34; data-b=&#34;407&#34;"));
}

#[tokio::test]
async fn badges_are_valid_svg_with_a_title_and_long_caching() {
    for (uri, title) in [
        (
            "/badge/http/407.svg",
            "HTTP 407: Proxy Authentication Required",
        ),
        (
            "/badge/smtp/5.7.1.svg",
            "SMTP 5.7.1: Delivery not authorized, message refused",
        ),
        (
            "/badge/grpc/unavailable.svg?style=for-the-badge",
            "GRPC 14: UNAVAILABLE",
        ),
        (
            "/badge/http/404.svg?label=Missing%20%3Cpage%3E",
            "Missing <page>: Not Found",
        ),
    ] {
        let r = get(uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert_eq!(header(&r, "content-type"), "image/svg+xml");
        assert!(header(&r, "cache-control").contains("max-age=86400"));
        let svg = body_text(r).await;
        let doc =
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{uri} is not XML: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert!(
            root.attribute("width")
                .and_then(|w| w.parse::<f64>().ok())
                .is_some_and(|w| w > 20.0)
        );
        let t = root
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap_or("");
        assert!(t.eq_ignore_ascii_case(title), "{uri}: title {t:?}");
    }
    for style in ["flat", "flat-square", "plastic", "for-the-badge", "social"] {
        assert_eq!(
            get(&format!("/badge/http/200.svg?style={style}"))
                .await
                .status(),
            StatusCode::OK,
            "{style}"
        );
    }
    assert_eq!(
        get("/badge/http/200.svg?style=neon").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get("/badge/http/299.svg").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/badge/http/200.png").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn badge_colours_follow_meaning() {
    use statusatlas::catalog::{Protocol, catalog};
    use statusatlas::web::badge::color;
    let c = |p, id| color(catalog().get(p, id).unwrap());
    assert_eq!(c(Protocol::Http, "200"), "brightgreen");
    assert_eq!(c(Protocol::Http, "404"), "orange");
    assert_eq!(c(Protocol::Http, "503"), "red");
    assert_eq!(
        c(Protocol::Smtp, "4.2.2"),
        "yellow",
        "transient SMTP failures are yellow"
    );
    assert_eq!(c(Protocol::Smtp, "5.2.2"), "red");
    assert_eq!(c(Protocol::Grpc, "0"), "brightgreen");
    assert_eq!(
        c(Protocol::Http, "999-linkedin"),
        "lightgrey",
        "no colour guessed from an out-of-range number"
    );
}

#[tokio::test]
async fn badge_json_follows_the_shields_endpoint_schema() {
    let r = get("/badge/http/429.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["label"], "HTTP 429");
    assert_eq!(v["message"], "Too Many Requests");
    assert_eq!(v["color"], "orange");
}

#[tokio::test]
async fn the_embed_script_is_served_with_one_namespace_and_no_eval() {
    let r = get("/embed.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-type").starts_with("text/javascript"));
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    let js = body_text(r).await;
    assert!(!js.contains("eval(") && !js.contains("new Function"));
    assert!(js.contains("window.statusatlas ="));
    assert!(
        js.contains("attachShadow")
            && js.contains("IntersectionObserver")
            && js.contains("MutationObserver")
    );
}

#[tokio::test]
async fn the_frame_script_posts_the_documented_resize_message() {
    let r = get("/assets/frame.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-type").starts_with("text/javascript"));
    let script = body_text(r).await;
    assert!(script.contains("type: \"statusatlas:resize\", height: height"));
    let js = body_text(get("/embed.js").await).await;
    assert!(
        js.contains("event.origin !== origin") && js.contains("\"statusatlas:resize\""),
        "embed.js takes the message from its own origin only"
    );
    let gallery = body_text(get("/embed/").await).await;
    assert!(gallery.contains("id=\"resize\"") && gallery.contains("statusatlas:resize"));
}
