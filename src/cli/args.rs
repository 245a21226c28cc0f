//! The command line's grammar: the clap definition and the value parsers
//! that turn option text into typed values (durations, protocols, origins),
//! so that a bad value is a usage error before any command runs.

use crate::catalog::Protocol;
use clap::{Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "statusatlas",
    version,
    about = "Look up, compare and search protocol status codes (HTTP, SMTP, gRPC, WebSocket, FTP, SIP, DNS), offline.",
    long_about = None,
    after_help = "Examples:\n  statusatlas 407                 one code (a bare number means HTTP)\n  statusatlas 101 407             two codes side by side\n  statusatlas search too many     ranked search\n  statusatlas list --class 4xx    every code of a class\n  statusatlas serve               the website on 127.0.0.1:8080"
)]
pub struct Cli {
    /// Print one JSON document instead of text, errors included (stable shapes, see README).
    #[arg(long, global = true)]
    pub json: bool,

    /// When to use colour (never when NO_COLOR is set).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// [PROTOCOL] CODE [CODE]: one code shows its card, two are compared.
    #[arg(value_name = "CODE", value_parser = clap::value_parser!(OsString))]
    pub codes: Vec<OsString>,

    #[command(subcommand)]
    pub command: Option<Sub>,
}

/// `--color`: whether text output is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when stdout is a terminal.
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Sub {
    /// Show one code's card: statusatlas lookup [PROTOCOL] CODE
    Lookup {
        #[arg(value_name = "CODE", required = true, num_args = 1..=2, value_parser = clap::value_parser!(OsString))]
        words: Vec<OsString>,
    },
    /// Compare two codes: statusatlas compare [PROTOCOL] A B
    Compare {
        #[arg(value_name = "CODE", required = true, num_args = 2..=4, value_parser = clap::value_parser!(OsString))]
        words: Vec<OsString>,
    },
    /// Ranked search by code, prefix, class, phrase, older name, alias or words, with typo correction.
    Search {
        #[arg(value_name = "WORDS", required = true, value_parser = clap::value_parser!(OsString))]
        words: Vec<OsString>,
        /// How many results at most (1 to 100).
        #[arg(long, short = 'n', default_value_t = crate::search::DEFAULT_LIMIT as u16,
              value_parser = clap::value_parser!(u16).range(1..=crate::search::MAX_LIMIT as i64))]
        limit: u16,
    },
    /// Explain every status code in a transcript, log, bounce or HAR file.
    Explain {
        /// The file to read; `-` or nothing reads standard input.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// List codes, optionally of one protocol and class.
    List {
        /// http, smtp, grpc, websocket (ws), ftp, sip or dns.
        #[arg(long, short = 'p', value_parser = parse_protocol)]
        protocol: Option<Protocol>,
        /// A class such as 4xx (HTTP, SIP) or 5yz (SMTP, FTP).
        #[arg(long, short = 'c')]
        class: Option<String>,
    },
    /// Serve the website, the JSON API and the embeds.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Public origin for canonical links, embeds and the sitemap
        /// (default: http:// and the address listened on).
        #[arg(long, value_parser = parse_origin)]
        base_url: Option<String>,
        /// Longest delay /status/... and live gRPC calls accept (longer ones are capped): 500, 500ms or 10s.
        #[arg(long, default_value = "10s", value_parser = parse_duration)]
        live_max_delay: Duration,
        /// How many delayed /status/... requests may run at once; also how many
        /// live gRPC calls may be in flight.
        #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
        live_max_delayed: u32,
        /// /status/... requests (and live gRPC calls, DNS and SIP requests, SMTP and FTP connections) per
        /// second per client address (default: 50 on a public address, none
        /// on loopback; 0 turns the limit off).
        #[arg(long)]
        live_rate: Option<u32>,
        /// Serve the live endpoints (/status/...) on a listener of their own,
        /// a separate origin, instead of the site's.
        #[arg(long, conflicts_with = "no_live")]
        live_addr: Option<String>,
        /// Public origin of --live-addr (default: http:// and its address).
        #[arg(long, requires = "live_addr", value_parser = parse_origin)]
        live_base_url: Option<String>,
        /// Serve no live endpoints.
        #[arg(long)]
        no_live: bool,
        /// Most connections open at once per listener; more wait for a free slot.
        #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: u32,
        /// Do not serve the MCP endpoint (/mcp).
        #[arg(long)]
        no_mcp: bool,
        /// Serve the live gRPC service (statusatlas.live.v1.Live, with
        /// reflection) on this address, such as 127.0.0.1:50051; off unless given.
        #[arg(long, value_name = "ADDR")]
        grpc_addr: Option<String>,
        /// Serve the live DNS zone status.test. on this address, UDP and TCP
        /// (e.g. 127.0.0.1:5353); off unless given.
        #[arg(long, value_name = "ADDR")]
        dns_addr: Option<String>,
        /// Serve the live SMTP server on this address (e.g. 127.0.0.1:2525);
        /// off unless given.
        #[arg(long, value_name = "ADDR")]
        smtp_addr: Option<String>,
        /// Serve the live FTP control connection on this address (e.g.
        /// 127.0.0.1:2121); off unless given.
        #[arg(long, value_name = "ADDR")]
        ftp_addr: Option<String>,
        /// Serve the live SIP user agent server on this UDP address (e.g.
        /// 127.0.0.1:5060); off unless given.
        #[arg(long, value_name = "ADDR")]
        sip_addr: Option<String>,
    },
    /// Serve the MCP server (Model Context Protocol) on stdin and stdout, for AI assistants.
    Mcp,
    /// Write the whole site as static files for any web server or CDN.
    Export {
        /// The folder to write (must be empty unless --force).
        dir: PathBuf,
        /// Public origin the site will be served from.
        #[arg(long, default_value = "http://127.0.0.1:8080", value_parser = parse_origin)]
        base_url: String,
        /// Write into a folder that is not empty.
        #[arg(long)]
        force: bool,
        /// Also write .gz and .br files beside each file (nginx gzip_static, brotli_static).
        #[arg(long)]
        precompress: bool,
    },
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Write the man page and completions into a folder (for packagers).
    #[command(hide = true)]
    GenerateAssets { dir: PathBuf },
}

impl Sub {
    /// The name of a subcommand whose output is not a JSON document
    /// (a server, shell scripts, a man page), so `--json` cannot apply.
    pub fn text_only(&self) -> Option<&'static str> {
        match self {
            Sub::Serve { .. } => Some("serve"),
            Sub::Mcp => Some("mcp"),
            Sub::Completions { .. } => Some("completions"),
            Sub::Man => Some("man"),
            Sub::GenerateAssets { .. } => Some("generate-assets"),
            _ => None,
        }
    }
}

/// A protocol by its short name (`http`, `ws`, ...), case-insensitive.
pub fn parse_protocol(s: &str) -> Result<Protocol, String> {
    Protocol::from_slug(s).ok_or_else(|| {
        let known: Vec<&str> = Protocol::ALL.iter().map(|p| p.slug()).collect();
        format!("unknown protocol; known: {}", known.join(", "))
    })
}

/// A delay such as `500`, `500ms` or `10s` (milliseconds by default).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    crate::web::live::parse_delay(s)
}

/// An origin such as `https://example.org`: scheme and host (and port), no
/// path; a trailing slash is dropped.
pub fn parse_origin(url: &str) -> Result<String, String> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ', '"', '<', '>']) {
        return Err("must be an origin such as https://example.org, without a path".into());
    }
    Ok(trimmed.to_string())
}
