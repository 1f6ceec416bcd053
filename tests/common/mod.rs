//! Helpers shared by the integration tests, so each oracle, each temporary
//! folder and each seeded generator is written once: the built binary, files,
//! seeded randomness and DER bits here; the two independent oracles in
//! `ossl.rs` (OpenSSL with the gost engine) and `bc.rs` (Bouncy Castle).

#![allow(dead_code)]

pub mod bc;
pub mod ossl;

#[allow(unused_imports)]
pub use ossl::{
    Openssl, engine_available, openssl, openssl_genkey, openssl_ok, openssl_self_signed,
};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `gostcms` binary.
pub fn gostcms() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gostcms"))
}

/// Runs the binary with `args`, stdin empty.
pub fn run(args: &[&str]) -> Output {
    gostcms()
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run gostcms")
}

/// Path of a file in the crate.
pub fn crate_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Contents of a file in the crate.
pub fn crate_file(rel: &str) -> Vec<u8> {
    read(&crate_path(rel))
}

/// Cargo's target directory (or `target/<triple>`), found from the binary
/// whatever the profile.
pub fn target_dir() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_gostcms"));
    bin.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| crate_path("target"))
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"))
}

/// Writes `data` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap_or_else(|e| panic!("cannot write {}: {e}", p.display()));
    p
}

/// A file's contents.
pub fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// A temporary path as `&str` (for command lines).
pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// The name of the running test (libtest names each test's thread after it).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_owned()
}

/// Says loudly that the running test skips (all or part of it), and why:
/// straight to the process's stderr, which the test harness does not
/// capture, so the line shows in a passing run.
pub fn skip(why: &str) {
    use std::io::Write;
    let line = format!("\n!!!!!!!! SKIPPED: {}: {why} !!!!!!!!\n", test_name());
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// A tool the test needs is missing: fail when the `CI` variable is set,
/// else say loudly that this test skips.
pub fn missing(what: &str, hint: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{}: {what} is required in CI ({hint})", test_name());
    }
    skip(&format!("{what} not available ({hint})"));
}

/// A fresh key on `curve` and its self-signed certificate, written by
/// `gostcms keygen` as `dir/k.pem` and `dir/c.pem`.
pub fn keygen(dir: &Path, curve: &str) -> (PathBuf, PathBuf) {
    let (key, cert) = (dir.join("k.pem"), dir.join("c.pem"));
    let out = run(&[
        "keygen",
        "--curve",
        curve,
        "--out",
        path_str(&key),
        "--cert",
        path_str(&cert),
    ]);
    assert_eq!(out.status.code(), Some(0), "keygen: {}", stderr(&out));
    (key, cert)
}

/// A key and its certificate, both PEM files, and the certificate's CN.
pub struct KeyCert {
    pub key: PathBuf,
    pub cert: PathBuf,
    pub subject_cn: String,
}

/// Small deterministic generator for test inputs (xorshift64*): fixed seeds,
/// so a failure reproduces.
pub struct TestRng(u64);

impl TestRng {
    pub fn new(seed: u64) -> Self {
        TestRng(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// `len` bytes, one per output (its low byte).
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// `len` bytes, eight per output (little-endian).
    pub fn fill(&mut self, len: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(len + 8);
        while v.len() < len {
            v.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        v.truncate(len);
        v
    }
}

/// `len` deterministic filler bytes from `seed`.
pub fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    TestRng::new(seed).fill(len)
}

/// Asserts a child process succeeded, showing its output otherwise.
pub fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A child's stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A child's stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A child's exit status and both outputs, for assertion messages.
pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    )
}

/// DER TLV with a definite, minimal length.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}
