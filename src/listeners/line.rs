//! What the line-based listeners (SMTP, FTP) share: reading one bounded
//! line, and an accept loop that caps connections and the per-client rate
//! and refuses the rest with a one-line reply.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// One line read from the client.
pub enum Line {
    /// The line, CRLF or LF included.
    Text(Vec<u8>),
    /// A line longer than the limit (read to its end and dropped).
    TooLong,
    /// The client closed the connection.
    Closed,
}

/// Reads one line of at most `max` octets, never buffering more.
pub async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    max: usize,
) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(Line::Closed);
        }
        let (chunk, done) = match memchr_lf(available) {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let used = chunk.len();
        if !too_long {
            if line.len() + used > max {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        reader.consume(used);
        if done {
            return Ok(if too_long {
                Line::TooLong
            } else {
                Line::Text(line)
            });
        }
    }
}

fn memchr_lf(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// Who may open a session.
pub struct Gate {
    /// Sessions at once.
    pub max_connections: usize,
    /// Connections per second per client address (see
    /// [`super::rate_limiter`]).
    pub rate_per_second: Option<u32>,
    /// The reply line (CRLF included) of a refused connection.
    pub refusal: String,
}

/// Accepts connections on `listener` until `shutdown` completes and runs
/// `session` on each one the gate lets in; sessions in progress are dropped
/// at shutdown.
pub async fn serve<F, S>(
    listener: TcpListener,
    gate: Gate,
    shutdown: impl Future<Output = ()>,
    session: S,
) where
    S: Fn(TcpStream) -> F + Send + Sync + 'static,
    F: Future<Output = std::io::Result<()>> + Send + 'static,
{
    let ip = listener
        .local_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let rate = super::rate_limiter(gate.rate_per_second, ip);
    let slots = Arc::new(Semaphore::new(gate.max_connections));
    let stop = tokio_util::sync::CancellationToken::new();
    let refusal: Arc<str> = gate.refusal.into();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::debug!(%error, "accept failed");
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = if rate.allow(peer.ip()) {
            slots.clone().try_acquire_owned().ok()
        } else {
            None
        };
        let Some(slot) = slot else {
            tokio::spawn(refuse(stream, refusal.clone()));
            continue;
        };
        let stop = stop.clone();
        let run = session(stream);
        tokio::spawn(async move {
            let _slot = slot;
            tokio::select! {
                result = run => {
                    if let Err(error) = result {
                        tracing::debug!(%error, %peer, "session ended");
                    }
                }
                () = stop.cancelled() => {}
            }
        });
    }
    stop.cancel();
}

/// Sends `line` and closes the connection, giving up after a few seconds.
async fn refuse(mut stream: TcpStream, line: Arc<str>) {
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let _ = stream.write_all(line.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}
