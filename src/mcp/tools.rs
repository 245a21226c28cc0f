//! The tools: their input schemas (from the argument types), their output
//! schemas (from the utoipa schemas the JSON API documents), and the calls,
//! which only parse arguments and hand them to the domain modules (catalog
//! lookup, search, compare, explain) and to the Markdown renderer.
//!
//! Bad arguments never become protocol errors: every problem a caller can fix
//! is a tool result with `isError: true` and a message that says what to send
//! instead, with suggestions where the catalog has them.

use super::resources;
use crate::catalog::{Entry, EntryRef, Protocol, catalog};
use crate::compare::{self, Comparison};
use crate::search::{self, MAX_LIMIT, MAX_QUERY_CHARS, SearchJson};
use crate::web::live::{self, LiveConfig};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use rmcp::schemars::{self, JsonSchema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt::Write;
use std::sync::{Arc, OnceLock};
use utoipa::{OpenApi, ToSchema};

/// Longest code or name accepted; every real one is far shorter.
pub const MAX_CODE_CHARS: usize = 64;

/// What a tool call fails with: a message and what to try instead.
#[derive(Debug)]
pub struct ToolError {
    pub message: String,
    pub suggestions: Vec<String>,
}

impl ToolError {
    pub(super) fn new(message: impl Into<String>) -> ToolError {
        ToolError {
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    pub(super) fn with(mut self, suggestions: Vec<String>) -> ToolError {
        self.suggestions = suggestions;
        self
    }

    /// The tool result: `isError: true`, the message and the suggestions as text.
    pub fn into_result(self) -> CallToolResult {
        let mut text = self.message;
        if !self.suggestions.is_empty() {
            let _ = write!(text, "\nDid you mean: {}?", self.suggestions.join("; "));
        }
        CallToolResult::error(vec![ContentBlock::text(text)])
    }
}

/// User input quoted and cut short for a message.
fn shown(input: &str) -> String {
    format!("“{}”", crate::text::shorten(input, 40))
}

fn protocol_names() -> String {
    Protocol::ALL
        .iter()
        .map(|p| p.slug())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a protocol name (`http`, `SMTP`, `gRPC`...).
pub fn parse_protocol(input: &str) -> Result<Protocol, ToolError> {
    let wanted = input.trim().to_ascii_lowercase();
    if let Some(p) = Protocol::from_slug(&wanted) {
        return Ok(p);
    }
    let distance = |p: &Protocol| strsim::damerau_levenshtein(p.slug(), &wanted);
    let nearest = Protocol::ALL
        .iter()
        .map(distance)
        .min()
        .unwrap_or(usize::MAX);
    let near: Vec<String> = Protocol::ALL
        .iter()
        .filter(|p| nearest <= 2 && distance(p) == nearest)
        .map(|p| p.slug().to_string())
        .collect();
    Err(ToolError::new(format!(
        "unknown protocol {}; known protocols: {}",
        shown(input),
        protocol_names()
    ))
    .with(near))
}

fn optional_protocol(input: Option<&str>) -> Result<Option<Protocol>, ToolError> {
    match input.map(str::trim) {
        None | Some("") => Ok(None),
        Some(p) => parse_protocol(p).map(Some),
    }
}

/// `grpc 14` or `http:503` in one argument: a protocol word before the code.
fn split_protocol_word(input: &str) -> (Option<Protocol>, &str) {
    let trimmed = input.trim();
    if let Some((first, rest)) = trimmed.split_once([' ', ':', '/'])
        && let Some(p) = Protocol::from_slug(&first.to_ascii_lowercase())
        && !rest.trim().is_empty()
    {
        return (Some(p), rest.trim());
    }
    (None, trimmed)
}

/// The protocol of an argument: the explicit one, or a protocol word inside it.
fn code_and_protocol(
    code: &str,
    explicit: Option<Protocol>,
) -> Result<(Option<Protocol>, &str), ToolError> {
    let (inner, rest) = split_protocol_word(code);
    match (explicit, inner) {
        (Some(p), Some(q)) if p != q => Err(ToolError::new(format!(
            "the code {} names {} but protocol is {}",
            shown(code),
            q.slug(),
            p.slug()
        ))),
        (Some(p), _) => Ok((Some(p), rest)),
        (None, q) => Ok((q, rest)),
    }
}

/// The entries a code or name stands for, or an error with the nearest codes.
fn resolve(protocol: Option<Protocol>, input: &str) -> Result<Vec<&'static Entry>, ToolError> {
    if input.trim().is_empty() {
        return Err(ToolError::new(
            "the code is empty: give a code such as 404 or a name such as not-found",
        ));
    }
    if input.chars().count() > MAX_CODE_CHARS {
        return Err(ToolError::new(format!(
            "the code {} is longer than {MAX_CODE_CHARS} characters; codes and names are short (404, 5.7.1, not-found)",
            shown(input)
        )));
    }
    let found = catalog().lookup(protocol, input);
    if found.entries.is_empty() {
        return Err(not_found(protocol, input));
    }
    Ok(found.entries)
}

fn not_found(protocol: Option<Protocol>, input: &str) -> ToolError {
    let message = match protocol {
        Some(p) => format!(
            "there is no {} {} {}",
            p.name(),
            p.code_noun(),
            shown(input)
        ),
        None => format!("no protocol has a code {}", shown(input)),
    };
    let suggestions: Vec<String> = search::suggestions(search::index(), protocol, input)
        .into_iter()
        .map(|e| format!("{} ({} {})", e.label(), e.protocol.slug(), e.id))
        .collect();
    let message = if suggestions.is_empty() {
        let list = match protocol {
            Some(p) => format!(
                "list with protocol {} shows every {} code",
                p.slug(),
                p.name()
            ),
            None => "search finds codes by words, and list shows a protocol's codes".to_string(),
        };
        format!("{message}; {list}")
    } else {
        message
    };
    ToolError::new(message).with(suggestions)
}

/// Accepts `"407"` and `407` alike: clients send codes as numbers too.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Text(s) => s,
        Raw::Number(n) => n.to_string(),
    })
}

fn protocol_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = Protocol::ALL.iter().map(|p| p.slug()).collect();
    schemars::json_schema!({
        "type": "string",
        "enum": names,
        "description": "The protocol: http, smtp, grpc, websocket, ftp, sip or dns."
    })
}

fn code_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": ["string", "integer"],
        "maxLength": MAX_CODE_CHARS,
        "description": "A code (407, 5.7.1, 14) or a name (not-found, nxdomain, UNAVAILABLE); a protocol word may come first (grpc 14)."
    })
}

/// Arguments of `lookup`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct LookupArgs {
    #[serde(deserialize_with = "string_or_number")]
    #[schemars(schema_with = "code_schema")]
    pub code: String,
    /// Without it, HTTP is tried first, then the other protocols in order.
    #[schemars(schema_with = "protocol_schema")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

/// Arguments of `compare`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct CompareArgs {
    #[serde(deserialize_with = "string_or_number")]
    #[schemars(schema_with = "code_schema")]
    pub a: String,
    #[serde(deserialize_with = "string_or_number")]
    #[schemars(schema_with = "code_schema")]
    pub b: String,
    /// The protocol of both codes (of `a` when `protocol_b` is given).
    #[schemars(schema_with = "protocol_schema")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The protocol of `b`, for codes that map across protocols (grpc 14 and http 503).
    #[schemars(schema_with = "protocol_schema")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_b: Option<String>,
}

/// Arguments of `search`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Words, a code, a code prefix (40) or a class (4xx): "too many requests", "proxy auth".
    #[schemars(length(min = 1, max = 200))]
    pub query: String,
    #[schemars(schema_with = "protocol_schema")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// How many results at most (1 to 100, 10 by default).
    #[schemars(range(min = 1, max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Arguments of `list`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    #[schemars(schema_with = "protocol_schema")]
    pub protocol: String,
    /// A class such as 4xx (HTTP, SIP) or 5yz (SMTP, FTP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// The shape of `lookup`'s answer: that of `statusatlas --json lookup`, and
/// the resource URI of each entry.
#[derive(Serialize, ToSchema)]
pub struct LookupOutput<'a> {
    /// The code or name as given.
    pub query: String,
    /// One entry, or several when vendors share a code (HTTP 420).
    pub entries: Vec<&'a Entry>,
    /// The same number in other protocols (HTTP 404 and SIP 404).
    pub also: Vec<EntryRef<'a>>,
    /// The `statusatlas://` resource of each entry, in the same order.
    pub resources: Vec<String>,
}

/// The shape of `list`'s answer (the same as `statusatlas --json list`).
#[derive(Serialize, ToSchema)]
pub struct ListOutput<'a> {
    pub protocol: Protocol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    pub count: usize,
    pub entries: Vec<EntryRef<'a>>,
}

/// The shapes of every tool's answer, documented once with utoipa.
#[derive(OpenApi)]
#[openapi(components(schemas(
    LookupOutput,
    ListOutput,
    Comparison,
    SearchJson,
    crate::explain::Explanation,
    super::live_url::LiveUrlOutput
)))]
struct OutputDoc;

fn output_schema(name: &str) -> Arc<JsonObject> {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    let doc = DOC.get_or_init(OutputDoc::openapi);
    super::schema::standalone(doc, name).unwrap_or_else(|| {
        // The names below are the components above; a test lists every tool.
        let mut object = JsonObject::new();
        object.insert("type".into(), serde_json::json!("object"));
        Arc::new(object)
    })
}

/// Every tool only reads the embedded catalog: read-only, idempotent, closed world.
pub(super) fn read_only(title: &str) -> ToolAnnotations {
    ToolAnnotations::with_title(title)
        .read_only(true)
        .destructive(false)
        .idempotent(true)
        .open_world(false)
}

/// The tools this server offers; `live_url` only where the server has a
/// public base URL (the HTTP transport). Built once per process.
pub fn list(with_live_url: bool) -> Vec<Tool> {
    static OFFLINE: OnceLock<Vec<Tool>> = OnceLock::new();
    static SERVED: OnceLock<Vec<Tool>> = OnceLock::new();
    let cell = if with_live_url { &SERVED } else { &OFFLINE };
    cell.get_or_init(|| build(with_live_url)).clone()
}

fn build(with_live_url: bool) -> Vec<Tool> {
    let mut tools = vec![
        Tool::new(
            "lookup",
            "The full card of one status code: meaning, when you see it, how to fix it, the spec that defines it, headers, retry advice, library constants, and the same number in other protocols. Codes and names work (407, not-found, grpc 14, smtp 5.7.1, dns nxdomain).",
            JsonObject::new(),
        )
        .with_title("Look up a status code")
        .with_input_schema::<LookupArgs>()
        .with_raw_output_schema(output_schema("LookupOutput"))
        .with_annotations(read_only("Look up a status code")),
        Tool::new(
            "compare",
            "Two codes side by side: the facts that differ, when to use which, and the curated note for pairs people confuse (401 vs 403, 502 vs 504). Across protocols where they map (grpc 14 vs http 503).",
            JsonObject::new(),
        )
        .with_title("Compare two status codes")
        .with_input_schema::<CompareArgs>()
        .with_raw_output_schema(output_schema("Comparison"))
        .with_annotations(read_only("Compare two status codes")),
        Tool::new(
            "search",
            "Ranked search over every protocol's codes by code, prefix (40), class (4xx), phrase, alias or words, with typo correction; each result says why it matched.",
            JsonObject::new(),
        )
        .with_title("Search status codes")
        .with_input_schema::<SearchArgs>()
        .with_raw_output_schema(output_schema("SearchJson"))
        .with_annotations(read_only("Search status codes")),
        Tool::new(
            "list",
            "Every code of one protocol, optionally of one class (4xx, 5yz), with its phrase and a one-line summary.",
            JsonObject::new(),
        )
        .with_title("List status codes")
        .with_input_schema::<ListArgs>()
        .with_raw_output_schema(output_schema("ListOutput"))
        .with_annotations(read_only("List status codes")),
        Tool::new(
            "explain",
            "Every status code in a pasted transcript (curl -v output, a mail bounce, dig output, a gRPC error, a WebSocket close, a SIP trace, an FTP session, an access log or a HAR file), each with its line and meaning, and a diagnosis: the final outcome, transient or permanent, and which hop produced it.",
            JsonObject::new(),
        )
        .with_title("Explain a transcript")
        .with_input_schema::<super::explain_tool::ExplainArgs>()
        .with_raw_output_schema(output_schema("Explanation"))
        .with_annotations(read_only("Explain a transcript")),
    ];
    if with_live_url {
        tools.push(super::live_url::tool(output_schema("LiveUrlOutput")));
    }
    tools
}

/// Parses a tool's arguments, turning serde's errors into a message that
/// names the tool's fields.
pub fn parse_args<T: DeserializeOwned>(
    tool: &str,
    arguments: Option<JsonObject>,
    fields: &str,
) -> Result<T, ToolError> {
    let value = serde_json::Value::Object(arguments.unwrap_or_default());
    serde_json::from_value(value).map_err(|e| {
        ToolError::new(format!(
            "bad arguments for {tool}: {}; it takes {fields}",
            crate::text::shorten(&e.to_string(), 200)
        ))
    })
}

/// A successful result: the structured value and its Markdown rendering.
pub(super) fn success(value: &impl Serialize, text: String) -> Result<CallToolResult, ToolError> {
    let value = serde_json::to_value(value)
        .map_err(|e| ToolError::new(format!("could not serialise the answer: {e}")))?;
    let mut result = CallToolResult::structured(value);
    result.content = vec![ContentBlock::text(text)];
    Ok(result)
}

/// `lookup`: the card of one code (several when vendors share it).
pub fn lookup(args: LookupArgs, base: Option<&str>) -> Result<CallToolResult, ToolError> {
    let explicit = optional_protocol(args.protocol.as_deref())?;
    let (protocol, code) = code_and_protocol(&args.code, explicit)?;
    let entries = resolve(protocol, code)?;
    let also = catalog().same_number_elsewhere(entries[0]);
    let mut text = String::new();
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            text.push_str("\n---\n\n");
        }
        text.push_str(&resources::card_markdown(e, base));
    }
    if !also.is_empty() {
        let list: Vec<String> = also
            .iter()
            .map(|e| format!("{} {}", e.protocol.name(), e.title()))
            .collect();
        let _ = write!(
            text,
            "\nAlso: {}\n",
            crate::markdown::escape(&list.join("; "))
        );
    }
    let output = LookupOutput {
        query: args.code.clone(),
        resources: entries.iter().map(|e| resources::card_uri(e)).collect(),
        entries,
        also: also.into_iter().map(EntryRef::from).collect(),
    };
    success(&output, text)
}

/// `compare`: two codes side by side, in canonical order.
pub fn compare(args: CompareArgs, base: Option<&str>) -> Result<CallToolResult, ToolError> {
    let pa = optional_protocol(args.protocol.as_deref())?;
    let pb = optional_protocol(args.protocol_b.as_deref())?;
    let (pa, a) = code_and_protocol(&args.a, pa)?;
    let first = *resolve(pa, a)?.first().ok_or_else(|| not_found(pa, a))?;
    // The second code is read in the first one's protocol unless named otherwise.
    let (pb, b) = code_and_protocol(&args.b, pb)?;
    let pb = pb.or(Some(first.protocol));
    let second = *resolve(pb, b)?.first().ok_or_else(|| not_found(pb, b))?;
    let (x, y) = compare::canonical_order(first, second);
    let comparison = compare::compare(catalog(), x, y).map_err(|why| match why {
        compare::CompareError::SameCode => ToolError::new(format!(
            "{} compared with itself is the same code; give a second, different code",
            first.label()
        ))
        .with(related_pairs(first)),
        compare::CompareError::NoMapping => ToolError::new(format!(
            "{} and {} do not map onto each other, so they cannot be compared; only gRPC codes and the HTTP status they map to compare across protocols",
            first.label(),
            second.label()
        ))
        .with(mapped_pairs(first, second)),
    })?;
    let text = resources::comparison_markdown(&comparison, base);
    success(&comparison, text)
}

/// Codes the data relates to `e`, as comparisons worth asking for.
fn related_pairs(e: &Entry) -> Vec<String> {
    e.related
        .iter()
        .filter_map(|id| catalog().get(e.protocol, id))
        .take(3)
        .map(|r| compare::pair_label(e, r))
        .collect()
}

/// For a gRPC code and an HTTP status that do not map, the pairs that do.
fn mapped_pairs(a: &Entry, b: &Entry) -> Vec<String> {
    [a, b]
        .into_iter()
        .filter(|e| e.protocol == Protocol::Grpc)
        .filter_map(|g| Some(format!("{} vs HTTP {}", g.label(), g.http_mapping?)))
        .collect()
}

/// `search`: ranked results with why each one matched.
pub fn search(args: SearchArgs) -> Result<CallToolResult, ToolError> {
    let query = args.query.trim();
    if query.is_empty() {
        return Err(ToolError::new(
            "the query is empty: give words (too many requests), a code (404), a prefix (40) or a class (4xx)",
        ));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ToolError::new(format!(
            "the query is {} characters long; at most {MAX_QUERY_CHARS} are searched, so send the words that matter",
            query.chars().count()
        )));
    }
    let limit = match args.limit {
        None => search::DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT as u32).contains(&n) => n as usize,
        Some(n) => {
            return Err(ToolError::new(format!(
                "limit is {n}; it must be from 1 to {MAX_LIMIT}"
            )));
        }
    };
    let protocol = optional_protocol(args.protocol.as_deref())?;
    let full = match protocol {
        Some(p) => format!("{} {query}", p.slug()),
        None => query.to_string(),
    };
    let outcome = search::index().search(&full, limit);
    let json = SearchJson::from(&outcome);
    let mut text = String::new();
    if let Some(corrected) = &outcome.did_you_mean {
        let _ = writeln!(
            text,
            "Nothing matched as typed; showing results for “{}”.\n",
            crate::markdown::escape(corrected)
        );
    }
    if outcome.results.is_empty() {
        let _ = writeln!(
            text,
            "Nothing matches {}. Try fewer or other words, a code (404) or a class (4xx).",
            crate::markdown::escape(&shown(query))
        );
    } else {
        let _ = writeln!(
            text,
            "{} of {} results for {}:\n",
            outcome.results.len(),
            outcome.total,
            crate::markdown::escape(&shown(query))
        );
        for hit in &outcome.results {
            let e = hit.entry;
            let _ = writeln!(
                text,
                "- **{} {}** — {} (matched: {}; {})",
                e.protocol.name(),
                crate::markdown::escape(&e.title()),
                crate::markdown::escape(&e.summary),
                serde_json::to_value(hit.matched)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                resources::card_uri(e)
            );
        }
    }
    success(&json, text)
}

/// `list`: the codes of one protocol, optionally of one class.
pub fn list_codes(args: ListArgs) -> Result<CallToolResult, ToolError> {
    let protocol = parse_protocol(&args.protocol)?;
    let codes = catalog()
        .protocol(protocol)
        .ok_or_else(|| ToolError::new(format!("the catalog has no {} codes", protocol.name())))?;
    let class = args
        .class
        .as_deref()
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty());
    let entries: Vec<&Entry> = codes
        .entries
        .iter()
        .filter(|e| match &class {
            Some(c) => e.class.as_ref().is_some_and(|k| &k.key == c),
            None => true,
        })
        .collect();
    if entries.is_empty() {
        let mut known: Vec<String> = codes
            .entries
            .iter()
            .filter_map(|e| e.class.as_ref().map(|c| c.key.clone()))
            .collect();
        known.dedup();
        let message = if known.is_empty() {
            format!(
                "{} codes have no classes; list them without class",
                protocol.name()
            )
        } else {
            format!(
                "{} has no class {}; its classes are {}",
                protocol.name(),
                shown(class.as_deref().unwrap_or_default()),
                known.join(", ")
            )
        };
        return Err(ToolError::new(message).with(known));
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} {} codes{}:\n",
        entries.len(),
        protocol.name(),
        class
            .as_deref()
            .map(|c| format!(" in class {c}"))
            .unwrap_or_default()
    );
    for e in &entries {
        let _ = writeln!(
            text,
            "- **{}** — {}",
            crate::markdown::escape(&e.title()),
            crate::markdown::escape(&e.summary)
        );
    }
    let output = ListOutput {
        protocol,
        class,
        count: entries.len(),
        entries: entries.into_iter().map(EntryRef::from).collect(),
    };
    success(&output, text)
}

/// The serving instance, for `/mcp`: the site's public origin (the Origin
/// a browser client must send), the live endpoints' origin (`None` when the
/// instance serves none) and their limits.
#[derive(Clone, Debug)]
pub struct LiveSettings {
    pub base_url: String,
    pub live_base_url: Option<String>,
    pub config: LiveConfig,
}

pub(super) fn check_live_query(query: &str, config: &LiveConfig) -> Result<(), ToolError> {
    live::check_options(query, config).map_err(ToolError::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_schema_is_a_real_component() {
        let doc = OutputDoc::openapi();
        for name in [
            "LookupOutput",
            "ListOutput",
            "Comparison",
            "SearchJson",
            "Explanation",
            "LiveUrlOutput",
        ] {
            let schema = super::super::schema::standalone(&doc, name)
                .unwrap_or_else(|| panic!("{name} is not a component"));
            assert_eq!(schema.get("type"), Some(&serde_json::json!("object")));
        }
    }

    #[test]
    fn protocol_words_split_off_codes() {
        assert_eq!(split_protocol_word("grpc 14"), (Some(Protocol::Grpc), "14"));
        assert_eq!(
            split_protocol_word("http:503"),
            (Some(Protocol::Http), "503")
        );
        assert_eq!(split_protocol_word("not found"), (None, "not found"));
        assert_eq!(split_protocol_word(" 404 "), (None, "404"));
    }

    #[test]
    fn unknown_protocols_suggest_the_nearest() {
        let e = parse_protocol("htp").unwrap_err();
        assert!(e.message.contains("known protocols"), "{}", e.message);
        assert!(
            e.suggestions.contains(&"http".to_string()),
            "{:?}",
            e.suggestions
        );
        assert!(
            !e.suggestions.contains(&"smtp".to_string()),
            "{:?}",
            e.suggestions
        );
        assert!(
            parse_protocol("carrier pigeon")
                .unwrap_err()
                .suggestions
                .is_empty()
        );
    }
}
