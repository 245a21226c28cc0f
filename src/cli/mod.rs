//! The command line: [`args`] is the grammar (clap), this module runs the
//! parsed command against the embedded catalog, and [`error`] says how a
//! failure maps to an exit code and to JSON. Output goes through one writer
//! so a closed pipe (`statusatlas list | head`) ends the program quietly.
//!
//! The contract: under `--json` every invocation prints exactly one JSON
//! document on stdout, the result or `{"error": ...}` (usage errors from the
//! argument parser included); the exit code is 0 found, 1 not found, 2 usage.

pub mod args;
pub mod error;
mod explain;
mod mcp;
mod render;

use crate::catalog::{Entry, Protocol, catalog};
use crate::compare;
use crate::search::{self, MAX_QUERY_CHARS};
use args::{Cli, ColorWhen, Sub};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};
use serde::Serialize;
use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

pub use error::{CliError, EXIT_FOUND, EXIT_NOT_FOUND, EXIT_USAGE};
pub use render::{card_text, comparison_text};

/// Runs the program with the process's arguments.
pub fn main() -> ExitCode {
    run_args(std::env::args_os())
}

/// Runs the program with `args` (the first is the program name), writing to
/// the process's stdout and stderr, and returns the exit code.
pub fn run_args(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    // Known before parsing, so that a parse error can answer in JSON too.
    let json = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json");
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return parse_failure(e, json),
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match cli.color {
        _ if no_color || json => anstream::ColorChoice::Never.write_global(),
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
        ColorWhen::Auto => {}
    }
    // The output is gathered and written to stdout once: a card is dozens
    // of lines, and stdout would otherwise write (and strip colour from)
    // each line on its own. The colour choice is the real stdout's.
    let stdout = io::stdout();
    let mut out = anstream::AutoStream::new(Vec::new(), anstream::AutoStream::choice(&stdout));
    let result = run(cli, &mut out);
    let written = write_out(&stdout, &mut out);
    match result.and(written) {
        Ok(()) => ExitCode::from(EXIT_FOUND),
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_FOUND),
        Err(failure) => {
            let code = report(&failure, json, &mut out);
            let _ = write_out(&stdout, &mut out);
            code
        }
    }
}

/// Writes what `out` gathered to stdout in one piece, leaving `out` empty
/// with the same colour choice.
fn write_out(stdout: &io::Stdout, out: &mut anstream::AutoStream<Vec<u8>>) -> Result<(), CliError> {
    out.flush()?;
    let empty = anstream::AutoStream::new(Vec::new(), out.current_choice());
    let gathered = std::mem::replace(out, empty).into_inner();
    let mut lock = stdout.lock();
    lock.write_all(&gathered)?;
    lock.flush()?;
    Ok(())
}

/// Prints a failure: one line on stderr, and under `--json` the error
/// document on stdout.
fn report(failure: &CliError, json: bool, out: &mut impl Write) -> ExitCode {
    eprintln!("{}", failure.line());
    if json {
        let _ = writeln!(out, "{}", failure.to_json());
        let _ = out.flush();
    }
    ExitCode::from(failure)
}

/// Help, version and clap's usage errors. Help and version are answers
/// (exit 0); under `--json` they are a `{"help"}` or `{"version"}` document.
fn parse_failure(e: clap::Error, json: bool) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "help": e.render().to_string().trim_end() })
                );
            } else {
                // A closed pipe is not an error.
                let _ = e.print();
            }
            ExitCode::from(EXIT_FOUND)
        }
        ErrorKind::DisplayVersion => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "version": env!("CARGO_PKG_VERSION") })
                );
            } else {
                let _ = e.print();
            }
            ExitCode::from(EXIT_FOUND)
        }
        _ if json => {
            let failure = usage_from_clap(&e);
            report(&failure, true, &mut io::stdout())
        }
        _ => {
            let _ = e.print();
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// clap's error as a usage error: its first line, and the flag, value or
/// subcommand it suggests.
fn usage_from_clap(e: &clap::Error) -> CliError {
    let rendered = e.render().to_string();
    let message = rendered
        .lines()
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_string();
    let mut suggestions = Vec::new();
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        match e.get(kind) {
            Some(ContextValue::String(s)) => suggestions.push(s.clone()),
            Some(ContextValue::Strings(v)) => suggestions.extend(v.iter().cloned()),
            _ => {}
        }
    }
    CliError::Usage {
        message,
        suggestions,
    }
}

fn run(cli: Cli, out: &mut impl Write) -> Result<(), CliError> {
    let json = cli.json;
    if let Some(sub) = &cli.command {
        if !cli.codes.is_empty() {
            return Err(CliError::usage("give codes or a subcommand, not both"));
        }
        if json && let Some(name) = sub.text_only() {
            return Err(CliError::usage(format!(
                "{name} has no JSON output; leave out --json"
            )));
        }
    }
    match cli.command {
        None if cli.codes.is_empty() => {
            let mut help = Cli::command();
            if json {
                let body = serde_json::json!({ "help": help.render_help().to_string().trim_end() });
                writeln!(out, "{body}")?;
            } else {
                write!(out, "{}", help.render_help())?;
            }
            Ok(())
        }
        None => words_command(&cli.codes, json, out),
        Some(Sub::Lookup { words }) => words_command(&words, json, out),
        Some(Sub::Compare { words }) => {
            let words = utf8_words(&words)?;
            // compare grpc 14 http 503: codes of two protocols.
            if let [pa, a, pb, b] = words.as_slice()
                && let (Some(pa), Some(pb)) = (Protocol::from_slug(pa), Protocol::from_slug(pb))
            {
                return compare_entries(Some(pa), a, Some(pb), b, json, out);
            }
            match split_protocol_word(&words) {
                (p, rest) if rest.len() == 2 => {
                    compare_entries(p, &rest[0], None, &rest[1], json, out)
                }
                _ => Err(CliError::usage(
                    "compare takes two codes, optionally after a protocol (compare http 101 407), or two protocol-code pairs (compare grpc 14 http 503)",
                )),
            }
        }
        Some(Sub::Search { words, limit }) => {
            let words = utf8_words(&words)?;
            search_command(&words.join(" "), usize::from(limit), json, out)
        }
        Some(Sub::Explain { file }) => explain::run(file.as_deref(), json, out),
        Some(Sub::List { protocol, class }) => list_command(protocol, class.as_deref(), json, out),
        Some(Sub::Export {
            dir,
            base_url,
            force,
            precompress,
        }) => {
            let options = crate::export::Options {
                dir,
                base_url,
                force,
                precompress,
                progress: !json && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            };
            let s = crate::export::run(&options).map_err(|e| CliError::Export(e.to_string()))?;
            eprintln!(
                "exported {} files, {:.1} MB, in {:.1} s ({:.0} files/s) to {}",
                s.files,
                s.bytes as f64 / 1e6,
                s.seconds,
                s.files as f64 / s.seconds.max(1e-9),
                options.dir.display()
            );
            if json {
                let body = serde_json::json!({
                    "dir": options.dir.display().to_string(),
                    "files": s.files,
                    "bytes": s.bytes,
                    "seconds": s.seconds,
                });
                writeln!(out, "{body}")?;
            }
            Ok(())
        }
        Some(Sub::Serve {
            addr,
            base_url,
            live_max_delay,
            live_max_delayed,
            live_rate,
            live_addr,
            live_base_url,
            no_live,
            max_connections,
            no_mcp,
            grpc_addr,
            dns_addr,
            smtp_addr,
            ftp_addr,
            sip_addr,
        }) => {
            let live = crate::web::live::LiveConfig {
                max_delay: live_max_delay,
                max_delayed: live_max_delayed as usize,
                rate_per_second: live_rate,
                ..Default::default()
            };
            let live_listener = match (live_addr, no_live) {
                (_, true) => crate::web::LiveListener::Off,
                (Some(addr), false) => crate::web::LiveListener::Separate {
                    addr,
                    base_url: live_base_url,
                },
                (None, false) => crate::web::LiveListener::Shared,
            };
            crate::web::serve_blocking(crate::web::ServeConfig {
                addr,
                base_url,
                live,
                live_listener,
                connections: crate::web::ConnectionLimits {
                    max_connections: max_connections as usize,
                    ..Default::default()
                },
                mcp: !no_mcp,
                grpc_addr,
                dns_addr,
                smtp_addr,
                ftp_addr,
                sip_addr,
                listener_rate: live_rate,
            })
            .map_err(|e| CliError::Serve(e.to_string()))
        }
        Some(Sub::Mcp) => mcp::run(),
        Some(Sub::Completions { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "statusatlas", out);
            Ok(())
        }
        Some(Sub::Man) => {
            clap_mangen::Man::new(Cli::command()).render(out)?;
            Ok(())
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
            Ok(())
        }
    }
}

fn utf8_words(words: &[OsString]) -> Result<Vec<String>, CliError> {
    words
        .iter()
        .map(|w| {
            w.to_str()
                .map(str::to_string)
                .ok_or_else(|| CliError::usage("an argument is not valid UTF-8"))
        })
        .collect()
}

/// Splits an optional leading protocol name off the words.
fn split_protocol_word(words: &[String]) -> (Option<Protocol>, Vec<String>) {
    match words.split_first() {
        Some((first, rest)) if !rest.is_empty() => match Protocol::from_slug(first) {
            Some(p) => (Some(p), rest.to_vec()),
            None => (None, words.to_vec()),
        },
        _ => (None, words.to_vec()),
    }
}

fn words_command(words: &[OsString], json: bool, out: &mut impl Write) -> Result<(), CliError> {
    let words = utf8_words(words)?;
    let (protocol, rest) = split_protocol_word(&words);
    match rest.as_slice() {
        [one] => lookup_command(protocol, one, json, out),
        [a, b] => compare_entries(protocol, a, None, b, json, out),
        _ => Err(CliError::usage(
            "give one code to look it up or two to compare them (optionally after a protocol name)",
        )),
    }
}

/// Shows `input` shortened and quoted for an error message.
fn shown(input: &str) -> String {
    format!("{:?}", crate::text::shorten(input, 40))
}

fn not_found(protocol: Option<Protocol>, input: &str) -> CliError {
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
    CliError::NotFound {
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

fn write_json(out: &mut impl Write, value: &impl Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")?;
    Ok(())
}

fn lookup_command(
    protocol: Option<Protocol>,
    input: &str,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let catalog = catalog();
    let found = catalog.lookup(protocol, input);
    if found.entries.is_empty() {
        return Err(not_found(protocol, input));
    }
    if json {
        return write_json(
            out,
            &LookupJson {
                query: input,
                entries: found.entries.clone(),
                also: found
                    .also
                    .iter()
                    .map(|e| crate::catalog::EntryRef::from(*e))
                    .collect(),
            },
        );
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
    Ok(())
}

/// Compares `a` (in `pa`) with `b` (in `pb`, or else in a's protocol).
fn compare_entries(
    pa: Option<Protocol>,
    a: &str,
    pb: Option<Protocol>,
    b: &str,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let catalog = catalog();
    let first = catalog.lookup(pa, a);
    let Some(&ea) = first.entries.first() else {
        return Err(not_found(pa, a));
    };
    // The second code is read in the first one's protocol unless named otherwise.
    let pb = pb.or(Some(ea.protocol));
    let second = catalog.lookup(pb, b);
    let Some(&eb) = second.entries.first() else {
        return Err(not_found(pb, b));
    };
    let (ea, eb) = compare::canonical_order(ea, eb);
    let comparison =
        compare::compare(catalog, ea, eb).map_err(|e| CliError::NotComparable(e.to_string()))?;
    if json {
        write_json(out, &comparison)
    } else {
        render::comparison(out, &comparison)?;
        Ok(())
    }
}

fn search_command(
    query: &str,
    limit: usize,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    if query.trim().is_empty() {
        return Err(CliError::usage("search needs at least one word"));
    }
    let outcome = search::index().search(query, limit);
    // Nothing found is an error, and the error is the one document printed.
    if outcome.results.is_empty() {
        return Err(CliError::NotFound {
            message: format!("nothing matches {}", shown(query)),
            suggestions: Vec::new(),
        });
    }
    if json {
        write_json(out, &crate::search::SearchJson::from(&outcome))
    } else {
        render::search_results(out, &outcome)?;
        Ok(())
    }
}

fn list_command(
    protocol: Option<Protocol>,
    class: Option<&str>,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let catalog = catalog();
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
        return Err(CliError::NotFound {
            message: format!(
                "no codes in class {}",
                shown(class.as_deref().unwrap_or(""))
            ),
            suggestions: Vec::new(),
        });
    }
    if json {
        let refs: Vec<_> = entries
            .iter()
            .map(|e| crate::catalog::EntryRef::from(*e))
            .collect();
        write_json(
            out,
            &serde_json::json!({
                "protocol": protocol.map(|p| p.slug()),
                "class": class,
                "count": refs.len(),
                "entries": refs,
            }),
        )
    } else {
        render::list(out, &entries)?;
        Ok(())
    }
}
