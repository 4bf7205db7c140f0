//! A TCP proxy in front of one dependency that can be told to misbehave: add latency to every
//! chunk it forwards, or reset every connection it carries (and the ones that arrive while the
//! fault lasts). The soak puts one between each function and what it talks to, so a fault hits
//! one pair (task-api and PostgreSQL, chat-api and task-api) and not the whole machine.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does to traffic now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Forwards bytes as they come.
    Pass,
    /// Holds every chunk this long before forwarding it.
    Latency(Duration),
    /// Resets the connections it carries and every new one.
    Reset,
}

/// A running proxy; stops with the runtime that runs it.
#[derive(Debug, Clone)]
pub struct Proxy {
    name: Arc<str>,
    port: u16,
    mode: watch::Sender<Mode>,
    resets: Arc<AtomicU64>,
}

impl Proxy {
    /// Listens on a free port of 127.0.0.1 and forwards to `upstream` (host:port).
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start(name: &str, upstream: String) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (mode, watching) = watch::channel(Mode::Pass);
        let resets = Arc::new(AtomicU64::new(0));
        let counted = resets.clone();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let watching = watching.clone();
                let upstream = upstream.clone();
                let counted = counted.clone();
                tokio::spawn(async move {
                    if carry(client, &upstream, watching).await {
                        counted.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        Ok(Self {
            name: name.into(),
            port,
            mode,
            resets,
        })
    }

    /// The pair it stands between, as the report names it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The port clients connect to instead of the dependency's.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Changes what it does to traffic, for connections open now and to come.
    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    /// Connections it has reset so far.
    pub fn resets(&self) -> u64 {
        self.resets.load(Ordering::Relaxed)
    }
}

/// Carries one connection until either side closes or a reset is ordered; true when it was reset.
async fn carry(client: TcpStream, upstream: &str, mut mode: watch::Receiver<Mode>) -> bool {
    if *mode.borrow() == Mode::Reset {
        reset(client);
        return true;
    }
    let Ok(server) = TcpStream::connect(upstream).await else {
        reset(client);
        return false;
    };
    let (mut client, mut server) = (client, server);
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let ordered_reset = {
        let (client_read, client_write) = client.split();
        let (server_read, server_write) = server.split();
        let up = forward(client_read, server_write, mode.clone());
        let down = forward(server_read, client_write, mode.clone());
        let ordered = async {
            while mode.changed().await.is_ok() {
                if *mode.borrow() == Mode::Reset {
                    return;
                }
            }
            std::future::pending::<()>().await;
        };
        tokio::select! {
            () = ordered => true,
            _ = async { tokio::join!(up, down) } => false,
        }
    };
    if ordered_reset {
        // RST to both sides, as a dropped route or a crashed middlebox would leave them.
        reset(client);
        reset(server);
    }
    ordered_reset
}

async fn forward<R, W>(mut from: R, mut to: W, mode: watch::Receiver<Mode>)
where
    R: tokio::io::AsyncRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let delay = match *mode.borrow() {
            Mode::Latency(delay) => Some(delay),
            Mode::Pass | Mode::Reset => None,
        };
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}
