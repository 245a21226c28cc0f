//! The `live_url` tool: the URL of a live test endpoint (`/status/{codes}`)
//! on the instance that serves this MCP endpoint, with its options, and a
//! curl command that calls it. Only the HTTP transport offers it, since only
//! there is the serving instance's public origin known. The options are
//! checked by the same code the endpoint reads them with.

use super::tools::{self, LiveSettings, ToolError};
use crate::catalog::{Protocol, catalog};
use crate::web::live;
use rmcp::model::{CallToolResult, JsonObject, Tool};
use rmcp::schemars::{self, JsonSchema};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt::Write;
use std::sync::Arc;
use utoipa::ToSchema;

/// Accepts `"418"`, `418` and `"200:3,500:1"`.
fn codes_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(u64),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Text(s) => s,
        Raw::Number(n) => n.to_string(),
    })
}

fn codes_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": ["string", "integer"],
        "maxLength": 200,
        "description": "An HTTP status code from 100 to 599 (418), or weighted choices (200:3,500:1)."
    })
}

/// Arguments of `live_url`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct LiveUrlArgs {
    #[serde(deserialize_with = "codes_or_number")]
    #[schemars(schema_with = "codes_schema")]
    pub code: String,
    /// The request method for the curl command (GET by default); the endpoint answers any method.
    #[schemars(length(max = 16))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Wait before answering: milliseconds (500 or 500ms) or seconds (1.5s); capped by the server.
    #[schemars(length(max = 32))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<String>,
    /// A body to send instead of the default one (1 kB at most).
    #[schemars(length(max = 1024))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Extra response headers as "Name: value": X- headers and a few harmless ones.
    #[schemars(length(max = 10))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<String>>,
    /// Answer without a body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppress_body: Option<bool>,
    /// Misbehave on purpose: abort-before-headers, abort-after-headers, abort-during-body or dribble.
    #[schemars(schema_with = "fault_schema")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// The body format to ask for with Accept: json, html or text.
    #[schemars(schema_with = "accept_schema")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
}

fn fault_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "enum": ["abort-before-headers", "abort-after-headers", "abort-during-body", "dribble"],
        "description": "Misbehave on purpose: drop the connection before or after the headers or during the body, or send the body a byte at a time."
    })
}

fn accept_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "enum": ["json", "html", "text"],
        "description": "The body format to ask for with an Accept header."
    })
}

/// One status the endpoint may answer with, and how often.
#[derive(Serialize, ToSchema)]
pub struct LiveChoice {
    pub code: u16,
    pub weight: u32,
    /// The RFC 9110 (or registry) reason phrase, when the code is registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
}

/// The shape of `live_url`'s answer.
#[derive(Serialize, ToSchema)]
pub struct LiveUrlOutput {
    /// The endpoint's URL on this instance, options included.
    pub url: String,
    /// A curl command that calls it and shows the status line and headers.
    pub curl: String,
    pub method: String,
    pub choices: Vec<LiveChoice>,
    /// What the endpoint will do differently from what was asked (a delay
    /// capped, a 1xx code explained with 200, WebSocket on 101).
    pub notes: Vec<String>,
}

/// The tool's definition.
pub fn tool(output_schema: Arc<JsonObject>) -> Tool {
    Tool::new(
        "live_url",
        "The URL of a live test endpoint on this statusatlas instance that answers with a real status code (and the headers it is defined with), plus a curl command to call it. Options: delay, body, extra headers, no body, faults, weighted random codes (200:3,500:1).",
        JsonObject::new(),
    )
    .with_title("Live test endpoint URL")
    .with_input_schema::<LiveUrlArgs>()
    .with_raw_output_schema(output_schema)
    .with_annotations(tools::read_only("Live test endpoint URL"))
}

/// Quotes a word for a POSIX shell.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

fn method_of(input: Option<&str>) -> Result<String, ToolError> {
    let method = input
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or("GET");
    let valid = method.len() <= 16 && method.bytes().all(|b| b.is_ascii_alphabetic());
    if !valid {
        return Err(ToolError {
            message: format!(
                "method “{}” is not an HTTP method name (GET, POST, PUT, DELETE...)",
                crate::text::shorten(method, 20)
            ),
            suggestions: Vec::new(),
        });
    }
    Ok(method.to_ascii_uppercase())
}

fn error(message: impl Into<String>) -> ToolError {
    ToolError {
        message: message.into(),
        suggestions: Vec::new(),
    }
}

/// `live_url`: builds and checks the URL, and writes the curl command.
pub fn call(args: LiveUrlArgs, settings: &LiveSettings) -> Result<CallToolResult, ToolError> {
    let spec: String = args.code.chars().filter(|c| !c.is_whitespace()).collect();
    let parsed = live::parse_codes(&spec).map_err(error)?;
    let method = method_of(args.method.as_deref())?;
    let mut notes = Vec::new();
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(delay) = args
        .delay
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        let wanted = live::parse_delay(delay).map_err(error)?;
        if wanted > settings.config.max_delay {
            notes.push(format!(
                "this instance caps delays at {} ms, so the answer waits {} ms, not {} ms",
                settings.config.max_delay.as_millis(),
                settings.config.max_delay.as_millis(),
                wanted.as_millis()
            ));
        }
        query.append_pair("delay", delay);
    }
    if let Some(body) = &args.body {
        query.append_pair("body", body);
    }
    for header in args.headers.iter().flatten() {
        query.append_pair("header", header.trim());
    }
    if args.suppress_body == Some(true) {
        query.append_pair("suppress_body", "1");
    }
    if let Some(fault) = &args.fault {
        query.append_pair("fault", fault.trim());
    }
    let query = query.finish();
    tools::check_live_query(&query, &settings.config)?;
    let accept = match args.accept.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("json") => Some("application/json"),
        Some("html") => Some("text/html"),
        Some("text") => Some("text/plain"),
        Some(other) => {
            return Err(error(format!(
                "accept “{}” is not one of json, html, text",
                crate::text::shorten(other, 20)
            )));
        }
    };
    let canonical: Vec<String> = parsed
        .iter()
        .map(|(code, weight)| {
            if parsed.len() == 1 && *weight == 1 {
                code.to_string()
            } else {
                format!("{code}:{weight}")
            }
        })
        .collect();
    let Some(live_base) = settings.live_base_url.as_deref() else {
        return Err(error(
            "this instance serves no live endpoints (statusatlas serve --no-live)".to_string(),
        ));
    };
    let mut url = format!(
        "{live_base}{}",
        crate::web::routes::LiveStatus {
            codes: canonical.join(","),
        }
    );
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    let choices: Vec<LiveChoice> = parsed
        .iter()
        .map(|&(code, weight)| LiveChoice {
            code,
            weight,
            phrase: catalog()
                .get(Protocol::Http, &code.to_string())
                .map(|e| e.phrase.clone()),
        })
        .collect();
    for c in &choices {
        match c.code {
            101 => notes.push(
                "101 upgrades a WebSocket client to an echo session; a plain request such as curl's gets 426 Upgrade Required".into(),
            ),
            100..=199 => notes.push(format!(
                "{} cannot be a final answer, so the endpoint explains it with a 200",
                c.code
            )),
            _ => {}
        }
    }
    let mut curl = String::from("curl -i");
    match method.as_str() {
        "GET" => {}
        "HEAD" => curl = String::from("curl -I"),
        other => {
            let _ = write!(curl, " -X {other}");
        }
    }
    if let Some(accept) = accept {
        let _ = write!(curl, " -H {}", shell_quote(&format!("Accept: {accept}")));
    }
    let _ = write!(curl, " {}", shell_quote(&url));
    let mut text = format!("Live endpoint: <{url}>\n\n```sh\n{curl}\n```\n");
    for c in &choices {
        let _ = write!(
            text,
            "\n- {} {} (weight {})",
            c.code,
            crate::markdown::escape(c.phrase.as_deref().unwrap_or("(no registered meaning)")),
            c.weight
        );
    }
    text.push('\n');
    for note in &notes {
        let _ = write!(text, "\nNote: {}.", crate::markdown::escape(note));
    }
    let output = LiveUrlOutput {
        url,
        curl,
        method,
        choices,
        notes,
    };
    tools::success(&output, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LiveSettings {
        LiveSettings {
            base_url: "https://statusatlas.example".into(),
            live_base_url: Some("https://statusatlas.example".into()),
            config: live::LiveConfig::default(),
        }
    }

    fn args(value: serde_json::Value) -> LiveUrlArgs {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }

    #[test]
    fn options_become_query_parameters_the_endpoint_accepts() {
        let result = call(
            args(serde_json::json!({"code": 429, "delay": "1.5s", "headers": ["X-Test: yes"], "method": "post", "accept": "json"})),
            &settings(),
        )
        .unwrap();
        let value = result.structured_content.unwrap();
        assert_eq!(
            value["url"],
            "https://statusatlas.example/status/429?delay=1.5s&header=X-Test%3A+yes"
        );
        assert_eq!(
            value["curl"],
            "curl -i -X POST -H 'Accept: application/json' 'https://statusatlas.example/status/429?delay=1.5s&header=X-Test%3A+yes'"
        );
        assert_eq!(value["choices"][0]["phrase"], "Too Many Requests");
    }

    #[test]
    fn bad_options_are_refused_with_the_endpoint_s_message() {
        let e = call(
            args(serde_json::json!({"code": "418", "headers": ["Set-Cookie: a=b"]})),
            &settings(),
        )
        .unwrap_err();
        assert!(e.message.contains("cannot be set"), "{}", e.message);
        let e = call(args(serde_json::json!({"code": "700"})), &settings()).unwrap_err();
        assert!(e.message.contains("100 to 599"), "{}", e.message);
        let e = call(
            args(serde_json::json!({"code": "200", "method": "GET /x"})),
            &settings(),
        )
        .unwrap_err();
        assert!(e.message.contains("not an HTTP method"), "{}", e.message);
    }

    #[test]
    fn long_delays_are_noted_as_capped() {
        let result = call(
            args(serde_json::json!({"code": "200:3,500:1", "delay": "60s"})),
            &settings(),
        )
        .unwrap();
        let value = result.structured_content.unwrap();
        assert_eq!(value["choices"].as_array().unwrap().len(), 2);
        assert!(value["notes"][0].as_str().unwrap().contains("caps delays"));
    }
}
