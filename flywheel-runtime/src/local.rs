//! An in-process DynamoDB for tests and examples (feature `local`).
//!
//! [`LocalDynamo::start`] runs the dynoxide emulator on `127.0.0.1` with a fresh in-memory
//! database on a thread of its own, and hands back an [`Engine`] pointed at it. Nothing needs
//! to be installed or started by hand, and each `LocalDynamo` is a separate database. Dropping
//! it stops the server.

use std::thread::JoinHandle;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};

use crate::engine::Engine;
use crate::error::{Error, Result};

/// A running in-process DynamoDB emulator with its own empty database.
#[derive(Debug)]
pub struct LocalDynamo {
    engine: Engine,
    endpoint: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LocalDynamo {
    /// Starts the emulator on `127.0.0.1` at a free port and waits until it listens.
    pub fn start() -> Result<LocalDynamo> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<u16, String>>();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("flywheel-local-dynamodb".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("no runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let db = match dynoxide::Database::memory() {
                        Ok(db) => db,
                        Err(e) => {
                            let _ = ready_tx.send(Err(format!("no database: {e}")));
                            return;
                        }
                    };
                    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                        Ok(listener) => listener,
                        Err(e) => {
                            let _ = ready_tx.send(Err(format!("cannot listen on 127.0.0.1: {e}")));
                            return;
                        }
                    };
                    let port = match listener.local_addr() {
                        Ok(addr) => addr.port(),
                        Err(e) => {
                            let _ = ready_tx.send(Err(e.to_string()));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(port));
                    let _ = dynoxide::server::serve_with_shutdown(listener, db, async move {
                        let _ = stopped.await;
                    })
                    .await;
                });
            })
            .map_err(|e| Error::Local(e.to_string()))?;
        let port = ready_rx
            .recv()
            .map_err(|_| Error::Local("the server thread ended before it listened".into()))?
            .map_err(Error::Local)?;
        let endpoint = format!("http://127.0.0.1:{port}");
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&endpoint)
            .credentials_provider(Credentials::new(
                "local",
                "local",
                None,
                None,
                "flywheel-local",
            ))
            .build();
        Ok(LocalDynamo {
            engine: Engine::from_client(aws_sdk_dynamodb::Client::from_conf(config))
                .with_retry(crate::retry::RetryPolicy::default()),
            endpoint,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// An engine for this emulator.
    pub fn engine(&self) -> Engine {
        self.engine.clone()
    }

    /// The emulator's HTTP endpoint, such as `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for LocalDynamo {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
