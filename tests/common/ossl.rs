//! OpenSSL with Debian's gost engine as an independent oracle. The engine is
//! configured through `tests/data/ossl.cnf` on each child process only: an
//! exported OPENSSL_CONF makes cargo's own OpenSSL load the engine and crash.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use super::{KeyCert, crate_path, missing, path_str, show};

/// Runs `openssl` with the gost engine configured for this child only.
pub fn openssl(args: &[&dyn AsRef<OsStr>]) -> Output {
    Command::new("openssl")
        .env("OPENSSL_CONF", crate_path("tests/data/ossl.cnf"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl: {e}"))
}

/// Runs `openssl` and asserts it succeeded, showing the command otherwise.
pub fn openssl_ok(args: &[&str]) -> Output {
    let list: Vec<&dyn AsRef<OsStr>> = args.iter().map(|a| a as &dyn AsRef<OsStr>).collect();
    let out = openssl(&list);
    assert!(
        out.status.success(),
        "openssl {}\n{}",
        args.join(" "),
        show(&out)
    );
    out
}

/// True when openssl with the gost engine generates a GOST 2012 key (probed
/// once per test binary); else the calling test skips loudly, or fails when
/// the `CI` variable is set.
pub fn engine_available() -> bool {
    static HAVE: OnceLock<bool> = OnceLock::new();
    let have = *HAVE.get_or_init(|| {
        Command::new("openssl")
            .env("OPENSSL_CONF", crate_path("tests/data/ossl.cnf"))
            .args([
                "genpkey",
                "-algorithm",
                "gost2012_256",
                "-pkeyopt",
                "paramset:A",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !have {
        missing(
            "openssl with the gost engine",
            "apt-get install -y openssl libengine-gost-openssl",
        );
    }
    have
}

/// The oracle, when the engine is available (see [`engine_available`]).
pub fn oracle() -> Option<&'static Openssl> {
    engine_available().then_some(&Openssl)
}

/// OpenSSL as a CMS and key oracle; get it from [`oracle`].
pub struct Openssl;

impl Openssl {
    /// `openssl ARGS`, whatever its exit status.
    pub fn run(&self, args: &[&str]) -> Output {
        let list: Vec<&dyn AsRef<OsStr>> = args.iter().map(|a| a as &dyn AsRef<OsStr>).collect();
        openssl(&list)
    }

    /// `openssl ARGS`, which must succeed.
    pub fn ok(&self, args: &[&str]) -> Output {
        openssl_ok(args)
    }

    /// A GOST 2012 key (`bits`, OpenSSL's `paramset`) and its self-signed
    /// certificate in `dir`, named after `name`.
    pub fn keycert(&self, dir: &Path, bits: u32, paramset: &str, name: &str) -> KeyCert {
        let tag = format!("ossl-{name}");
        let key = dir.join(format!("{tag}.key.pem"));
        let cert = dir.join(format!("{tag}.cert.pem"));
        let subject_cn = format!("OpenSSL {bits} {paramset}");
        self.ok(&[
            "req",
            "-x509",
            "-newkey",
            &format!("gost2012_{bits}"),
            "-pkeyopt",
            &format!("paramset:{paramset}"),
            "-nodes",
            "-keyout",
            path_str(&key),
            "-out",
            path_str(&cert),
            "-subj",
            &format!("/CN={subject_cn}/O=gostcms interop"),
            "-days",
            "30",
        ]);
        KeyCert {
            key,
            cert,
            subject_cn,
        }
    }

    /// `openssl cms -sign -binary` with extra options, DER unless the options
    /// say otherwise.
    pub fn cms_sign(&self, kc: &KeyCert, content: &Path, out: &Path, extra: &[&str]) {
        let mut args = vec![
            "cms",
            "-sign",
            "-binary",
            "-signer",
            path_str(&kc.cert),
            "-inkey",
            path_str(&kc.key),
            "-in",
            path_str(content),
            "-out",
            path_str(out),
        ];
        if !extra.contains(&"-outform") {
            args.extend(["-outform", "DER"]);
        }
        args.extend(extra);
        self.ok(&args);
    }

    /// `openssl cms -verify -noverify` (signature only, no chain); detached
    /// when `content` is given.
    pub fn cms_verify(&self, sig: &Path, inform: &str, content: Option<&Path>) -> Output {
        let mut args = vec![
            "cms",
            "-verify",
            "-binary",
            "-noverify",
            "-inform",
            inform,
            "-in",
            path_str(sig),
            "-out",
            "/dev/null",
        ];
        if let Some(c) = content {
            args.extend(["-content", path_str(c)]);
        }
        self.run(&args)
    }
}

/// An OpenSSL-generated GOST key (`alg` e.g. `gost2012_256`, `paramset`
/// e.g. `A` or `TCA`) and its public key: (key.pem, pub.pem) in `dir`.
pub fn openssl_genkey(dir: &Path, alg: &str, paramset: &str) -> (PathBuf, PathBuf) {
    let key = dir.join(format!("{alg}-{paramset}.key"));
    let pubk = dir.join(format!("{alg}-{paramset}.pub"));
    let opt = format!("paramset:{paramset}");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        alg,
        "-pkeyopt",
        &opt,
        "-out",
        path_str(&key),
    ]);
    openssl_ok(&[
        "pkey",
        "-in",
        path_str(&key),
        "-pubout",
        "-out",
        path_str(&pubk),
    ]);
    (key, pubk)
}

/// A self-signed certificate for `key` made by OpenSSL, beside the key.
pub fn openssl_self_signed(key: &Path, subject: &str) -> PathBuf {
    let cert = key.with_extension("crt");
    openssl_ok(&[
        "req",
        "-new",
        "-x509",
        "-key",
        path_str(key),
        "-subj",
        subject,
        "-days",
        "30",
        "-out",
        path_str(&cert),
    ]);
    cert
}
