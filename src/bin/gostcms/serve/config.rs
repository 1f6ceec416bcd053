//! `serve.toml`: reading, checking and turning it into keys and clients.
//!
//! Everything is checked at load time so a request never meets a
//! half-usable configuration: every client's keys exist, every operation
//! is known, every token hash is 64 hex digits and unique, every key opens
//! with its PIN or password and matches its certificate. The config file,
//! PIN and password files and the TLS key are refused when other users can
//! read or write them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use gostcms::cms::CmsSigner;
use gostcms::esia::JwtVerifier;
use gostcms::import;
use gostcms::keys::Certificate;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::auth::{Client, Operation, RateLimiter};

/// Default address when neither the file nor `--listen` gives one.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8750";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Option<String>,
    max_body_bytes: Option<usize>,
    request_timeout_ms: Option<u64>,
    #[serde(default)]
    jwt_trust: Vec<String>,
    #[serde(default)]
    verify_trust: Vec<String>,
    audit_log: Option<String>,
    tls_cert: Option<String>,
    tls_key: Option<String>,
    batching: Option<bool>,
    batch_max: Option<usize>,
    batch_wait_us: Option<u64>,
    sign_threads: Option<usize>,
    #[serde(default)]
    keys: BTreeMap<String, RawKey>,
    #[serde(default)]
    clients: Vec<RawClient>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    key: String,
    pin_file: Option<String>,
    pin_env: Option<String>,
    password_file: Option<String>,
    password_env: Option<String>,
    cert: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClient {
    name: String,
    token_sha256: String,
    #[serde(default)]
    keys: Vec<String>,
    #[serde(default)]
    operations: Vec<String>,
    rate_per_second: Option<f64>,
}

/// How signing requests for one key are grouped.
#[derive(Clone, Copy, Debug)]
pub struct BatchSettings {
    /// At most this many signatures in one batch (1: batching off).
    pub max: usize,
    /// How long a batch waits for requests already on their way.
    pub wait: Duration,
    /// Signing threads per key.
    pub threads: usize,
}

/// A named key, ready to sign.
pub struct LoadedKey {
    pub name: String,
    pub signer: CmsSigner,
}

/// A loaded, checked configuration.
pub struct Config {
    pub listen: Option<String>,
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    pub jwt: Option<JwtVerifier>,
    pub verify_trust: Vec<Certificate>,
    pub audit_log: Option<String>,
    pub tls: Option<(String, String)>,
    pub batch: BatchSettings,
    pub keys: Vec<Arc<LoadedKey>>,
    pub clients: Vec<Client>,
}

/// Refuses a secret-bearing file that users other than the owner can read
/// or write (mode & 0o066).
pub fn check_private(path: &str, what: &str) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read {what} {path}: {e}"))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o066 != 0 {
            return Err(format!(
                "{what} {path} is readable or writable by other users (mode {mode:04o}); \
                 it holds secrets or names them: chmod 600 {path}"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
    Ok(())
}

fn read_private(path: &str, what: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    check_private(path, what)?;
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| format!("cannot read {what} {path}: {e}"))
}

/// The first line of a PIN / password file, without its line ending.
fn first_line(mut bytes: Zeroizing<Vec<u8>>) -> Zeroizing<Vec<u8>> {
    if let Some(end) = bytes.iter().position(|&b| b == b'\n') {
        bytes.truncate(end);
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    bytes
}

fn secret_of(name: &str, k: &RawKey) -> Result<Zeroizing<Vec<u8>>, String> {
    let given = [&k.pin_file, &k.pin_env, &k.password_file, &k.password_env]
        .iter()
        .filter(|v| v.is_some())
        .count();
    if given > 1 {
        return Err(format!(
            "key {name}: give only one of pin_file, pin_env, password_file, password_env"
        ));
    }
    if let Some(file) = k.pin_file.as_deref().or(k.password_file.as_deref()) {
        return Ok(first_line(read_private(file, "PIN/password file")?));
    }
    if let Some(var) = k.pin_env.as_deref().or(k.password_env.as_deref()) {
        return std::env::var_os(var)
            .map(|v| Zeroizing::new(v.into_encoded_bytes()))
            .ok_or_else(|| format!("key {name}: environment variable {var} is not set"));
    }
    Ok(Zeroizing::new(Vec::new()))
}

fn load_certificate(path: &str) -> Result<Certificate, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read certificate {path}: {e}"))?;
    Certificate::from_pem_or_der(&bytes).map_err(|e| format!("cannot read certificate {path}: {e}"))
}

/// Opens a key the way the CLI's `--key` does: a PKCS#8 file (PEM or DER,
/// encrypted or not), a PFX, or a CryptoPro container folder;
/// `container:DIR` / `pfx:FILE` name the kind.
fn load_key(name: &str, k: &RawKey) -> Result<LoadedKey, String> {
    let secret = secret_of(name, k)?;
    let path = k
        .key
        .strip_prefix("container:")
        .or_else(|| k.key.strip_prefix("pfx:"))
        .unwrap_or(&k.key);
    let imported = import::load_path(Path::new(path), &import::LoadOptions::with_secret(&secret))
        .map_err(|e| format!("key {name}: cannot read {}: {e}", k.key))?;
    let certificate = match (&k.cert, &imported.certificate) {
        (Some(path), _) => load_certificate(path)?,
        (None, Some(c)) => c.clone(),
        (None, None) => {
            return Err(format!(
                "key {name}: {} holds no certificate; give one with cert = \"...\"",
                k.key
            ));
        }
    };
    imported
        .check_certificate(&certificate)
        .map_err(|e| format!("key {name}: {e}"))?;
    let signer = CmsSigner::new(imported.key.clone(), certificate)
        .map_err(|e| format!("key {name}: {e}"))?;
    Ok(LoadedKey {
        name: name.to_string(),
        signer,
    })
}

fn parse_token_hash(client: &str, hex_text: &str) -> Result<Zeroizing<[u8; 32]>, String> {
    let mut out = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_text.trim(), out.as_mut()).map_err(|_| {
        format!("client {client}: token_sha256 must be 64 hex digits (the SHA-256 of the token)")
    })?;
    Ok(out)
}

/// Reads and checks `path`.
pub fn load(path: &str) -> Result<Config, String> {
    let text = read_private(path, "config")?;
    let text = std::str::from_utf8(&text).map_err(|_| format!("config {path}: not UTF-8"))?;
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        format!(
            "config {path}: {}",
            e.to_string().lines().collect::<Vec<_>>().join(" ")
        )
    })?;
    if let Some(listen) = &raw.listen {
        listen
            .parse::<SocketAddr>()
            .map_err(|e| format!("config {path}: listen {listen:?}: {e}"))?;
    }
    let max_body_bytes = raw.max_body_bytes.unwrap_or(1 << 20);
    if max_body_bytes == 0 {
        return Err(format!("config {path}: max_body_bytes must be at least 1"));
    }
    let timeout_ms = raw.request_timeout_ms.unwrap_or(10_000);
    if !(1..=3_600_000).contains(&timeout_ms) {
        return Err(format!(
            "config {path}: request_timeout_ms must be 1..=3600000"
        ));
    }
    let jwt = if raw.jwt_trust.is_empty() {
        None
    } else {
        let certs = raw
            .jwt_trust
            .iter()
            .map(|p| load_certificate(p))
            .collect::<Result<Vec<_>, _>>()?;
        Some(JwtVerifier::new(&certs).map_err(|e| format!("jwt_trust: {e}"))?)
    };
    let verify_trust = raw
        .verify_trust
        .iter()
        .map(|p| load_certificate(p))
        .collect::<Result<Vec<_>, _>>()?;
    let tls = match (raw.tls_cert, raw.tls_key) {
        (None, None) => None,
        (Some(c), Some(k)) => {
            check_private(&k, "TLS key")?;
            Some((c, k))
        }
        _ => {
            return Err(format!(
                "config {path}: give both tls_cert and tls_key, or neither"
            ));
        }
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let batching = raw.batching.unwrap_or(true);
    let batch = BatchSettings {
        max: if batching {
            raw.batch_max.unwrap_or(8).clamp(1, 64)
        } else {
            1
        },
        wait: if batching {
            Duration::from_micros(raw.batch_wait_us.unwrap_or(200).min(10_000))
        } else {
            Duration::ZERO
        },
        threads: raw.sign_threads.unwrap_or(cpus).clamp(1, 256),
    };
    let mut keys = Vec::new();
    for (name, k) in &raw.keys {
        keys.push(Arc::new(load_key(name, k)?));
    }
    let key_names: HashSet<&str> = raw.keys.keys().map(String::as_str).collect();
    let mut clients = Vec::new();
    let mut names = HashSet::new();
    let mut hashes: HashMap<[u8; 32], String> = HashMap::new();
    for c in &raw.clients {
        if !names.insert(c.name.as_str()) {
            return Err(format!("config {path}: two clients named {}", c.name));
        }
        let hash = parse_token_hash(&c.name, &c.token_sha256)?;
        if let Some(other) = hashes.insert(*hash, c.name.clone()) {
            return Err(format!(
                "config {path}: clients {other} and {} have the same token",
                c.name
            ));
        }
        for k in &c.keys {
            if !key_names.contains(k.as_str()) {
                return Err(format!("client {}: no key named {k} in [keys]", c.name));
            }
        }
        let mut operations = Vec::new();
        for op in &c.operations {
            operations.push(Operation::parse(op).ok_or_else(|| {
                format!(
                    "client {}: unknown operation {op:?} (client-secret, request-data-sign, sign, verify, jwt-verify)",
                    c.name
                )
            })?);
        }
        let limiter = match c.rate_per_second {
            None => None,
            Some(r) if r.is_finite() && r > 0.0 => Some(RateLimiter::new(r)),
            Some(r) => {
                return Err(format!(
                    "client {}: rate_per_second must be above 0, not {r}",
                    c.name
                ));
            }
        };
        clients.push(Client {
            name: c.name.clone(),
            token_sha256: hash,
            keys: c.keys.iter().cloned().collect(),
            operations,
            limiter,
        });
    }
    Ok(Config {
        listen: raw.listen,
        max_body_bytes,
        request_timeout: Duration::from_millis(timeout_ms),
        jwt,
        verify_trust,
        audit_log: raw.audit_log,
        tls,
        batch,
        keys,
        clients,
    })
}
