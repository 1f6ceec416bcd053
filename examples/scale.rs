//! Thread scaling of batch signing, measured interleaved so that drifts of
//! a shared machine hit both settings alike:
//! `cargo run --release --example scale -- CURVE ROUNDS SECONDS [BATCH]`.
//! Each round signs BATCH-digest batches (default 256, as `gostcms speed
//! --op batch`) for SECONDS on 1 thread and for SECONDS on every core
//! (odd rounds in the other order); prints each round, the medians, and
//! the median of the rounds' own ratios, which a slow drift of the
//! machine's speed disturbs least. "CPUs busy" is the CPU time the
//! process got per second of the many-thread measurement (Linux only):
//! below N, the machine did not give the threads their cores.

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

/// Nanoseconds this process's threads have spent on a CPU (Linux
/// schedstat, summed over the threads alive now), or `None` elsewhere.
/// The pools' threads live for the whole run, so differences are exact.
fn cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// Signatures per second, and the CPU-seconds the process used per
/// second of it.
fn measured(key: &SigningKey, refs: &[&[u8]], pool: &rayon::ThreadPool, secs: f64) -> (f64, f64) {
    let (wall, cpu) = (Instant::now(), cpu_ns());
    let r = rate(key, refs, pool, secs);
    let used = match (cpu, cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 * 1e-9 / wall.elapsed().as_secs_f64(),
        _ => f64::NAN,
    };
    (r, used)
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
    // Warm both pools (threads started, tables built) before measuring.
    measured(&key, &refs, &one, 0.1);
    measured(&key, &refs, &all, 0.1);
    let (mut ratios, mut singles, mut multis, mut used) = (vec![], vec![], vec![], vec![]);
    for round in 0..rounds {
        // Odd rounds measure the pool of every core first, so that a
        // drift of the machine's speed favours neither order.
        let (s, m) = if round % 2 == 0 {
            let s = measured(&key, &refs, &one, secs);
            (s, measured(&key, &refs, &all, secs))
        } else {
            let m = measured(&key, &refs, &all, secs);
            (measured(&key, &refs, &one, secs), m)
        };
        println!(
            "round {round}: 1 thread {:.0}/s, {cores} threads {:.0}/s ({:.2} CPUs busy), ratio {:.2}",
            s.0,
            m.0,
            m.1,
            m.0 / s.0
        );
        ratios.push(m.0 / s.0);
        singles.push(s.0);
        multis.push(m.0);
        used.push(m.1);
    }
    let (lo, hi) = ratios
        .iter()
        .fold((f64::INFINITY, 0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
    let (s, m, r) = (median(singles), median(multis), median(ratios));
    println!(
        "median: 1 thread {s:.0}/s, {cores} threads {m:.0}/s ({:.2} CPUs busy); \
         median round ratio {r:.2} = {:.2} x N (rounds {lo:.2}-{hi:.2})",
        median(used),
        r / cores as f64
    );
}
