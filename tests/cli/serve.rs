//! `gostcms serve`: the real binary on a free port of 127.0.0.1, driven by
//! a real HTTP client (ureq); signatures checked by OpenSSL's gost engine
//! (our own verifier where OpenSSL is missing, never under CI=1).

#![cfg(feature = "serve")]

use crate::common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::{crate_path, engine_available, gostcms, ok, openssl, run};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const TOKEN_PORTAL: &str = "portal-token-0123456789";
const TOKEN_LIMITED: &str = "limited-token-abcdef";
const TOKEN_VERIFIER: &str = "verifier-token-xyz";
const TOKEN_STEADY: &str = "steady-token-789";

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

use common::path_str as s;

/// Writes `text` to `path` with mode 0600.
fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
}

/// Keys and certificates for one test: a generated tc26-256-a key
/// (`gen`) and the CryptoPro container from vectors/ opened with a PIN file
/// (`esia`).
struct Fixture {
    dir: tempfile::TempDir,
    gen_key: PathBuf,
    gen_cert: PathBuf,
    esia_cert: PathBuf,
    pin_file: PathBuf,
    audit: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = common::tempdir();
        let gen_key = dir.path().join("gen.pem");
        let gen_cert = dir.path().join("gen.crt");
        ok(
            &run(&[
                "keygen",
                "--curve",
                "tc26-256-a",
                "--out",
                s(&gen_key),
                "--cert",
                s(&gen_cert),
                "--subject",
                "CN=serve test,O=gostcms",
            ]),
            "keygen",
        );
        let pin_file = dir.path().join("pin");
        write_private(&pin_file, "1xqoyc4e\n");
        let audit = dir.path().join("audit.log");
        Fixture {
            gen_key,
            gen_cert,
            esia_cert: crate_path("vectors/cryptopro/ilimurzin-esia/otvconba.cer"),
            pin_file,
            audit,
            dir,
        }
    }

    /// A config with three clients; `extra` is appended (top-level keys
    /// must come first, so it is spliced in before the tables).
    fn config(&self, top: &str, portal_token: &str) -> PathBuf {
        self.config_named("serve.toml", top, portal_token)
    }

    fn config_named(&self, name: &str, top: &str, portal_token: &str) -> PathBuf {
        let container = crate_path("vectors/cryptopro/ilimurzin-esia/otvconba.000");
        let text = format!(
            r#"
listen = "127.0.0.1:0"
max_body_bytes = 4096
request_timeout_ms = 30000
audit_log = "{audit}"
jwt_trust = ["{gen_cert}"]
{top}

[keys.gen]
key = "{gen_key}"
cert = "{gen_cert}"

[keys.esia]
key = "container:{container}"
pin_file = "{pin}"
cert = "{esia_cert}"

[[clients]]
name = "portal"
token_sha256 = "{portal}"
keys = ["gen", "esia"]
operations = ["client-secret", "request-data-sign", "sign", "verify", "jwt-verify"]

[[clients]]
name = "limited"
token_sha256 = "{limited}"
keys = ["gen"]
operations = ["sign"]
rate_per_second = 1

[[clients]]
name = "verifier"
token_sha256 = "{verifier}"
operations = ["verify"]

[[clients]]
name = "steady"
token_sha256 = "{steady}"
keys = ["gen", "esia"]
operations = ["sign", "client-secret"]
"#,
            audit = s(&self.audit),
            gen_cert = s(&self.gen_cert),
            gen_key = s(&self.gen_key),
            container = s(&container),
            pin = s(&self.pin_file),
            esia_cert = s(&self.esia_cert),
            portal = sha256_hex(portal_token),
            limited = sha256_hex(TOKEN_LIMITED),
            verifier = sha256_hex(TOKEN_VERIFIER),
            steady = sha256_hex(TOKEN_STEADY),
        );
        let path = self.dir.path().join(name);
        write_private(&path, &text);
        path
    }
}

/// The running service; killed when dropped.
struct Server {
    child: Child,
    base: String,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(config: &Path) -> Server {
        let mut child = gostcms()
            .args(["serve", "--config", s(config), "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gostcms serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_string());
                }
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the server did not start: {}", log.lock().unwrap());
            }
        };
        Server {
            base: format!("http://{addr}"),
            addr,
            child,
            log,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn signal(&self, name: &str) {
        // The shell's own kill: no procps needed.
        let status = std::process::Command::new("sh")
            .args(["-c", &format!("kill -{name} {}", self.child.id())])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn rss_kib(&self) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    /// Waits for the process to end; its exit code.
    fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server did not stop within {within:?}: {}", self.log());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// POSTs `body` with `token`; (status, JSON answer).
fn post(agent: &ureq::Agent, url: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut req = agent.post(url).header("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let mut resp = req.send(body).unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap();
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, value)
}

fn get(agent: &ureq::Agent, url: &str) -> (u16, String) {
    let mut resp = agent.get(url).call().unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap())
}

fn b64(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// A detached (`data` Some) or attached CMS verified by `openssl cms -verify`,
/// or by our CLI where OpenSSL with the gost engine is missing.
fn cms_verifies(dir: &Path, der: &[u8], data: Option<&[u8]>, tag: &str) -> bool {
    let sig = dir.join(format!("{tag}.p7s"));
    fs::write(&sig, der).unwrap();
    let content = dir.join(format!("{tag}.bin"));
    if let Some(d) = data {
        fs::write(&content, d).unwrap();
    }
    if engine_available() {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"cms",
            &"-verify",
            &"-binary",
            &"-inform",
            &"DER",
            &"-in",
            &sig,
            &"-noverify",
            &"-out",
            &"/dev/null",
        ];
        if data.is_some() {
            args.push(&"-content");
            args.push(&content);
        }
        let out = openssl(&args);
        out.status.success()
            && String::from_utf8_lossy(&out.stderr).contains("Verification successful")
    } else {
        let mut args = vec!["verify", s(&sig)];
        if data.is_some() {
            args.extend(["--content", s(&content)]);
        }
        run(&args).status.success()
    }
}

/// A raw s||r signature over `data` checked against `cert` by `openssl dgst
/// -verify` (or our raw-verify).
fn raw_verifies(dir: &Path, cert: &Path, sig: &[u8], data: &[u8], tag: &str) -> bool {
    let sig_path = dir.join(format!("{tag}.sig"));
    let msg = dir.join(format!("{tag}.msg"));
    fs::write(&sig_path, sig).unwrap();
    fs::write(&msg, data).unwrap();
    if engine_available() {
        let pubk = dir.join(format!("{tag}.pub"));
        let out = openssl(&[&"x509", &"-in", &cert, &"-pubkey", &"-noout"]);
        ok(&out, "x509 -pubkey");
        fs::write(&pubk, &out.stdout).unwrap();
        let out = openssl(&[
            &"dgst",
            &"-md_gost12_256",
            &"-verify",
            &pubk,
            &"-signature",
            &sig_path,
            &msg,
        ]);
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Verified OK")
    } else {
        run(&[
            "raw-verify",
            "--cert",
            s(cert),
            "--signature",
            s(&sig_path),
            s(&msg),
        ])
        .status
        .success()
    }
}

/// The certificate of the `esia` container key in PEM (OpenSSL's x509 reads either).
fn esia_cert(f: &Fixture) -> PathBuf {
    f.esia_cert.clone()
}

#[test]
fn every_endpoint_and_every_error_status() {
    let f = Fixture::new();
    let server = Server::start(&f.config("", TOKEN_PORTAL));
    let a = agent();
    let dir = f.dir.path();

    let (status, body) = get(&a, &server.url("/healthz"));
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));

    // client-secret, v2/ac (raw) with the container key: OpenSSL checks the signed string.
    let req = json!({
        "key": "esia", "client_id": "TESTAPPLICATION", "scope": "openid",
        "redirect_uri": "https://test.application.ru/return",
        "state": "bbf0aef5-5237-41bc-8cba-291e29a3ade8",
        "timestamp": "2021.11.10 12:28:46 +0300",
    });
    let (status, cs) = post(
        &a,
        &server.url("/v1/esia/client-secret"),
        Some(TOKEN_PORTAL),
        &req.to_string(),
    );
    assert_eq!(status, 200, "{cs}");
    assert_eq!(
        cs["signed_string"],
        "TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300bbf0aef5-5237-41bc-8cba-291e29a3ade8https://test.application.ru/return"
    );
    assert_eq!(cs["state"], "bbf0aef5-5237-41bc-8cba-291e29a3ade8");
    let want_hash = common::stdout(&run(&["esia", "cert-hash", s(&esia_cert(&f))]));
    assert_eq!(cs["client_certificate_hash"], want_hash.trim());
    let sig = URL_SAFE_NO_PAD
        .decode(cs["client_secret"].as_str().unwrap())
        .unwrap();
    assert_eq!(sig.len(), 64);
    assert!(raw_verifies(
        dir,
        &esia_cert(&f),
        &sig,
        cs["signed_string"].as_str().unwrap().as_bytes(),
        "cs"
    ));
    let mut flipped = sig.clone();
    flipped[10] ^= 1;
    assert!(!raw_verifies(
        dir,
        &esia_cert(&f),
        &flipped,
        cs["signed_string"].as_str().unwrap().as_bytes(),
        "cs-bad"
    ));

    // Legacy client-secret: a detached CMS over the legacy order.
    let req =
        json!({"key": "gen", "client_id": "SYS", "scope": "openid", "flow": "legacy-authorize"});
    let (status, legacy) = post(
        &a,
        &server.url("/v1/esia/client-secret"),
        Some(TOKEN_PORTAL),
        &req.to_string(),
    );
    assert_eq!(status, 200, "{legacy}");
    let der = URL_SAFE_NO_PAD
        .decode(legacy["client_secret"].as_str().unwrap())
        .unwrap();
    assert!(cms_verifies(
        dir,
        &der,
        Some(legacy["signed_string"].as_str().unwrap().as_bytes()),
        "legacy"
    ));

    // request-data-sign: detached CMS over exactly the JSON bytes.
    let json_body = br#"{"contacts":[{"type":"EML","value":"a@b.ru"}]}"#;
    let (status, rds) = post(
        &a,
        &server.url("/v1/esia/request-data-sign"),
        Some(TOKEN_PORTAL),
        &json!({"key": "esia", "data": b64(json_body)}).to_string(),
    );
    assert_eq!(status, 200, "{rds}");
    let der = URL_SAFE_NO_PAD
        .decode(rds["signature"].as_str().unwrap())
        .unwrap();
    assert!(cms_verifies(dir, &der, Some(json_body), "rds"));
    assert!(!cms_verifies(dir, &der, Some(b"{\"other\":1}"), "rds-bad"));

    // sign: detached and attached CMS, raw.
    let data = b"document to sign\n";
    for (attached, tag) in [(false, "detached"), (true, "attached")] {
        let (status, v) = post(
            &a,
            &server.url("/v1/sign"),
            Some(TOKEN_PORTAL),
            &json!({"key": "gen", "data": b64(data), "attached": attached}).to_string(),
        );
        assert_eq!(status, 200, "{v}");
        let der = STANDARD.decode(v["signature"].as_str().unwrap()).unwrap();
        assert!(
            cms_verifies(dir, &der, (!attached).then_some(&data[..]), tag),
            "{tag}"
        );
        // /v1/verify on the same signature: valid, and invalid for other data.
        let mut req = json!({"signature": v["signature"]});
        if !attached {
            req["data"] = json!(b64(data));
        }
        let (status, ver) = post(
            &a,
            &server.url("/v1/verify"),
            Some(TOKEN_VERIFIER),
            &req.to_string(),
        );
        assert_eq!(status, 200, "{ver}");
        assert_eq!(ver["valid"], true, "{ver}");
        assert_eq!(ver["signers"][0]["valid"], true);
        assert_eq!(ver["signers"][0]["curve"], "tc26-256-a");
        assert!(
            ver["signers"][0]["subject"]
                .as_str()
                .unwrap()
                .contains("serve test")
        );
        if !attached {
            let req = json!({"signature": v["signature"], "data": b64(b"other")});
            let (status, ver) = post(
                &a,
                &server.url("/v1/verify"),
                Some(TOKEN_VERIFIER),
                &req.to_string(),
            );
            assert_eq!(status, 200);
            assert_eq!(ver["valid"], false, "{ver}");
            assert!(ver["signers"][0]["reason"].is_string());
        }
    }
    let (status, v) = post(
        &a,
        &server.url("/v1/sign"),
        Some(TOKEN_PORTAL),
        &json!({"key": "gen", "data": b64(data), "format": "raw"}).to_string(),
    );
    assert_eq!(status, 200, "{v}");
    let raw = STANDARD.decode(v["signature"].as_str().unwrap()).unwrap();
    assert!(raw_verifies(dir, &f.gen_cert, &raw, data, "raw"));

    // jwt/verify: a token in ESIA's shape signed by the service itself
    // (raw over header.payload), trusted through jwt_trust.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let header = json!({"alg": "GOST3410_2012_256", "typ": "JWT", "ver": 0, "sbt": "access"});
    let claims = json!({
        "nbf": now - 10, "iat": now - 10, "exp": now + 3600, "scope": "openid",
        "iss": "http://esia.gosuslugi.ru/", "client_id": "TESTAPPLICATION",
        "urn:esia:sid": "s", "urn:esia:sbj_id": 1000299526
    });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let (_, v) = post(
        &a,
        &server.url("/v1/sign"),
        Some(TOKEN_PORTAL),
        &json!({"key": "gen", "data": b64(input.as_bytes()), "format": "raw"}).to_string(),
    );
    let sig = STANDARD.decode(v["signature"].as_str().unwrap()).unwrap();
    let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&sig));
    let (status, jv) = post(
        &a,
        &server.url("/v1/jwt/verify"),
        Some(TOKEN_PORTAL),
        &json!({"token": token, "client_id": "TESTAPPLICATION"}).to_string(),
    );
    assert_eq!(status, 200, "{jv}");
    assert_eq!(jv["valid"], true, "{jv}");
    assert_eq!(jv["claims"]["client_id"], "TESTAPPLICATION");
    let mut bad = token.clone();
    bad.replace_range(bad.len() - 4.., "AAAA");
    let (status, jv) = post(
        &a,
        &server.url("/v1/jwt/verify"),
        Some(TOKEN_PORTAL),
        &json!({"token": bad}).to_string(),
    );
    assert_eq!(status, 200);
    assert_eq!(jv["valid"], false, "{jv}");
    assert!(jv["reason"].is_string());

    // Errors: every status of the contract, each a JSON {"error","message"}.
    let sign_url = server.url("/v1/sign");
    let good = json!({"key": "gen", "data": b64(b"x")}).to_string();
    let expect = |status: u16, code: &str, got: (u16, Value)| {
        assert_eq!(got.0, status, "{}", got.1);
        assert_eq!(got.1["error"], code, "{}", got.1);
        assert!(got.1["message"].is_string());
    };
    expect(401, "unauthorized", post(&a, &sign_url, None, &good));
    expect(
        401,
        "unauthorized",
        post(&a, &sign_url, Some("wrong-token"), &good),
    );
    expect(
        403,
        "forbidden",
        post(&a, &sign_url, Some(TOKEN_VERIFIER), &good),
    );
    let other_key = json!({"key": "esia", "data": b64(b"x")}).to_string();
    expect(
        403,
        "forbidden",
        post(&a, &sign_url, Some(TOKEN_LIMITED), &other_key),
    );
    let unknown_key = json!({"key": "nope", "data": b64(b"x")}).to_string();
    expect(
        403,
        "forbidden",
        post(&a, &sign_url, Some(TOKEN_PORTAL), &unknown_key),
    );
    expect(
        400,
        "bad_request",
        post(&a, &sign_url, Some(TOKEN_PORTAL), "{not json"),
    );
    expect(
        400,
        "bad_request",
        post(&a, &sign_url, Some(TOKEN_PORTAL), r#"{"key":"gen"}"#),
    );
    let (_, e) = post(
        &a,
        &sign_url,
        Some(TOKEN_PORTAL),
        r#"{"key":"gen","data":"secret-value-!!"}"#,
    );
    assert_eq!(e["error"], "bad_request");
    let (_, e) = post(
        &a,
        &sign_url,
        Some(TOKEN_PORTAL),
        r#"{"key":"gen","data":12345678}"#,
    );
    assert!(!e["message"].as_str().unwrap().contains("12345678"), "{e}");
    expect(
        400,
        "bad_request",
        post(
            &a,
            &sign_url,
            Some(TOKEN_PORTAL),
            &json!({"key": "gen", "data": "x", "format": "pkcs7"}).to_string(),
        ),
    );
    expect(
        404,
        "not_found",
        post(&a, &server.url("/v1/nothing"), Some(TOKEN_PORTAL), &good),
    );
    // 413: a declared length over max_body_bytes is refused before any of
    // the body is read (a raw connection: the body is never sent).
    let mut conn = TcpStream::connect(&server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        conn,
        "POST /v1/sign HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN_PORTAL}\r\nContent-Length: 100000\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""error":"too_large""#), "{answer}");
    // ... and a body over the limit without a declared length (chunked).
    let mut conn = TcpStream::connect(&server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        conn,
        "POST /v1/sign HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN_PORTAL}\r\nTransfer-Encoding: chunked\r\n\r\n1001\r\n{}\r\n",
        "a".repeat(4097)
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // rate_per_second = 1: a burst of five gets at least one 429. (The 403
    // above took this second's token: wait for the bucket to refill.)
    std::thread::sleep(Duration::from_millis(1100));
    let statuses: Vec<u16> = (0..5)
        .map(|_| post(&a, &sign_url, Some(TOKEN_LIMITED), &good).0)
        .collect();
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");

    // Metrics: requests by endpoint and status, signatures by key, latency.
    let (status, metrics) = get(&a, &server.url("/metrics"));
    assert_eq!(status, 200);
    for needle in [
        "gostcms_requests_total{endpoint=\"sign\",status=\"200\"}",
        "gostcms_requests_total{endpoint=\"sign\",status=\"401\"}",
        "gostcms_requests_total{endpoint=\"sign\",status=\"429\"}",
        "gostcms_signatures_total{key=\"gen\"}",
        "gostcms_signatures_total{key=\"esia\"}",
        "gostcms_request_duration_seconds_bucket{endpoint=\"client-secret\",le=\"+Inf\"} 2",
    ] {
        assert!(metrics.contains(needle), "{needle} not in\n{metrics}");
    }

    // Audit: one line per signature; names, never data or tokens.
    let audit = fs::read_to_string(&f.audit).unwrap();
    let lines: Vec<Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let signed_ok = metrics
        .lines()
        .filter(|l| l.starts_with("gostcms_signatures_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<usize>().unwrap())
        .sum::<usize>();
    assert_eq!(lines.len(), signed_ok, "{audit}");
    let first = &lines[0];
    assert_eq!(first["client"], "portal");
    assert_eq!(first["key"], "esia");
    assert_eq!(first["operation"], "client-secret");
    let want = common::stdout(&run_stdin_hash(cs["signed_string"].as_str().unwrap()));
    assert_eq!(first["streebog256"], want.trim());
    for (needle, what) in [
        (TOKEN_PORTAL, "token"),
        (TOKEN_LIMITED, "token"),
        ("document to sign", "data"),
        ("TESTAPPLICATION", "signed string"),
    ] {
        assert!(!audit.contains(needle), "the audit log holds the {what}");
        assert!(!server.log().contains(needle), "the log holds the {what}");
    }
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(&f.audit).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode, 0o600);
}

fn run_stdin_hash(text: &str) -> std::process::Output {
    let mut child = gostcms()
        .args(["hash", "--alg", "streebog256", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn slow_clients_are_cut_off_at_the_request_timeout() {
    let f = Fixture::new();
    let config = f.config("", TOKEN_PORTAL);
    let text = fs::read_to_string(&config)
        .unwrap()
        .replace("request_timeout_ms = 30000", "request_timeout_ms = 1000");
    write_private(&config, &text);
    let server = Server::start(&config);

    // Headers one byte at a time: the connection is closed after the timeout.
    let mut conn = TcpStream::connect(&server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let head = b"POST /v1/sign HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    let start = Instant::now();
    let mut closed = false;
    for b in head.iter().cycle() {
        if start.elapsed() > Duration::from_secs(15) {
            break;
        }
        if conn.write_all(&[*b]).is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 256];
        match conn.read(&mut buf) {
            Ok(_) => {
                closed = true;
                break;
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(
        closed,
        "a client sending its headers a byte at a time kept the connection for 15 s"
    );

    // A body one byte at a time: 408, then the connection is closed.
    let mut conn = TcpStream::connect(&server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let head = format!(
        "POST /v1/sign HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN_PORTAL}\r\nContent-Length: 200\r\n\r\n"
    );
    conn.write_all(head.as_bytes()).unwrap();
    let start = Instant::now();
    let mut answer = Vec::new();
    while start.elapsed() < Duration::from_secs(15) {
        let _ = conn.write_all(b" ");
        let mut buf = [0u8; 1024];
        match conn.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break,
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\":\"timeout\""), "{answer}");

    // The service still answers.
    let (status, _) = get(&agent(), &server.url("/healthz"));
    assert_eq!(status, 200);
}

#[test]
fn sighup_swaps_a_token_without_failing_a_request_and_sigterm_stops_cleanly() {
    let f = Fixture::new();
    let config = f.config("", TOKEN_PORTAL);
    let mut server = Server::start(&config);
    let sign_url = server.url("/v1/sign");
    let body = json!({"key": "gen", "data": b64(b"reload")}).to_string();

    // Load on a token both configurations keep, during every reload.
    let stop = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let done = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (stop, failures, done, url, body) = (
                stop.clone(),
                failures.clone(),
                done.clone(),
                sign_url.clone(),
                body.clone(),
            );
            std::thread::spawn(move || {
                let a = agent();
                while stop.load(Ordering::Relaxed) == 0 {
                    let (status, v) = post(&a, &url, Some(TOKEN_STEADY), &body);
                    if status != 200 {
                        failures.lock().unwrap().push(format!("{status} {v}"));
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    // A request in flight across the reload, with the token being removed:
    // headers and half the body now, the rest after the reload.
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "POST /v1/sign HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN_PORTAL}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).unwrap();
    slow.write_all(&body.as_bytes()[..10]).unwrap();

    // Swap the portal token.
    let new_token = "portal-token-rotated";
    let text = fs::read_to_string(f.config_named("serve.toml", "", new_token)).unwrap();
    write_private(&config, &text);
    server.signal("HUP");
    let a = agent();
    let start = Instant::now();
    loop {
        let (status, _) = post(&a, &sign_url, Some(new_token), &body);
        if status == 200 {
            break;
        }
        assert_eq!(status, 401);
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "reload not seen: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        post(&a, &sign_url, Some(TOKEN_PORTAL), &body).0,
        401,
        "old token still accepted"
    );
    slow.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the in-flight request failed: {answer}"
    );

    // A config that does not load: the running one stays, the log says why.
    write_private(&config, "this is = = not toml");
    server.signal("HUP");
    let start = Instant::now();
    while !server.log().contains("reload failed") {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(post(&a, &sign_url, Some(new_token), &body).0, 200);
    let (_, metrics) = get(&a, &server.url("/metrics"));
    assert!(
        metrics.contains("gostcms_config_reloads_total{result=\"ok\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("gostcms_config_reloads_total{result=\"error\"} 1"),
        "{metrics}"
    );

    stop.store(1, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} requests failed during reloads: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert!(done.load(Ordering::Relaxed) > 0);

    // SIGTERM with a request in flight: it is answered, then exit 0.
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "POST /v1/sign HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {new_token}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).unwrap();
    slow.write_all(&body.as_bytes()[..5]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    slow.write_all(&body.as_bytes()[5..]).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the request in flight at SIGTERM failed: {answer}"
    );
    assert_eq!(
        server.wait_exit(Duration::from_secs(20)),
        Some(0),
        "{}",
        server.log()
    );
    assert!(
        TcpStream::connect(&server.addr).is_err(),
        "still accepting after SIGTERM"
    );
}

#[test]
fn thousands_of_concurrent_requests_all_answered_and_memory_flat() {
    let f = Fixture::new();
    let server = Server::start(&f.config("", TOKEN_PORTAL));
    let threads = 128;
    let per_thread = 25;
    let run_load = |round: usize| -> Vec<(usize, Vec<u8>, Vec<u8>, bool)> {
        let samples = Arc::new(Mutex::new(Vec::new()));
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (samples, sign_url, cs_url) = (
                    samples.clone(),
                    server.url("/v1/sign"),
                    server.url("/v1/esia/client-secret"),
                );
                std::thread::spawn(move || {
                    let a = agent();
                    for i in 0..per_thread {
                        let n = (round * threads + t) * per_thread + i;
                        let data = format!("message {n}").into_bytes();
                        if n.is_multiple_of(2) {
                            let (status, v) = post(
                                &a,
                                &sign_url,
                                Some(TOKEN_STEADY),
                                &json!({"key": "gen", "data": b64(&data)}).to_string(),
                            );
                            assert_eq!(status, 200, "{v}");
                            if n.is_multiple_of(97) {
                                let der = STANDARD.decode(v["signature"].as_str().unwrap()).unwrap();
                                samples.lock().unwrap().push((n, der, data, true));
                            }
                        } else {
                            let req = json!({"key": "esia", "client_id": format!("SYS{n}"), "scope": "openid", "redirect_uri": "https://x/"});
                            let (status, v) = post(&a, &cs_url, Some(TOKEN_STEADY), &req.to_string());
                            assert_eq!(status, 200, "{v}");
                            if n.is_multiple_of(97) {
                                let sig = URL_SAFE_NO_PAD.decode(v["client_secret"].as_str().unwrap()).unwrap();
                                let signed = v["signed_string"].as_str().unwrap().as_bytes().to_vec();
                                samples.lock().unwrap().push((n, sig, signed, false));
                            }
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("a client thread failed");
        }
        Arc::try_unwrap(samples).unwrap().into_inner().unwrap()
    };
    // A first round warms up allocator arenas and caches; the second must not grow memory.
    let mut samples = run_load(0);
    let rss_before = server.rss_kib();
    samples.extend(run_load(1));
    let rss_after = server.rss_kib();
    assert!(
        rss_after < rss_before + 64 * 1024,
        "memory grew from {rss_before} KiB to {rss_after} KiB over {} requests",
        threads * per_thread
    );
    assert!(samples.len() >= 40, "{}", samples.len());
    let dir = f.dir.path();
    for (n, sig, data, cms) in &samples {
        let ok = if *cms {
            cms_verifies(dir, sig, Some(data), &format!("load{n}"))
        } else {
            raw_verifies(dir, &f.esia_cert, sig, data, &format!("load{n}"))
        };
        assert!(ok, "sampled signature {n} does not verify");
    }
    let (_, metrics) = get(&agent(), &server.url("/metrics"));
    let total: u64 = metrics
        .lines()
        .filter(|l| l.starts_with("gostcms_signatures_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 2 * (threads * per_thread) as u64);
}

#[test]
fn readable_config_or_pin_file_is_refused_with_the_reason() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    let config = f.config("", TOKEN_PORTAL);
    fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&["serve", "--config", s(&config)]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("readable or writable by other users (mode 0644)"),
        "{err}"
    );
    assert!(err.contains("chmod 600"), "{err}");
    fs::set_permissions(&config, fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(&f.pin_file, fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(&["serve", "--config", s(&config)]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("PIN/password file") && err.contains("mode 0640"),
        "{err}"
    );
    assert!(!err.contains("1xqoyc4e"));
    // A wrong PIN: refused at start, the PIN not repeated.
    write_private(&f.pin_file, "wrong-pin\n");
    let out = run(&["serve", "--config", s(&config)]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("key esia"), "{err}");
    assert!(!err.contains("wrong-pin"), "{err}");
}

#[test]
fn tls_with_rustls() {
    if !engine_available() {
        return;
    }
    let f = Fixture::new();
    let dir = f.dir.path();
    let (cert, key) = (dir.join("tls.crt"), dir.join("tls.key"));
    // An ordinary P-256 certificate (rustls has no GOST suites), plain openssl.
    let out = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            s(&key),
            "-out",
            s(&cert),
        ])
        .output()
        .unwrap();
    ok(&out, "openssl req (TLS certificate)");
    let top = format!("tls_cert = \"{}\"\ntls_key = \"{}\"", s(&cert), s(&key));
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let config = f.config(&top, TOKEN_PORTAL);
    let mut child = gostcms()
        .args(["serve", "--config", s(&config), "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server output").unwrap();
        if let Some(rest) = line.split("listening on https://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    let mut client = std::process::Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &addr,
            "-CAfile",
            s(&cert),
            "-verify_return_error",
            "-quiet",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    client
        .stdin
        .take()
        .unwrap()
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let out = client.wait_with_output().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains(r#"{"status":"ok"}"#), "{text}");
}
