//! The command line: arguments are parsed by clap, turned into one `Command`,
//! then run against the embedded catalog. Output goes through one writer so a
//! closed pipe (`statusatlas list | head`) ends the program quietly.

mod explain;
mod mcp;
mod render;

use crate::catalog::{Entry, Protocol, catalog};
use crate::compare;
use crate::search::{self, MAX_QUERY_CHARS};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

pub use render::{card_text, comparison_text};

/// Exit codes: the contract scripts rely on.
pub const EXIT_FOUND: i32 = 0;
pub const EXIT_NOT_FOUND: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "statusatlas",
    version,
    about = "Look up, compare and search protocol status codes (HTTP, SMTP, gRPC, WebSocket, FTP, SIP, DNS), offline.",
    long_about = None,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  statusatlas 407                 one code (a bare number means HTTP)\n  statusatlas 101 407             two codes side by side\n  statusatlas search too many     ranked search\n  statusatlas list --class 4xx    every code of a class\n  statusatlas serve               the website on 127.0.0.1:8080"
)]
pub struct Cli {
    /// Print JSON instead of text (stable shapes, see README).
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

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorWhen {
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
    /// Ranked search by code, prefix, class, phrase, alias or fuzzy words.
    Search {
        #[arg(value_name = "WORDS", required = true, value_parser = clap::value_parser!(OsString))]
        words: Vec<OsString>,
        /// How many results at most.
        #[arg(long, short = 'n', default_value_t = search::DEFAULT_LIMIT)]
        limit: usize,
    },
    /// Explain every status code in a transcript, log, bounce or HAR file.
    Explain {
        /// The file to read; `-` or nothing reads standard input.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// List codes, optionally of one protocol and class.
    List {
        #[arg(long, short = 'p')]
        protocol: Option<String>,
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
        #[arg(long)]
        base_url: Option<String>,
        /// Longest delay /status/... accepts (longer ones are capped), e.g. 10s.
        #[arg(long, default_value = "10s")]
        live_max_delay: String,
        /// How many delayed /status/... requests may run at once.
        #[arg(long, default_value_t = 64)]
        live_max_delayed: usize,
        /// /status/... requests per second per client address.
        #[arg(long, default_value_t = 50)]
        live_rate: u32,
        /// Do not serve the MCP endpoint (/mcp).
        #[arg(long)]
        no_mcp: bool,
    },
    /// Serve the MCP server (Model Context Protocol) on stdin and stdout, for AI assistants.
    Mcp,
    /// Write the whole site as static files for any web server or CDN.
    Export {
        /// The folder to write (must be empty unless --force).
        dir: PathBuf,
        /// Public origin the site will be served from.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
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

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub kind: &'static str,
    pub message: String,
    pub suggestions: Vec<String>,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            kind: "usage",
            message: message.into(),
            suggestions: Vec::new(),
        }
    }
}

/// Runs the program with the process's arguments and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_FOUND
            };
            // Help and version go to stdout; a closed pipe is not an error.
            let _ = e.print();
            return code;
        }
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match cli.color {
        _ if no_color => anstream::ColorChoice::Never.write_global(),
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
        ColorWhen::Auto => {}
    }
    let json = cli.json;
    let mut out = anstream::stdout();
    let result = run(cli, &mut out).and_then(|r| out.flush().map(|_| r));
    match result {
        Ok(Ok(())) => EXIT_FOUND,
        Ok(Err(failure)) => report(&failure, json, &mut out),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_FOUND,
        Err(e) => {
            eprintln!("statusatlas: {e}");
            EXIT_USAGE
        }
    }
}

fn report(failure: &Failure, json: bool, out: &mut impl Write) -> i32 {
    let mut line = format!("statusatlas: {}", failure.message);
    if !failure.suggestions.is_empty() {
        line.push_str(&format!(
            " (did you mean: {}?)",
            failure.suggestions.join(", ")
        ));
    }
    eprintln!("{line}");
    if json {
        let body = serde_json::json!({
            "error": { "code": failure.kind, "message": failure.message, "suggestions": failure.suggestions }
        });
        let _ = writeln!(out, "{body}");
    }
    failure.code
}

type Outcome = io::Result<Result<(), Failure>>;

fn run(cli: Cli, out: &mut impl Write) -> Outcome {
    let json = cli.json;
    match cli.command {
        None if cli.codes.is_empty() => {
            let mut help = Cli::command();
            write!(out, "{}", help.render_help())?;
            Ok(Ok(()))
        }
        None => words_command(&cli.codes, json, out),
        Some(Sub::Lookup { words }) => words_command(&words, json, out),
        Some(Sub::Compare { words }) => {
            let words = match utf8_words(&words) {
                Ok(w) => w,
                Err(f) => return Ok(Err(f)),
            };
            // compare grpc 14 http 503: codes of two protocols.
            if let [pa, a, pb, b] = words.as_slice()
                && let (Some(pa), Some(pb)) = (Protocol::from_slug(pa), Protocol::from_slug(pb))
            {
                return compare_entries(Some(pa), a, Some(pb), b, json, out);
            }
            match split_protocol_word(&words) {
                Ok((p, rest)) if rest.len() == 2 => {
                    compare_command(p, &rest[0], &rest[1], json, out)
                }
                Ok(_) => Ok(Err(Failure::usage(
                    "compare takes two codes, optionally after a protocol (compare http 101 407), or two protocol-code pairs (compare grpc 14 http 503)",
                ))),
                Err(f) => Ok(Err(f)),
            }
        }
        Some(Sub::Search { words, limit }) => {
            let words = match utf8_words(&words) {
                Ok(w) => w,
                Err(f) => return Ok(Err(f)),
            };
            search_command(&words.join(" "), limit, json, out)
        }
        Some(Sub::Explain { file }) => explain::run(file.as_deref(), json, out),
        Some(Sub::List { protocol, class }) => {
            list_command(protocol.as_deref(), class.as_deref(), json, out)
        }
        Some(Sub::Export {
            dir,
            base_url,
            force,
            precompress,
        }) => {
            let base_url = match validate_base_url(&base_url) {
                Ok(b) => b,
                Err(f) => return Ok(Err(f)),
            };
            let options = crate::export::Options {
                dir,
                base_url,
                force,
                precompress,
                progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            };
            match crate::export::run(&options) {
                Ok(s) => {
                    eprintln!(
                        "exported {} files, {:.1} MB, in {:.1} s ({:.0} files/s) to {}",
                        s.files,
                        s.bytes as f64 / 1e6,
                        s.seconds,
                        s.files as f64 / s.seconds.max(1e-9),
                        options.dir.display()
                    );
                    Ok(Ok(()))
                }
                Err(e) => Ok(Err(Failure {
                    code: EXIT_NOT_FOUND,
                    kind: "export",
                    message: e,
                    suggestions: vec![],
                })),
            }
        }
        Some(Sub::Serve {
            addr,
            base_url,
            live_max_delay,
            live_max_delayed,
            live_rate,
            no_mcp,
        }) => {
            let max_delay = match crate::web::live::parse_delay(&live_max_delay) {
                Ok(d) => d,
                Err(e) => return Ok(Err(Failure::usage(format!("--live-max-delay: {e}")))),
            };
            let base_url = match base_url.as_deref().map(validate_base_url).transpose() {
                Ok(b) => b,
                Err(f) => return Ok(Err(f)),
            };
            let live = crate::web::live::LiveConfig {
                max_delay,
                max_delayed: live_max_delayed.max(1),
                rate_per_second: live_rate.max(1),
                ..Default::default()
            };
            serve_command(&addr, base_url.as_deref(), live, !no_mcp)
        }
        Some(Sub::Mcp) => Ok(mcp::run()),
        Some(Sub::Completions { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "statusatlas", out);
            Ok(Ok(()))
        }
        Some(Sub::Man) => {
            clap_mangen::Man::new(Cli::command()).render(out)?;
            Ok(Ok(()))
        }
        Some(Sub::GenerateAssets { dir }) => {
            std::fs::create_dir_all(&dir)?;
            let mut page = std::fs::File::create(dir.join("statusatlas.1"))?;
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            for shell in [
                clap_complete::Shell::Bash,
                clap_complete::Shell::Zsh,
                clap_complete::Shell::Fish,
            ] {
                clap_complete::generate_to(shell, &mut Cli::command(), "statusatlas", &dir)?;
            }
            Ok(Ok(()))
        }
    }
}

fn serve_command(
    addr: &str,
    base_url: Option<&str>,
    live: crate::web::live::LiveConfig,
    mcp: bool,
) -> Outcome {
    match crate::web::serve_blocking(addr, base_url, live, mcp) {
        Ok(()) => Ok(Ok(())),
        Err(e) => Ok(Err(Failure {
            code: EXIT_USAGE,
            kind: "serve",
            message: e,
            suggestions: vec![],
        })),
    }
}

fn utf8_words(words: &[OsString]) -> Result<Vec<String>, Failure> {
    words
        .iter()
        .map(|w| {
            w.to_str()
                .map(str::to_string)
                .ok_or_else(|| Failure::usage("an argument is not valid UTF-8"))
        })
        .collect()
}

/// Splits an optional leading protocol name off the words.
fn split_protocol_word(words: &[String]) -> Result<(Option<Protocol>, Vec<String>), Failure> {
    match words.split_first() {
        Some((first, rest)) if !rest.is_empty() => match Protocol::from_slug(first) {
            Some(p) => Ok((Some(p), rest.to_vec())),
            None => Ok((None, words.to_vec())),
        },
        _ => Ok((None, words.to_vec())),
    }
}

fn words_command(words: &[OsString], json: bool, out: &mut impl Write) -> Outcome {
    let words = match utf8_words(words) {
        Ok(w) => w,
        Err(f) => return Ok(Err(f)),
    };
    let (protocol, rest) = match split_protocol_word(&words) {
        Ok(x) => x,
        Err(f) => return Ok(Err(f)),
    };
    match rest.as_slice() {
        [one] => lookup_command(protocol, one, json, out),
        [a, b] => compare_command(protocol, a, b, json, out),
        _ => Ok(Err(Failure::usage(
            "give one code to look it up or two to compare them (optionally after a protocol name)",
        ))),
    }
}

/// Shows `input` shortened and quoted for an error message.
fn shown(input: &str) -> String {
    format!("{:?}", crate::text::shorten(input, 40))
}

fn not_found(protocol: Option<Protocol>, input: &str) -> Failure {
    let where_ = match protocol {
        Some(p) => format!("{} ", p.name()),
        None => String::new(),
    };
    let suggestions = search::suggestions(search::index(), protocol, input)
        .into_iter()
        .map(|e| format!("{} {}", e.protocol.slug(), e.id))
        .collect();
    let message = if input.trim().is_empty() {
        "an empty code was given".to_string()
    } else if input.chars().count() > MAX_QUERY_CHARS {
        format!("no {where_}code matches {} (input too long)", shown(input))
    } else {
        format!("no {where_}code matches {}", shown(input))
    };
    Failure {
        code: EXIT_NOT_FOUND,
        kind: "not_found",
        message,
        suggestions,
    }
}

#[derive(Serialize)]
struct LookupJson<'a> {
    query: &'a str,
    entries: Vec<&'a Entry>,
    also: Vec<crate::catalog::EntryRef<'a>>,
}

fn lookup_command(
    protocol: Option<Protocol>,
    input: &str,
    json: bool,
    out: &mut impl Write,
) -> Outcome {
    let catalog = catalog();
    let found = catalog.lookup(protocol, input);
    if found.entries.is_empty() {
        return Ok(Err(not_found(protocol, input)));
    }
    if json {
        let body = LookupJson {
            query: input,
            entries: found.entries.clone(),
            also: found
                .also
                .iter()
                .map(|e| crate::catalog::EntryRef::from(*e))
                .collect(),
        };
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&body).map_err(io::Error::other)?
        )?;
        return Ok(Ok(()));
    }
    for (i, e) in found.entries.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        render::card(out, catalog, e)?;
    }
    if !found.also.is_empty() {
        let list: Vec<String> = found
            .also
            .iter()
            .map(|e| format!("{} {}", e.protocol.name(), e.title()))
            .collect();
        writeln!(out, "\nalso: {}", list.join("; "))?;
    }
    Ok(Ok(()))
}

fn compare_command(
    protocol: Option<Protocol>,
    a: &str,
    b: &str,
    json: bool,
    out: &mut impl Write,
) -> Outcome {
    compare_entries(protocol, a, None, b, json, out)
}

/// Compares `a` (in `pa`) with `b` (in `pb`, or else in a's protocol).
fn compare_entries(
    pa: Option<Protocol>,
    a: &str,
    pb: Option<Protocol>,
    b: &str,
    json: bool,
    out: &mut impl Write,
) -> Outcome {
    let catalog = catalog();
    let first = catalog.lookup(pa, a);
    let Some(&ea) = first.entries.first() else {
        return Ok(Err(not_found(pa, a)));
    };
    // The second code is read in the first one's protocol unless named otherwise.
    let pb = pb.or(Some(ea.protocol));
    let second = catalog.lookup(pb, b);
    let Some(&eb) = second.entries.first() else {
        return Ok(Err(not_found(pb, b)));
    };
    let (ea, eb) = compare::canonical_order(ea, eb);
    let comparison = match compare::compare(catalog, ea, eb) {
        Ok(c) => c,
        Err(e) => {
            return Ok(Err(Failure {
                code: EXIT_NOT_FOUND,
                kind: "not_comparable",
                message: e.to_string(),
                suggestions: vec![],
            }));
        }
    };
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&comparison).map_err(io::Error::other)?
        )?;
    } else {
        render::comparison(out, &comparison)?;
    }
    Ok(Ok(()))
}

fn search_command(query: &str, limit: usize, json: bool, out: &mut impl Write) -> Outcome {
    if query.trim().is_empty() {
        return Ok(Err(Failure::usage("search needs at least one word")));
    }
    let outcome = search::index().search(query, limit);
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&crate::search::SearchJson::from(&outcome))
                .map_err(io::Error::other)?
        )?;
    } else {
        render::search_results(out, &outcome)?;
    }
    if outcome.results.is_empty() {
        let suggestions = Vec::new();
        return Ok(Err(Failure {
            code: EXIT_NOT_FOUND,
            kind: "not_found",
            message: format!("nothing matches {}", shown(query)),
            suggestions,
        }));
    }
    Ok(Ok(()))
}

fn list_command(
    protocol: Option<&str>,
    class: Option<&str>,
    json: bool,
    out: &mut impl Write,
) -> Outcome {
    let catalog = catalog();
    let protocol = match protocol {
        Some(p) => match Protocol::from_slug(p) {
            Some(p) => Some(p),
            None => {
                let known: Vec<&str> = Protocol::ALL.iter().map(|p| p.slug()).collect();
                return Ok(Err(Failure::usage(format!(
                    "unknown protocol {}; known: {}",
                    shown(p),
                    known.join(", ")
                ))));
            }
        },
        None => None,
    };
    let class = class.map(|c| c.trim().to_ascii_lowercase());
    let entries: Vec<&Entry> = catalog
        .entries()
        .filter(|e| protocol.is_none_or(|p| p == e.protocol))
        .filter(|e| match &class {
            Some(c) => e.class.as_ref().is_some_and(|k| &k.key == c),
            None => true,
        })
        .collect();
    if entries.is_empty() {
        return Ok(Err(Failure {
            code: EXIT_NOT_FOUND,
            kind: "not_found",
            message: format!(
                "no codes in class {}",
                shown(class.as_deref().unwrap_or(""))
            ),
            suggestions: Vec::new(),
        }));
    }
    if json {
        let refs: Vec<_> = entries
            .iter()
            .map(|e| crate::catalog::EntryRef::from(*e))
            .collect();
        let body = serde_json::json!({
            "protocol": protocol.map(|p| p.slug()),
            "class": class,
            "count": refs.len(),
            "entries": refs,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&body).map_err(io::Error::other)?
        )?;
    } else {
        render::list(out, &entries)?;
    }
    Ok(Ok(()))
}

/// An origin such as https://example.org: scheme and host, no path.
fn validate_base_url(url: &str) -> Result<String, Failure> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| Failure::usage("--base-url must start with http:// or https://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ', '"', '<', '>']) {
        return Err(Failure::usage(
            "--base-url must be an origin such as https://example.org, without a path",
        ));
    }
    Ok(trimmed.to_string())
}
