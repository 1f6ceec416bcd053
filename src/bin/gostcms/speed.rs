//! `gostcms speed`: one tab-separated line per measurement,
//! `curve<TAB>op<TAB>threads<TAB>value` (ops/s, or MB/s for `hash`).

use std::time::{Duration, Instant};

use gostcms::{CurveId, HashAlg, SigningKey};

use super::CliError;

/// Operations named by the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SpeedOp {
    /// Raw signing of a fixed digest.
    Sign,
    /// Raw verification.
    Verify,
    /// Verification with the key's precomputed tables (a key seen before).
    VerifyCached,
    /// Detached CMS SignedData of a 150-byte client_secret string.
    Cms,
    /// Batch signing of 256 digests with one key; with `--threads N`, one
    /// line for 1 thread and one for N (rayon), total signatures per second.
    Batch,
    /// Verification of a detached CMS SignedData over the ESIA
    /// client_secret string: parsed and verified each time (the embedded
    /// certificate decoded, its key used), the certificate not checked;
    /// OpenSSL's CMS_verify with CMS_NO_SIGNER_CERT_VERIFY does the same.
    CmsVerify,
    /// Verification of an ESIA-shaped JWT (header, claims, times, issuer,
    /// audience) with the trusted key's tables cached.
    JwtVerify,
    /// Streebog-256/512 throughput on 1 MiB buffers.
    Hash,
    /// Every operation above.
    All,
}

/// Runs `work` on `threads` OS threads for `secs` seconds; returns total calls per second.
fn rate(threads: usize, secs: f64, work: &(dyn Fn() -> bool + Sync)) -> Result<f64, String> {
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let counts: Vec<Result<u64, ()>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0u64;
                    while n == 0 || start.elapsed() < budget {
                        if !work() {
                            return Err(());
                        }
                        n += 1;
                    }
                    Ok(n)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(())))
            .collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let mut total = 0u64;
    for c in counts {
        total += c.map_err(|()| "benchmark operation failed".to_string())?;
    }
    Ok(total as f64 / elapsed.max(1e-9))
}

/// Signatures per second of `SigningKey::sign_prehash_batch` (one thread)
/// or `par_sign_prehash_batch` on a pool of `threads` threads, over
/// batches of 256 distinct digests.
fn batch_rate(key: &SigningKey, threads: usize, secs: f64) -> Result<f64, String> {
    const BATCH: usize = 256;
    let n = key.curve().key_size().coordinate_len();
    let digests: Vec<Vec<u8>> = (0..BATCH)
        .map(|i| {
            let mut d = vec![0x5a; n];
            d[0] = i as u8;
            d[1] = (i >> 8) as u8;
            d
        })
        .collect();
    let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())?;
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut signed = 0usize;
    while signed == 0 || start.elapsed() < budget {
        let sigs = if threads == 1 {
            key.sign_prehash_batch(&refs)
        } else {
            pool.install(|| key.par_sign_prehash_batch(&refs))
        }
        .map_err(|e| e.to_string())?;
        signed += sigs.len();
    }
    Ok(signed as f64 / start.elapsed().as_secs_f64().max(1e-9))
}

fn line(curve: &str, op: &str, threads: usize, value: String) -> Result<(), CliError> {
    outln!("{curve}\t{op}\t{threads}\t{value}")
}

/// The string ossl_gost_bench.c signs with CMS_sign: an ESIA client_secret's.
const MESSAGE: &[u8] = b"TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300bbf0aef5-5237-41bc-8cba-291e29a3ade8https://test.application.ru/auth/api/v1/esia/return";

/// An access token in ESIA's shape, signed by `key` (raw s||r, base64url),
/// valid at `now`, for client TESTAPPLICATION.
fn esia_token(key: &SigningKey, now: i64) -> Result<String, String> {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let alg = match key.curve().key_size() {
        gostcms::KeySize::Bits256 => "GOST3410_2012_256",
        gostcms::KeySize::Bits512 => "GOST3410_2012_512",
    };
    let header = serde_json::json!({"ver": 1, "typ": "JWT", "sbt": "access", "alg": alg});
    let claims = serde_json::json!({
        "nbf": now - 10, "iat": now - 10, "exp": now + 3600,
        "scope": "openid fullname?oid=1000299526",
        "iss": "http://esia.gosuslugi.ru/",
        "urn:esia:sid": "dfa8dfe4e2cbad40fcfc974a9bcd445b570c2c90c22612047a940c56afa2c463",
        "urn:esia:sbj_id": 1000299526,
        "client_id": "TESTAPPLICATION",
        "aud": "TESTAPPLICATION"
    });
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let digest = key.hash_alg().digest(input.as_bytes());
    let sig = key.sign_prehash(&digest).map_err(|e| e.to_string())?;
    Ok(format!("{input}.{}", b64(sig.as_bytes())))
}

/// `gostcms speed`.
pub fn run(curve: &str, op: SpeedOp, secs: f64, threads: usize) -> Result<(), CliError> {
    if !(secs.is_finite() && secs > 0.0 && secs < 1e6) {
        return Err(CliError::usage(format!(
            "--seconds must be a positive number, got {secs}"
        )));
    }
    if threads == 0 {
        return Err(CliError::usage("--threads must be at least 1"));
    }
    let curves: Vec<CurveId> = if curve.eq_ignore_ascii_case("all") {
        CurveId::ALL.to_vec()
    } else {
        vec![
            curve
                .parse()
                .map_err(|e: gostcms::Error| CliError::usage(e.to_string()))?,
        ]
    };
    let wants = |o: SpeedOp| op == o || op == SpeedOp::All;
    let fail = |e: String| CliError::input(format!("speed: {e}"));

    if wants(SpeedOp::Sign)
        || wants(SpeedOp::Verify)
        || wants(SpeedOp::VerifyCached)
        || wants(SpeedOp::Batch)
        || wants(SpeedOp::Cms)
        || wants(SpeedOp::CmsVerify)
        || wants(SpeedOp::JwtVerify)
    {
        for c in curves {
            let key = SigningKey::generate(c).map_err(|e| fail(e.to_string()))?;
            let digest = key.hash_alg().digest(b"gostcms speed");
            if wants(SpeedOp::Sign) {
                let r = rate(threads, secs, &|| key.sign_prehash(&digest).is_ok()).map_err(fail)?;
                line(c.name(), "sign", threads, format!("{r:.0}"))?;
            }
            if wants(SpeedOp::Verify) {
                let sig = key.sign_prehash(&digest).map_err(|e| fail(e.to_string()))?;
                let vk = *key.verifying_key();
                let r = rate(threads, secs, &|| vk.verify_prehash(&digest, &sig).is_ok())
                    .map_err(fail)?;
                line(c.name(), "verify", threads, format!("{r:.0}"))?;
            }
            if wants(SpeedOp::VerifyCached) {
                let sig = key.sign_prehash(&digest).map_err(|e| fail(e.to_string()))?;
                let prepared = key
                    .verifying_key()
                    .prepared_cached()
                    .map_err(|e| fail(e.to_string()))?;
                let r = rate(threads, secs, &|| {
                    prepared.verify_prehash(&digest, &sig).is_ok()
                })
                .map_err(fail)?;
                line(c.name(), "verify-cached", threads, format!("{r:.0}"))?;
            }
            if wants(SpeedOp::Batch) {
                let mut counts = vec![1];
                if threads > 1 {
                    counts.push(threads);
                }
                for t in counts {
                    let r = batch_rate(&key, t, secs).map_err(fail)?;
                    line(c.name(), "batch", t, format!("{r:.0}"))?;
                }
            }
            if wants(SpeedOp::Cms) || wants(SpeedOp::CmsVerify) {
                let cert = gostcms::keys::self_signed(&key, "CN=bench", 2, None)
                    .map_err(|e| fail(e.to_string()))?;
                let signer = gostcms::cms::CmsSigner::new(key.clone(), cert)
                    .map_err(|e| fail(e.to_string()))?;
                let options = gostcms::cms::SignOptions::default();
                if wants(SpeedOp::Cms) {
                    let r = rate(threads, secs, &|| signer.sign(MESSAGE, &options).is_ok())
                        .map_err(fail)?;
                    line(c.name(), "cms", threads, format!("{r:.0}"))?;
                }
                if wants(SpeedOp::CmsVerify) {
                    let der = signer
                        .sign(MESSAGE, &options)
                        .map_err(|e| fail(e.to_string()))?;
                    let verify = || {
                        gostcms::cms::verify(&der, gostcms::cms::Content::Bytes(MESSAGE), &[])
                            .is_ok_and(|r| r.all_valid())
                    };
                    if !verify() {
                        return Err(fail(
                            "cms-verify: the benchmark signature does not verify".into(),
                        ));
                    }
                    let r = rate(threads, secs, &verify).map_err(fail)?;
                    line(c.name(), "cms-verify", threads, format!("{r:.0}"))?;
                }
            }
            if wants(SpeedOp::JwtVerify) {
                let now = 1_700_000_000;
                let token = esia_token(&key, now).map_err(fail)?;
                let cert = gostcms::keys::self_signed(&key, "CN=esia bench", 2, None)
                    .map_err(|e| fail(e.to_string()))?;
                let verifier = gostcms::esia::JwtVerifier::new(&[cert])
                    .map_err(|e| fail(e.to_string()))?
                    .client_id("TESTAPPLICATION")
                    .now(now);
                if let Err(e) = verifier.verify(&token) {
                    return Err(fail(format!(
                        "jwt-verify: the benchmark token is rejected: {e}"
                    )));
                }
                let r = rate(threads, secs, &|| verifier.verify(&token).is_ok()).map_err(fail)?;
                line(c.name(), "jwt-verify", threads, format!("{r:.0}"))?;
            }
        }
    }
    if wants(SpeedOp::Hash) {
        let buf = vec![0x5au8; 1 << 20];
        for alg in [HashAlg::Streebog256, HashAlg::Streebog512] {
            let r = rate(threads, secs, &|| {
                alg.digest(&buf).len() == alg.output_len()
            })
            .map_err(fail)?;
            // MB = MiB, as in bench/ossl_gost_bench.c.
            line(alg.name(), "hash", threads, format!("{r:.1}"))?;
        }
    }
    Ok(())
}
