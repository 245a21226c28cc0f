//! The live FTP listener (`serve --ftp-addr`): an FTP control connection
//! (RFC 959) whose replies are chosen by the commands' arguments, so that an
//! FTP client can be tested against any reply code of the catalog without a
//! file system behind it.
//!
//! - A command whose argument is a reply code of the catalog (`USER 530`,
//!   `CWD 550`, `RETR 451`, `PASS 332`) is answered with that code and its
//!   catalog phrase. Codes of class 1 are preliminary and never final, and
//!   227, 228 and 229 would need a real data port, so they are refused with
//!   `501`, saying why; `421` and `221` close the connection after the reply.
//! - Otherwise the server plays a minimal, empty server: any USER and PASS
//!   log in, `PWD` is `/`, `CWD`, `TYPE`, `MODE`, `STRU` and `NOOP` succeed,
//!   `SYST`, `FEAT` and `HELP` answer, and commands that need a data
//!   connection (PASV, EPSV, PORT, EPRT, LIST, RETR, STOR ...) answer
//!   `502` or `425`: the listener never opens a data connection, reads or
//!   writes a file.
//!
//! Command lines are at most [`COMMAND_LINE_MAX`] octets; connections,
//! commands and time are bounded by [`FtpLimits`]. The parser is ours (a
//! verb and an optional argument, RFC 959 section 5.3.1): the FTP crates
//! either are whole servers with storage back ends or parse only the client
//! side.

use super::line::{Line, read_line};
use crate::catalog::{Protocol, catalog};
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// The longest command line, CRLF included. RFC 959 sets no limit; this is
/// SMTP's (RFC 5321 section 4.5.3.1.4), ample for any path a test needs.
pub const COMMAND_LINE_MAX: usize = 512;

/// Bounds of the FTP listener.
#[derive(Clone, Copy, Debug)]
pub struct FtpLimits {
    /// Connections open at once; one more is answered 421 and closed.
    pub max_connections: usize,
    /// A connection silent for this long is closed (with 421).
    pub idle: Duration,
    /// A connection is closed this long after it opened (with 421).
    pub lifetime: Duration,
    /// Commands per connection; past it the server answers 421 and closes.
    pub max_commands: usize,
    /// Connections per second per client address; over it a connection is
    /// answered 421 and closed. `None`: none on loopback, 50 on other
    /// addresses; `Some(0)`: no limit.
    pub rate_per_second: Option<u32>,
}

impl Default for FtpLimits {
    fn default() -> FtpLimits {
        FtpLimits {
            max_connections: 64,
            idle: Duration::from_secs(60),
            lifetime: Duration::from_secs(600),
            max_commands: 1000,
            rate_per_second: None,
        }
    }
}

/// One reply: code and text, written `CODE text`.
fn line(code: u16, text: &str) -> String {
    format!("{code} {text}\r\n")
}

/// Codes an argument may not choose: class 1 is never final (RFC 959
/// section 4.2), and the passive-mode replies carry an address.
fn forbidden(code: u16) -> Option<&'static str> {
    match code {
        100..=199 => Some("a 1yz reply is preliminary and needs a final one"),
        227..=229 => Some("a passive-mode reply needs a data port, and this server opens none"),
        _ => None,
    }
}

/// What an argument asks for: `Some(Ok(reply))` for a code of the catalog
/// the server can send, `Some(Err(why))` for a three-digit code it cannot,
/// `None` for an argument that is no code.
pub fn asked(argument: &str) -> Option<Result<(u16, String), String>> {
    let argument = argument.trim();
    if argument.len() != 3 || !argument.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u16 = argument.parse().ok()?;
    let Some(entry) = catalog().get(Protocol::Ftp, argument) else {
        return Some(Err(format!(
            "{code} is not an FTP reply code of the catalog"
        )));
    };
    if let Some(why) = forbidden(code) {
        return Some(Err(format!("{code}: {why}")));
    }
    Some(Ok((
        code,
        format!("{} (asked for by the argument)", entry.phrase),
    )))
}

/// What the session does after a reply.
enum Next {
    Continue,
    Close,
}

struct Session {
    user: bool,
    logged_in: bool,
}

impl Session {
    /// The reply to one command line.
    fn command(&mut self, text: &[u8]) -> (String, Next) {
        let go = |s: String| (s, Next::Continue);
        let Ok(text) = std::str::from_utf8(text) else {
            return go(line(501, "Commands must be UTF-8 text"));
        };
        let text = text.trim_end_matches(['\r', '\n']);
        let (verb, argument) = text.split_once(' ').unwrap_or((text, ""));
        if verb.is_empty() || verb.len() > 4 || !verb.bytes().all(|b| b.is_ascii_alphabetic()) {
            return go(line(500, "Syntax error, command unrecognized"));
        }
        let verb = verb.to_ascii_uppercase();
        if let Some(choice) = asked(argument) {
            return match choice {
                Ok((code, text)) => {
                    let next = if matches!(code, 221 | 421) {
                        Next::Close
                    } else {
                        Next::Continue
                    };
                    (line(code, &text), next)
                }
                Err(why) => go(line(501, &why)),
            };
        }
        let needs_login = !matches!(
            verb.as_str(),
            "USER" | "PASS" | "QUIT" | "SYST" | "FEAT" | "HELP" | "NOOP" | "AUTH" | "OPTS"
        );
        if needs_login && !self.logged_in {
            return go(line(530, "Not logged in"));
        }
        go(match verb.as_str() {
            "USER" => {
                self.user = true;
                self.logged_in = false;
                line(331, "Any password will do")
            }
            "PASS" if self.user => {
                self.logged_in = true;
                line(230, "Logged in; there are no files here")
            }
            "PASS" => line(503, "Send USER first"),
            "QUIT" => return (line(221, "Bye"), Next::Close),
            "SYST" => line(215, "UNIX Type: L8"),
            "FEAT" => "211-Features:\r\n UTF8\r\n211 End\r\n".to_string(),
            "OPTS" if argument.eq_ignore_ascii_case("UTF8 ON") => line(200, "UTF8 is on"),
            "HELP" => line(
                214,
                "Send a reply code as the argument of any command (CWD 550, USER 530) to get it",
            ),
            "NOOP" => line(200, "OK"),
            "PWD" | "XPWD" => line(257, "\"/\" is the current directory"),
            "CWD" | "CDUP" | "XCWD" => line(250, "Directory changed"),
            "TYPE" | "MODE" | "STRU" => line(200, "OK"),
            "LIST" | "NLST" | "MLSD" | "RETR" | "STOR" | "STOU" | "APPE" => line(
                425,
                "Can't open data connection; this test server opens none",
            ),
            _ => line(502, "Command not implemented"),
        })
    }
}

/// Runs one session on `stream` until QUIT, a closing reply, the client's
/// close or a limit.
pub async fn session<S>(stream: S, limits: FtpLimits) -> std::io::Result<()>
where
    S: tokio::io::AsyncRead + AsyncWrite + Unpin,
{
    let (read, mut writer) = tokio::io::split(stream);
    let mut reader = BufReader::new(read);
    let run = async {
        writer
            .write_all(
                line(
                    220,
                    "statusatlas.test FTP test server; no files, no data connections",
                )
                .as_bytes(),
            )
            .await?;
        let mut state = Session {
            user: false,
            logged_in: false,
        };
        let deadline = tokio::time::Instant::now() + limits.lifetime;
        let mut commands = 0;
        loop {
            let until = (tokio::time::Instant::now() + limits.idle).min(deadline);
            let read = tokio::time::timeout_at(until, read_line(&mut reader, COMMAND_LINE_MAX));
            let (reply, next) = match read.await {
                Err(_) => (
                    line(421, "Idle too long or connected too long; closing"),
                    Next::Close,
                ),
                Ok(Err(e)) => return Err(e),
                Ok(Ok(Line::Closed)) => return Ok(()),
                Ok(Ok(_)) if commands >= limits.max_commands => {
                    (line(421, "Too many commands; closing"), Next::Close)
                }
                Ok(Ok(Line::TooLong)) => (line(500, "Line too long"), Next::Continue),
                Ok(Ok(Line::Text(text))) => state.command(&text),
            };
            commands += 1;
            writer.write_all(reply.as_bytes()).await?;
            if matches!(next, Next::Close) {
                return writer.shutdown().await;
            }
        }
    };
    match tokio::time::timeout(limits.lifetime + Duration::from_secs(5), run).await {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}

/// Serves FTP control connections on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    limits: FtpLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let gate = super::line::Gate {
        max_connections: limits.max_connections,
        rate_per_second: limits.rate_per_second,
        refusal: line(421, "Too many connections; try again later"),
    };
    super::line::serve(listener, gate, shutdown, move |stream| {
        session(stream, limits)
    })
    .await;
}
