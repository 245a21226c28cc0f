//! The Model Context Protocol server, so AI assistants answer status-code
//! questions from the same checked catalog as the site, the API and the
//! command line. Built on the official Rust SDK (`rmcp`).
//!
//! This module is a transport floor: it turns MCP requests into calls of the
//! domain modules (catalog lookup, search, compare, explain) and renders answers with
//! the presentation floor (`crate::markdown` over the card view models).
//! Two transports serve the same [`StatusAtlasMcp`]: stdio
//! ([`run_stdio`], `statusatlas mcp`) and Streamable HTTP ([`http::routes`],
//! `/mcp` on `statusatlas serve`).
//!
//! MCP specification: <https://modelcontextprotocol.io/specification>; tools
//! (structured content and output schemas), resources (templates) and
//! prompts are the server features used here.

pub mod complete;
mod explain_tool;
pub mod http;
pub mod live_url;
pub mod prompts;
pub mod resources;
mod schema;
pub mod tools;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CompleteRequestParams, CompleteResult, ErrorData,
    GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, ResourceContents,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, ServiceExt};
pub use tools::{LiveSettings, ToolError};

/// What the server tells a client about itself at initialisation.
pub const INSTRUCTIONS: &str = "statusatlas answers questions about protocol status codes (HTTP with vendor codes, SMTP basic and enhanced codes, gRPC, WebSocket close codes, FTP, SIP, DNS RCODEs and Extended DNS Errors) from a catalog checked against the IANA and protocol registries. Use lookup for one code, compare for two codes people confuse, search when you only have words, list for a protocol's codes, and explain for a pasted transcript, log or bounce. Cards are also resources at statusatlas://{protocol}/{code}.";

/// Why `live_url` is not offered over stdio.
const LIVE_URL_OFFLINE: &str = "live_url needs a serving instance: it is offered on the HTTP transport (/mcp on statusatlas serve), not over stdio";

/// The MCP server: stateless, it reads only the embedded catalog. The
/// Streamable HTTP transport creates one per request.
#[derive(Clone, Debug, Default)]
pub struct StatusAtlasMcp {
    /// Set on the HTTP transport: the public origin, for links in cards and
    /// for `live_url`.
    live: Option<LiveSettings>,
}

impl StatusAtlasMcp {
    /// The server for stdio: no serving instance, so no `live_url` and no
    /// links to a site.
    pub fn offline() -> StatusAtlasMcp {
        StatusAtlasMcp { live: None }
    }

    /// The server of an instance reachable at `settings.base_url`.
    pub fn served(settings: LiveSettings) -> StatusAtlasMcp {
        StatusAtlasMcp {
            live: Some(settings),
        }
    }

    fn base(&self) -> Option<&str> {
        self.live.as_ref().map(|l| l.base_url.as_str())
    }

    /// The tools this server lists.
    pub fn tools(&self) -> Vec<Tool> {
        tools::list(self.live.is_some())
    }

    /// Runs one tool call; every failure a caller can fix is a tool error.
    /// A name that is not one of [`Self::tools`] is a protocol error
    /// (invalid params), as the MCP specification says of unknown tools.
    pub fn call(
        &self,
        name: &str,
        arguments: Option<rmcp::model::JsonObject>,
    ) -> Result<rmcp::model::CallToolResult, ErrorData> {
        if !self.tools().iter().any(|t| t.name == name) {
            let known: Vec<String> = self.tools().iter().map(|t| t.name.to_string()).collect();
            let message = if name == "live_url" {
                LIVE_URL_OFFLINE.to_string()
            } else {
                format!(
                    "unknown tool “{}”; the tools are {}",
                    crate::text::shorten(name, 40),
                    known.join(", ")
                )
            };
            return Err(ErrorData::invalid_params(message, None));
        }
        let outcome = match name {
            "lookup" => tools::parse_args(
                name,
                arguments,
                "code (required) and protocol",
            )
            .and_then(|a| tools::lookup(a, self.base())),
            "compare" => tools::parse_args(
                name,
                arguments,
                "a and b (required), protocol and protocol_b",
            )
            .and_then(|a| tools::compare(a, self.base())),
            "search" => tools::parse_args(name, arguments, "query (required), protocol and limit")
                .and_then(tools::search),
            "list" => tools::parse_args(name, arguments, "protocol (required) and class")
                .and_then(tools::list_codes),
            "explain" => {
                tools::parse_args(name, arguments, "text (required)").and_then(explain_tool::explain)
            }
            "live_url" => match &self.live {
                Some(settings) => tools::parse_args(
                    name,
                    arguments,
                    "code (required), method, delay, body, headers, suppress_body, fault and accept",
                )
                .and_then(|a| live_url::call(a, settings)),
                None => Err(ToolError {
                    message: LIVE_URL_OFFLINE.into(),
                    suggestions: Vec::new(),
                }),
            },
            // Only listed tools get here (see above).
            other => Err(ToolError {
                message: format!("there is no tool “{}”", crate::text::shorten(other, 40)),
                suggestions: Vec::new(),
            }),
        };
        Ok(outcome.unwrap_or_else(ToolError::into_result))
    }
}

impl ServerHandler for StatusAtlasMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .enable_completions()
                .build(),
        )
        .with_server_info(
            Implementation::new("statusatlas", env!("CARGO_PKG_VERSION"))
                .with_title("statusatlas")
                .with_description(
                    "Protocol status codes explained and compared: HTTP, SMTP, gRPC, WebSocket, FTP, SIP, DNS",
                ),
        )
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.call(&request.name, request.arguments).map(Into::into)
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let cursor = request.and_then(|r| r.cursor);
        let (items, next) =
            resources::page(cursor.as_deref()).map_err(|m| ErrorData::invalid_params(m, None))?;
        let mut result = ListResourcesResult::with_all_items(items);
        result.next_cursor = next;
        Ok(result)
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(
            resources::templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        match resources::read(&request.uri, self.base()) {
            Ok(text) => Ok(ReadResourceResult::new(vec![
                ResourceContents::text(text, request.uri).with_mime_type(resources::MARKDOWN),
            ])
            .into()),
            Err(e) => Err(ErrorData::resource_not_found(
                e.message,
                Some(serde_json::json!({ "uri": request.uri, "suggestions": e.suggestions })),
            )),
        }
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let context = request.context.as_ref().and_then(|c| c.arguments.as_ref());
        Ok(CompleteResult::new(complete::complete(
            &request.r#ref,
            &request.argument.name,
            &request.argument.value,
            context,
        )))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(prompts::list()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        prompts::get(&request.name, request.arguments.as_ref())
            .map(Into::into)
            .map_err(|m| ErrorData::invalid_params(m, None))
    }
}

/// Serves MCP on standard input and output until the client closes them.
///
/// One thread and no network: start-up is loading the embedded catalog.
/// Errors are start-up or transport failures, as a message for stderr.
pub fn run_stdio() -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    // Load the catalog before the first request, so a broken build fails here.
    let _ = crate::catalog::catalog();
    runtime.block_on(async {
        let service = StatusAtlasMcp::offline()
            .serve(rmcp::transport::stdio_pipes())
            .await
            .map_err(|e| format!("MCP initialisation failed: {e}"))?;
        service
            .waiting()
            .await
            .map(|_| ())
            .map_err(|e| format!("the MCP server stopped: {e}"))
    })
}
