//! Micro-batching: the signatures asked of one key at about the same time
//! are made together by the batch signer (`SigningKey::sign_prehash_batch`:
//! one shared field inversion, and eight lanes where the CPU has IFMA).
//!
//! Each key has a few signing threads sharing one queue. A thread takes
//! the first job, then everything already queued (up to `max`), and waits
//! (at most `wait`) for more only while other requests for this key are
//! known to be on their way (`incoming`: past authorization, not yet
//! queued). A lone request therefore never waits; under load a batch fills
//! while the previous one is being signed. Signing runs on these threads,
//! never on the async runtime's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use gostcms::Signature;
use tokio::sync::oneshot;

use super::config::{BatchSettings, LoadedKey};
use super::metrics::Metrics;

type Reply = oneshot::Sender<Result<Signature, String>>;

struct Job {
    digest: Vec<u8>,
    reply: Reply,
}

/// The signing queue of one key.
pub struct Batcher {
    tx: Sender<Job>,
    incoming: Arc<AtomicUsize>,
}

/// A request that will sign: counted in `incoming` until it is queued or dropped.
pub struct Incoming<'a> {
    batcher: &'a Batcher,
    queued: bool,
}

impl Drop for Incoming<'_> {
    fn drop(&mut self) {
        if !self.queued {
            self.batcher.incoming.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Incoming<'_> {
    /// Signs `digest` (as long as the key's hash) in the next batch.
    pub async fn sign(mut self, digest: Vec<u8>) -> Result<Signature, String> {
        let (reply, answer) = oneshot::channel();
        self.queued = true;
        self.batcher.incoming.fetch_sub(1, Ordering::AcqRel);
        self.batcher
            .tx
            .send(Job { digest, reply })
            .map_err(|_| "the signing threads stopped".to_string())?;
        answer
            .await
            .map_err(|_| "the signing thread dropped the request".to_string())?
    }
}

impl Batcher {
    /// Starts `settings.threads` signing threads for `key`; they end when
    /// the batcher is dropped and its queue is empty.
    pub fn start(
        key: Arc<LoadedKey>,
        settings: BatchSettings,
        metrics: Arc<Metrics>,
    ) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let incoming = Arc::new(AtomicUsize::new(0));
        for i in 0..settings.threads {
            let (rx, key, incoming, metrics) =
                (rx.clone(), key.clone(), incoming.clone(), metrics.clone());
            std::thread::Builder::new()
                .name(format!("sign-{}-{i}", key.name))
                .spawn(move || worker(&rx, &key, &incoming, settings, &metrics))?;
        }
        Ok(Batcher { tx, incoming })
    }

    /// Announces a request that is going to sign with this key.
    pub fn announce(&self) -> Incoming<'_> {
        self.incoming.fetch_add(1, Ordering::AcqRel);
        Incoming {
            batcher: self,
            queued: false,
        }
    }
}

/// Takes the next batch off the queue: None when the queue is closed.
fn next_batch(
    rx: &Mutex<Receiver<Job>>,
    incoming: &AtomicUsize,
    settings: BatchSettings,
) -> Option<Vec<Job>> {
    let rx = match rx.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    let first = rx.recv().ok()?;
    let mut batch = vec![first];
    let deadline = Instant::now() + settings.wait;
    while batch.len() < settings.max {
        match rx.try_recv() {
            Ok(job) => {
                batch.push(job);
                continue;
            }
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {}
        }
        // Nothing queued: wait only for requests already on their way.
        let now = Instant::now();
        if incoming.load(Ordering::Acquire) == 0 || now >= deadline {
            break;
        }
        match rx.recv_timeout((deadline - now).min(std::time::Duration::from_micros(50))) {
            Ok(job) => batch.push(job),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(batch)
}

fn worker(
    rx: &Mutex<Receiver<Job>>,
    key: &LoadedKey,
    incoming: &AtomicUsize,
    settings: BatchSettings,
    metrics: &Metrics,
) {
    let signing_key = key.signer.key();
    while let Some(batch) = next_batch(rx, incoming, settings) {
        let result = if batch.len() == 1 {
            signing_key.sign_prehash(&batch[0].digest).map(|s| vec![s])
        } else {
            let digests: Vec<&[u8]> = batch.iter().map(|j| j.digest.as_slice()).collect();
            signing_key.sign_prehash_batch(&digests)
        };
        metrics.batch(batch.len());
        match result {
            Ok(signatures) => {
                for (job, sig) in batch.into_iter().zip(signatures) {
                    let _ = job.reply.send(Ok(sig));
                }
            }
            Err(e) => {
                for job in batch {
                    let _ = job.reply.send(Err(e.to_string()));
                }
            }
        }
    }
}
