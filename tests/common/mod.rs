//! Helpers shared by the integration tests.

#![allow(dead_code)]

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

/// Small deterministic generator for test inputs (xorshift64*).
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

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// Runs openssl with the gost engine configured for this child only
/// (exporting OPENSSL_CONF for the whole process tree crashes cargo's own
/// OpenSSL).
pub fn openssl(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new("openssl")
        .env("OPENSSL_CONF", crate_path("tests/data/ossl.cnf"))
        .args(args)
        .output()
        .expect("run openssl")
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

/// True when openssl with the gost engine computes Streebog; else the test
/// skips loudly, or fails when the `CI` variable is set.
pub fn engine_available() -> bool {
    let have = Command::new("openssl")
        .env("OPENSSL_CONF", crate_path("tests/data/ossl.cnf"))
        .args(["dgst", "-md_gost12_256", "-r", "/dev/null"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but openssl with the gost engine is unavailable: apt-get install openssl libengine-gost-openssl"
        );
        eprintln!(
            "\n*** SKIPPED: openssl with the gost engine (libengine-gost-openssl) is not available ***\n"
        );
    }
    have
}

/// An OpenSSL-generated GOST key (`alg` e.g. `gost2012_256`, `paramset`
/// e.g. `A` or `TCA`) and its public key: (key.pem, pub.pem) in `dir`.
pub fn openssl_genkey(dir: &Path, alg: &str, paramset: &str) -> (PathBuf, PathBuf) {
    let key = dir.join(format!("{alg}-{paramset}.key"));
    let pubk = dir.join(format!("{alg}-{paramset}.pub"));
    let opt = format!("paramset:{paramset}");
    ok(
        &openssl(&[
            &"genpkey",
            &"-algorithm",
            &alg,
            &"-pkeyopt",
            &opt,
            &"-out",
            &key,
        ]),
        "genpkey",
    );
    ok(
        &openssl(&[&"pkey", &"-in", &key, &"-pubout", &"-out", &pubk]),
        "pkey -pubout",
    );
    (key, pubk)
}

/// A self-signed certificate for `key` made by OpenSSL, beside the key.
pub fn openssl_self_signed(key: &Path, subject: &str) -> PathBuf {
    let cert = key.with_extension("crt");
    ok(
        &openssl(&[
            &"req", &"-new", &"-x509", &"-key", &key, &"-subj", &subject, &"-days", &"30", &"-out",
            &cert,
        ]),
        "req -x509",
    );
    cert
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
