//! Thread scaling of batch signing, measured interleaved so that drifts of
//! a shared machine hit both settings alike:
//! `cargo run --release --example scale -- CURVE ROUNDS SECONDS [BATCH]`.
//! Each round signs BATCH-digest batches (default 256, as `gostcms speed
//! --op batch`) for SECONDS on 1 thread, then on
//! every core; prints each round and the medians.

use std::time::Instant;

use gostcms::{CurveId, SigningKey};

/// Signatures per second. The loop runs inside the pool (`install` once),
/// as a service whose work is already on rayon's threads would call the
/// batch; calling `install` per batch from an outside thread adds a
/// cross-thread wake-up per batch (`OUTSIDE=1` measures that way).
fn rate(key: &SigningKey, refs: &[&[u8]], pool: &rayon::ThreadPool, secs: f64) -> f64 {
    let outside = std::env::var_os("OUTSIDE").is_some();
    let start = Instant::now();
    let run = || {
        let mut count = 0;
        while count == 0 || start.elapsed().as_secs_f64() < secs {
            count += if outside {
                pool.install(|| key.par_sign_prehash_batch(refs))
            } else {
                key.par_sign_prehash_batch(refs)
            }
            .expect("sign")
            .len();
        }
        count
    };
    let count = if outside { run() } else { pool.install(run) };
    count as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let curve: CurveId = args
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or(CurveId::CryptoProA);
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let secs: f64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(2.0);
    let batch: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(256);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let key = SigningKey::generate(curve).expect("key");
    let len = curve.key_size().coordinate_len();
    let digests: Vec<Vec<u8>> = (0..batch)
        .map(|i| {
            let mut d = vec![0x5a; len];
            d[..4].copy_from_slice(&i.to_le_bytes());
            d
        })
        .collect();
    let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let all = rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build()
        .expect("pool");
    let (mut singles, mut multis) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let s = rate(&key, &refs, &one, secs);
        let m = rate(&key, &refs, &all, secs);
        println!(
            "round {round}: 1 thread {s:.0}/s, {cores} threads {m:.0}/s, ratio {:.2}",
            m / s
        );
        singles.push(s);
        multis.push(m);
    }
    let (s, m) = (median(singles), median(multis));
    println!(
        "median: 1 thread {s:.0}/s, {cores} threads {m:.0}/s, scaling {:.2} = {:.2} x N",
        m / s,
        m / s / cores as f64
    );
}
