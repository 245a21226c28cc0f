//! One definition per URL: no module but `src/web/routes.rs` writes a URL
//! path by hand, so every link, canonical URL, sitemap entry and export path
//! comes from the typed routes.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// String literals in `line` that start like a site path: `"/http`,
/// `"/{`, `"{base}/x` or `"{}/x`.
fn hand_written_urls(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in line.match_indices('"') {
        let rest = &line[i + 1..];
        let path = ["{base}/", "{}/", "/"]
            .iter()
            .find_map(|prefix| rest.strip_prefix(prefix));
        if let Some(after) = path
            && after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '{' || c == '*')
        {
            found.push(rest.chars().take(40).collect());
        }
    }
    found
}

#[test]
fn no_module_but_routes_writes_a_url_by_hand() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offenders = Vec::new();
    for file in files {
        if file.ends_with("web/routes.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") || line.contains("include_str!") {
                continue;
            }
            for url in hand_written_urls(line) {
                offenders.push(format!("{}:{}: \"{url}", file.display(), n + 1));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "URLs written by hand outside src/web/routes.rs:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_sees_hand_written_urls() {
    assert_eq!(hand_written_urls(r#"format!("/http/{code}")"#).len(), 1);
    assert_eq!(
        hand_written_urls(r#"format!("{base}/status/{c}")"#).len(),
        1
    );
    assert_eq!(
        hand_written_urls(r#"let a = "/"; let b = "text/html";"#).len(),
        0
    );
}

#[test]
fn the_sitemap_and_the_export_enumerate_the_same_pages() {
    let catalog = statusatlas::catalog::catalog();
    let pages = statusatlas::web::routes::pages(catalog);
    let exported = statusatlas::export::routes();
    assert!(pages.len() > 1000, "{} pages", pages.len());
    for page in &pages {
        assert!(exported.contains(page), "the export leaves out {page}");
    }
}
