//! `/api/docs/`: the API reference as a page of the site, with its header,
//! search and theme, rendered from the same OpenAPI document the API
//! serves (so the two cannot disagree) and readable without script. The
//! interactive explorer (Swagger UI) stays one link away.

use super::AppState;
use super::error::WebError;
use super::views::{Head, html};
use super::{api, routes};
use crate::catalog::catalog;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::Value;
use std::sync::Arc;
use utoipa::OpenApi;

/// The reference page's own path: `/api/docs/`.
pub fn docs_page() -> String {
    format!("{}/", routes::API_DOCS)
}

/// One parameter of an operation.
pub struct Param {
    pub name: String,
    /// `path`, `query` or `header` (OpenAPI 3.1, section 4.8.12.2).
    pub location: String,
    pub required: bool,
    pub description: String,
}

/// One operation: a method on a path.
pub struct Operation {
    /// `get-api-v1-protocols`: the section's anchor.
    pub anchor: String,
    /// `GET`, `POST`.
    pub method: String,
    pub path: String,
    /// The summary and description, one string per paragraph.
    pub paragraphs: Vec<String>,
    pub params: Vec<Param>,
    /// (status, description)
    pub responses: Vec<(String, String)>,
    /// A link that runs the operation, for GETs whose path has no variable.
    pub try_href: Option<String>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    head: Head,
    description: String,
    version: String,
    openapi: String,
    explorer: String,
    operations: Vec<Operation>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().trim().to_string()
}

/// The operations of an OpenAPI document, in the document's path order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, op) in methods {
            // The eight operation fields of an OpenAPI Path Item; the rest
            // (`parameters`, `summary`, `servers`) are not operations.
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            ) {
                continue;
            }
            let prose = format!("{}\n\n{}", text(&op["summary"]), text(&op["description"]));
            let paragraphs = prose
                .split("\n\n")
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect();
            let params = op["parameters"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .map(|p| Param {
                            name: text(&p["name"]),
                            location: text(&p["in"]),
                            required: p["required"].as_bool().unwrap_or(false),
                            description: text(&p["description"]),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let responses = op["responses"]
                .as_object()
                .map(|r| {
                    r.iter()
                        .map(|(status, v)| (status.clone(), text(&v["description"])))
                        .collect()
                })
                .unwrap_or_default();
            let anchor = format!("{method}{path}")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .split('-')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            out.push(Operation {
                anchor,
                method: method.to_uppercase(),
                try_href: (method == "get" && !path.contains('{')).then(|| path.clone()),
                path: path.clone(),
                paragraphs,
                params,
                responses,
            });
        }
    }
    out
}

/// `GET /api/docs/`.
pub async fn page(State(state): State<Arc<AppState>>) -> Result<Response, WebError> {
    let doc = serde_json::to_value(api::ApiDoc::openapi())
        .map_err(|e| WebError::internal(e.to_string()))?;
    let head = Head::new(
        catalog(),
        &state.base_url,
        &docs_page(),
        "API reference — statusatlas".into(),
        "The statusatlas JSON API: every operation with its parameters and answers.".into(),
    );
    html(&DocsPage {
        head,
        description: text(&doc["info"]["description"]),
        version: text(&doc["info"]["version"]),
        openapi: routes::OpenApiJson.to_string(),
        explorer: format!("{}/", routes::API_EXPLORER),
        operations: operations(&doc),
    })
}

#[cfg(test)]
mod tests {
    use super::operations;

    #[test]
    fn reads_operations_with_parameters_and_answers() {
        let operation = serde_json::json!({"get": {
            "summary": "Every code.",
            "parameters": [{"name": "protocol", "in": "path", "required": true, "description": "http"}],
            "responses": {"200": {"description": "The codes."}, "404": {"description": "No such protocol."}}
        }});
        let path = ["", "api", "v1", "{protocol}", "codes"].join("/");
        let mut paths = serde_json::Map::new();
        paths.insert(path, operation);
        let doc = serde_json::json!({ "paths": paths });
        let ops = operations(&doc);
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].anchor, "get-api-v1-protocol-codes");
        assert_eq!(ops[0].method, "GET");
        assert_eq!(ops[0].params[0].name, "protocol");
        assert!(ops[0].params[0].required);
        assert_eq!(ops[0].responses.len(), 2);
        assert_eq!(
            ops[0].try_href, None,
            "a path with a variable has no ready link"
        );
    }
}
