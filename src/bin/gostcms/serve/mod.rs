//! `gostcms serve`: the HTTP signing service (contract: docs/serve.md).
//!
//! tokio + hyper (HTTP/1.1), optionally behind rustls. The state (keys,
//! clients, settings) is one `Arc<State>` swapped whole on SIGHUP: a request
//! keeps the state it started with, so a reload never disturbs requests in
//! flight, and the old keys are zeroized when the last of them ends.
//!
//! Files: `config` (serve.toml), `auth` (tokens, clients, rate limits),
//! `handlers` (endpoints), `batcher` (micro-batching onto the batch
//! signer), `metrics` (Prometheus), `audit` (the signature log), `tls`.

mod audit;
mod auth;
mod batcher;
mod config;
mod handlers;
mod metrics;
mod tls;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::Semaphore;

use crate::CliError;
use audit::Audit;
use batcher::Batcher;
use config::{Config, LoadedKey};
use metrics::Metrics;

/// Connections served at once; more wait in the kernel's accept queue.
const MAX_CONNECTIONS: usize = 4096;

/// A key with its signing queue.
pub struct KeyHandle {
    pub key: Arc<LoadedKey>,
    pub batcher: Batcher,
}

/// Everything one configuration made.
pub struct State {
    pub config: Config,
    pub keys: HashMap<String, KeyHandle>,
    pub audit: Audit,
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

/// What every connection shares.
pub struct Shared {
    current: RwLock<Arc<State>>,
    pub metrics: Arc<Metrics>,
}

impl Shared {
    /// The configuration in force now.
    pub fn current(&self) -> Arc<State> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn replace(&self, state: Arc<State>) {
        match self.current.write() {
            Ok(mut g) => *g = state,
            Err(p) => *p.into_inner() = state,
        }
    }
}

fn log(message: impl std::fmt::Display) {
    eprintln!("gostcms serve: {message}");
}

/// Loads `path` into a state ready to serve.
fn build_state(path: &str, metrics: &Arc<Metrics>) -> Result<State, String> {
    let config = config::load(path)?;
    let audit = Audit::open(config.audit_log.as_deref())?;
    let tls = match &config.tls {
        Some((cert, key)) => Some(tls::acceptor(cert, key)?),
        None => None,
    };
    let mut keys = HashMap::new();
    for key in &config.keys {
        let batcher = Batcher::start(key.clone(), config.batch, metrics.clone())
            .map_err(|e| format!("cannot start the signing threads of key {}: {e}", key.name))?;
        keys.insert(
            key.name.clone(),
            KeyHandle {
                key: key.clone(),
                batcher,
            },
        );
    }
    Ok(State {
        config,
        keys,
        audit,
        tls,
    })
}

/// `gostcms serve --config FILE [--listen ADDR]`: runs until SIGTERM or
/// SIGINT, then finishes the requests in flight and returns.
pub fn run(config_path: &str, listen: Option<&str>) -> Result<(), CliError> {
    let metrics = Arc::new(Metrics::default());
    let state = build_state(config_path, &metrics).map_err(CliError::input)?;
    let addr = listen
        .or(state.config.listen.as_deref())
        .unwrap_or(config::DEFAULT_LISTEN);
    let addr: SocketAddr = addr
        .parse()
        .map_err(|e| CliError::usage(format!("listen address {addr:?}: {e}")))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the runtime: {e}")))?;
    let shared = Arc::new(Shared {
        current: RwLock::new(Arc::new(state)),
        metrics,
    });
    runtime.block_on(serve(shared, addr, config_path.to_string()))
}

async fn serve(shared: Arc<Shared>, addr: SocketAddr, config_path: String) -> Result<(), CliError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::input(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr().unwrap_or(addr);
    let signals =
        |kind| signal(kind).map_err(|e| CliError::input(format!("cannot watch signals: {e}")));
    let (mut hup, mut term, mut int) = (
        signals(SignalKind::hangup())?,
        signals(SignalKind::terminate())?,
        signals(SignalKind::interrupt())?,
    );
    {
        let state = shared.current();
        log(format_args!(
            "listening on {}://{local} ({} keys, {} clients, batching {})",
            if state.tls.is_some() { "https" } else { "http" },
            state.keys.len(),
            state.config.clients.len(),
            if state.config.batch.max > 1 {
                "on"
            } else {
                "off"
            },
        ));
    }
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let reloading = Arc::new(tokio::sync::Mutex::new(()));
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
            _ = term.recv() => break,
            _ = int.recv() => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let watcher = graceful.watcher();
                    let shared = shared.clone();
                    tokio::spawn(async move {
                        serve_connection(shared, stream, watcher).await;
                        drop(slot);
                    });
                }
                Err(e) => {
                    log(format_args!("accept: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = hup.recv() => {
                let (shared, path, reloading) = (shared.clone(), config_path.clone(), reloading.clone());
                tokio::spawn(async move {
                    let _one_at_a_time = reloading.lock().await;
                    reload(&shared, path, local).await;
                });
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    drop(listener);
    let grace = shared.current().config.request_timeout + Duration::from_secs(5);
    log("stopping: no new connections, finishing the requests in flight");
    match tokio::time::timeout(grace, graceful.shutdown()).await {
        Ok(()) => log("stopped"),
        Err(_) => log("stopped; some connections were still open after the grace period"),
    }
    Ok(())
}

/// SIGHUP: a new state from the file, or the old one kept and the reason logged.
async fn reload(shared: &Arc<Shared>, path: String, local: SocketAddr) {
    let metrics = shared.metrics.clone();
    let loaded = tokio::task::spawn_blocking(move || build_state(&path, &metrics))
        .await
        .unwrap_or_else(|_| Err("the reload task failed".into()));
    match loaded {
        Ok(state) => {
            if let Some(listen) = &state.config.listen
                && listen.parse::<SocketAddr>().ok() != Some(local)
            {
                log(format_args!(
                    "note: listen = {listen} takes effect at the next start, not on reload"
                ));
            }
            log(format_args!(
                "reloaded: {} keys, {} clients",
                state.keys.len(),
                state.config.clients.len()
            ));
            shared.replace(Arc::new(state));
            shared.metrics.reload("ok");
        }
        Err(e) => {
            log(format_args!(
                "reload failed, keeping the running configuration: {e}"
            ));
            shared.metrics.reload("error");
        }
    }
}

async fn serve_connection(
    shared: Arc<Shared>,
    stream: TcpStream,
    watcher: hyper_util::server::graceful::Watcher,
) {
    let _ = stream.set_nodelay(true);
    let state = shared.current();
    let timeout = state.config.request_timeout;
    let tls = state.tls.clone();
    drop(state);
    let service = hyper::service::service_fn(move |req| handlers::handle(shared.clone(), req));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .keep_alive(true);
    match tls {
        None => {
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let _ = watcher.watch(conn).await;
        }
        Some(acceptor) => {
            let Ok(Ok(stream)) = tokio::time::timeout(timeout, acceptor.accept(stream)).await
            else {
                return;
            };
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let _ = watcher.watch(conn).await;
        }
    }
}
