//! Prometheus text exposition (format 0.0.4) of a few counters and one
//! latency histogram; small enough to write out directly.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram, seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(&'static str, u16), u64>,
    latency: BTreeMap<&'static str, Histogram>,
    signatures: BTreeMap<String, u64>,
    batches: u64,
    batched_signatures: u64,
    reloads: BTreeMap<&'static str, u64>,
}

/// The counters; shared by every configuration the server goes through.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        match self.inner.lock() {
            Ok(mut g) => f(&mut g),
            Err(p) => f(&mut p.into_inner()),
        }
    }

    /// One answered request.
    pub fn request(&self, endpoint: &'static str, status: u16, took: Duration) {
        self.with(|m| {
            *m.requests.entry((endpoint, status)).or_default() += 1;
            let h = m.latency.entry(endpoint).or_default();
            let secs = took.as_secs_f64();
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter_mut()) {
                if secs <= *bound {
                    *count += 1;
                }
            }
            h.count += 1;
            h.sum += secs;
        });
    }

    /// One signature made with `key`.
    pub fn signature(&self, key: &str) {
        self.with(|m| match m.signatures.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                m.signatures.insert(key.to_string(), 1);
            }
        });
    }

    /// One batch of `size` signatures.
    pub fn batch(&self, size: usize) {
        self.with(|m| {
            m.batches += 1;
            m.batched_signatures += size as u64;
        });
    }

    /// One configuration reload, `ok` or `error`.
    pub fn reload(&self, result: &'static str) {
        self.with(|m| *m.reloads.entry(result).or_default() += 1);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        self.with(|m| {
            let mut out = String::new();
            out.push_str("# HELP gostcms_requests_total HTTP requests answered, by endpoint and status.\n");
            out.push_str("# TYPE gostcms_requests_total counter\n");
            for ((endpoint, status), n) in &m.requests {
                let _ = writeln!(
                    out,
                    "gostcms_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {n}"
                );
            }
            out.push_str("# HELP gostcms_request_duration_seconds Time from request to answer, by endpoint.\n");
            out.push_str("# TYPE gostcms_request_duration_seconds histogram\n");
            for (endpoint, h) in &m.latency {
                for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                    let _ = writeln!(
                        out,
                        "gostcms_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"{bound}\"}} {count}"
                    );
                }
                let _ = writeln!(
                    out,
                    "gostcms_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "gostcms_request_duration_seconds_sum{{endpoint=\"{endpoint}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "gostcms_request_duration_seconds_count{{endpoint=\"{endpoint}\"}} {}",
                    h.count
                );
            }
            out.push_str("# HELP gostcms_signatures_total Signatures made, by key.\n");
            out.push_str("# TYPE gostcms_signatures_total counter\n");
            for (key, n) in &m.signatures {
                let _ = writeln!(
                    out,
                    "gostcms_signatures_total{{key=\"{}\"}} {n}",
                    escape(key)
                );
            }
            out.push_str("# HELP gostcms_sign_batches_total Batches given to the batch signer.\n");
            out.push_str("# TYPE gostcms_sign_batches_total counter\n");
            let _ = writeln!(out, "gostcms_sign_batches_total {}", m.batches);
            out.push_str("# HELP gostcms_sign_batched_signatures_total Signatures in those batches (divided by the batches: the mean batch size).\n");
            out.push_str("# TYPE gostcms_sign_batched_signatures_total counter\n");
            let _ = writeln!(
                out,
                "gostcms_sign_batched_signatures_total {}",
                m.batched_signatures
            );
            out.push_str("# HELP gostcms_config_reloads_total SIGHUP reloads, by result.\n");
            out.push_str("# TYPE gostcms_config_reloads_total counter\n");
            for result in ["ok", "error"] {
                let n = m.reloads.get(result).copied().unwrap_or(0);
                let _ = writeln!(out, "gostcms_config_reloads_total{{result=\"{result}\"}} {n}");
            }
            out
        })
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
