//! The accept loop. `axum::serve` (0.8.9) gives connections no timer, so a client that sends
//! nothing, or its headers one byte at a time, holds a connection forever. Here every
//! connection must send its first byte and its headers within the header timeout, the number
//! of open connections is capped, and Ctrl-C or SIGTERM lets requests in flight finish.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use super::cache::AnonymousReads;

/// Connection limits.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time a connection has to send its first byte and then each request's headers.
    pub header_timeout: Duration,
    /// Most connections open at once; more are closed as soon as they are accepted.
    pub max_connections: usize,
}

/// Serves `app` on `listener` until Ctrl-C or SIGTERM; `reads` answers anonymous reads it
/// holds before `app` is asked.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    reads: AnonymousReads,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    tracing::warn!(%peer, "connection limit reached; closing a new connection");
                    continue;
                };
                let watcher = graceful.watcher();
                let app = app.clone();
                let reads = reads.clone();
                tokio::spawn(async move {
                    let _permit = permit;
                    serve_connection(stream, peer, app, reads, limits.header_timeout, watcher).await;
                });
            }
        }
    }
    tracing::info!("shutting down; finishing requests in flight");
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections did not finish within 10 s");
    }
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    reads: AnonymousReads,
    header_timeout: Duration,
    watcher: hyper_util::server::graceful::Watcher,
) {
    let mut first = [0u8; 1];
    match tokio::time::timeout(header_timeout, stream.peek(&mut first)).await {
        Ok(Ok(n)) if n > 0 => {}
        _ => return,
    }
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        // Most requests are anonymous reads of something cached: answered here, they skip
        // routing and every layer (whose work the cached answer already holds).
        let cached = reads.answer(&request);
        let app = app.clone();
        async move {
            if let Some(response) = cached {
                return Ok(response);
            }
            request.extensions_mut().insert(ConnectInfo(peer));
            app.oneshot(request.map(axum::body::Body::new)).await
        }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
    if let Err(e) = watcher.watch(connection.into_owned()).await {
        tracing::debug!(%peer, error = %e, "connection ended with an error");
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
