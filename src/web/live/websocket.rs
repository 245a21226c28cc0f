//! The WebSocket session of `/status/101` (RFC 6455): every text and binary
//! message is echoed; a Close is answered with a Close (Section 5.5.1); a
//! frame the server cannot accept ends the session with the close code that
//! says why (1002 protocol error, 1007 invalid UTF-8, 1009 too big; Section
//! 7.4.1); `?close=CODE&after=N&reason=TEXT` makes the server close first.
//! Sessions are bounded in number (per client and in all), message size,
//! idle time and length (ten minutes), so an open echo cannot hold the
//! server's memory.

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The largest message a session accepts, in bytes; a larger one ends the
/// session with close code 1009 after its last frame has been read, so the
/// closing handshake that follows is clean.
pub const MAX_MESSAGE: usize = 64 * 1024;
/// The largest single frame read, in bytes: past this the stream cannot be
/// followed any further, and the session ends with 1009 at once.
pub const MAX_FRAME: usize = 128 * 1024;
/// The longest a session may last, however busy: then it closes with 1001.
pub const MAX_SESSION: Duration = Duration::from_secs(600);
/// How long the server waits for the peer's Close after sending its own.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// How many sessions may be open at once.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    /// Sessions open at once, from all clients.
    pub total: usize,
    /// Sessions open at once from one client address.
    pub per_client: u32,
    /// A session with no message from the client for this long is closed
    /// with 1001 (going away).
    pub idle: Duration,
}

impl Default for SessionLimits {
    fn default() -> SessionLimits {
        SessionLimits {
            total: 128,
            per_client: 8,
            idle: Duration::from_secs(60),
        }
    }
}

/// The open sessions, counted in all and per client address.
pub struct Sessions {
    limits: SessionLimits,
    total: Arc<Semaphore>,
    per_client: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

/// A held session slot; dropping it frees the slot.
pub struct Slot {
    _total: OwnedSemaphorePermit,
    client: IpAddr,
    per_client: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.per_client.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.client);
            }
        }
    }
}

impl Sessions {
    pub fn new(limits: SessionLimits) -> Sessions {
        Sessions {
            limits,
            total: Arc::new(Semaphore::new(limits.total.max(1))),
            per_client: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A slot for one more session of `client`, or None at either cap.
    pub fn try_open(&self, client: IpAddr) -> Option<Slot> {
        let total = self.total.clone().try_acquire_owned().ok()?;
        let mut map = self.per_client.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(client).or_insert(0);
        if *n >= self.limits.per_client {
            return None;
        }
        *n += 1;
        Some(Slot {
            _total: total,
            client,
            per_client: self.per_client.clone(),
        })
    }
}

/// How a session should end on its own.
#[derive(Clone, Debug, Default)]
pub struct Script {
    /// The session's idle timeout.
    pub idle: Duration,
    /// Close with this code after `after` echoed messages.
    pub close: Option<u16>,
    pub after: u32,
    pub reason: String,
}

/// Runs one echo session until either side closes it.
pub async fn session(mut socket: WebSocket, script: Script, _slot: Slot) {
    let mut echoed = 0u32;
    let ends = tokio::time::Instant::now() + MAX_SESSION;
    loop {
        if let Some(code) = script.close
            && echoed >= script.after
        {
            close_with(&mut socket, code, &script.reason).await;
            return;
        }
        let left = ends.saturating_duration_since(tokio::time::Instant::now());
        let next = match tokio::time::timeout(script.idle.min(left), socket.recv()).await {
            Ok(next) => next,
            Err(_) => {
                let reason = if left <= script.idle {
                    "session too long"
                } else {
                    "idle too long"
                };
                close_with(&mut socket, 1001, reason).await;
                return;
            }
        };
        let message = match next {
            None => return,
            Some(Ok(m)) => m,
            Some(Err(error)) => {
                let (code, reason) = close_code_for(error);
                close_with(&mut socket, code, reason).await;
                return;
            }
        };
        // The message cap is checked here, on a whole message the protocol
        // layer has read to its end, so the closing handshake that follows
        // stays clean; the protocol layer itself only stops what exceeds
        // MAX_FRAME, after which the stream cannot be read any further.
        let size = match &message {
            Message::Text(t) => t.len(),
            Message::Binary(b) => b.len(),
            _ => 0,
        };
        if size > MAX_MESSAGE {
            close_with(&mut socket, 1009, "message too big").await;
            return;
        }
        let reply = match message {
            Message::Text(t) => Message::Text(t),
            Message::Binary(b) => Message::Binary(b),
            // Pings are answered by the protocol layer itself.
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Close(_) => {
                // The protocol layer has queued the answering Close: send it,
                // then wait for the peer to close the connection.
                let _ = socket.flush().await;
                drain(&mut socket).await;
                return;
            }
        };
        if socket.send(reply).await.is_err() {
            return;
        }
        echoed = echoed.saturating_add(1);
    }
}

/// The close code for a frame the server could not accept.
fn close_code_for(error: axum::Error) -> (u16, &'static str) {
    use tungstenite::error::Error as WsError;
    let inner = error.into_inner();
    match inner.downcast_ref::<WsError>() {
        Some(WsError::Capacity(_)) => (1009, "message too big"),
        Some(WsError::Utf8(_)) => (1007, "text message is not valid UTF-8"),
        _ => (1002, "protocol error"),
    }
}

/// Sends a Close with `code` and `reason`, then waits (bounded) for the peer
/// to answer and close the connection.
async fn close_with(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_ok() {
        drain(socket).await;
    }
}

async fn drain(socket: &mut WebSocket) {
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        while let Some(Ok(_)) = socket.recv().await {}
    })
    .await;
}
