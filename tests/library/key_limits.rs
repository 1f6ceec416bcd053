//! Bounded work on hostile key files (issue 28, item 6): iteration counts
//! come from the file, so a PFX MacData or a PBKDF2 parameter set asking
//! for 10^7 iterations is refused before any work, with a message naming
//! the count, the limit and how to raise it; the limit can be raised (or
//! lowered) per call.
//!
//! The hostile files are in tests/data/hostile (built by make.py there).
//! No timing is asserted: the refusal itself shows no derivation ran,
//! since the derivations it guards would take tens of seconds.

use crate::common;

use std::fs;

use common::crate_path;
use gostcms::import::{self, DEFAULT_MAX_ITERATIONS, ImportOptions, Pfx};

fn hostile(name: &str) -> Vec<u8> {
    fs::read(crate_path("tests/data/hostile").join(name)).unwrap()
}

fn assert_refused(err: gostcms::Error, field: &str) {
    let msg = err.to_string();
    assert!(
        matches!(err, gostcms::Error::Invalid { .. }),
        "not an Invalid error: {msg}"
    );
    assert!(msg.contains(field), "{msg}");
    assert!(
        msg.contains(&format!(
            "iteration count 10000000 exceeds the limit {DEFAULT_MAX_ITERATIONS}"
        )),
        "{msg}"
    );
    assert!(msg.contains("--max-iterations"), "{msg}");
}

#[test]
fn default_limit_covers_real_exports() {
    // OpenSSL 2048, CryptoPro / TC26 2000, keytool 10 000, OWASP 2023 600 000.
    assert_eq!(DEFAULT_MAX_ITERATIONS, 1_000_000);
    assert_eq!(
        ImportOptions::default().max_iterations,
        DEFAULT_MAX_ITERATIONS
    );
}

#[test]
fn pfx_mac_with_ten_million_iterations_is_refused_before_work() {
    let bytes = hostile("pfx-mac-10m.pfx");
    let pfx = Pfx::parse(&bytes).unwrap();
    // Right password of the file it was made from, wrong one, none: the
    // count is refused first, whatever the password.
    for pw in ["Пароль для PFX", "wrong", ""] {
        assert_refused(
            pfx.decrypt(pw.as_bytes()).unwrap_err(),
            "PFX macData iterations",
        );
        assert_refused(
            import::from_bytes(&bytes, pw.as_bytes()).unwrap_err(),
            "PFX macData iterations",
        );
    }
}

#[test]
fn pbkdf2_streebog512_pkcs8_with_ten_million_iterations_is_refused_before_work() {
    let bytes = hostile("pkcs8-pbkdf2-10m.der");
    assert_refused(
        import::decrypt_der(&bytes, b"hostile").unwrap_err(),
        "PBKDF2 iterationCount",
    );
    assert_refused(
        import::from_bytes(&bytes, b"hostile").unwrap_err(),
        "PBKDF2 iterationCount",
    );
}

/// The limit is the caller's: the R 50.1.112 example (MAC and key bag at
/// 2000 iterations) opens at a limit of 2000 and is refused at 1999.
#[test]
fn the_limit_is_an_option() {
    let bytes = fs::read(crate_path("vectors/pfx/r50.1.112-2016_example.pfx")).unwrap();
    let pw = "Пароль для PFX".as_bytes();
    let at = |n| ImportOptions::default().with_max_iterations(n);
    let key = import::from_bytes_with(&bytes, pw, &at(2000)).unwrap();
    assert_eq!(
        hex::encode(key.key.to_scalar_le().as_slice()),
        "5222ef9c5522b453eba66b00fd0007230850996a24418f5b64195db0a334ea2b"
    );
    let err = import::from_bytes_with(&bytes, pw, &at(1999)).unwrap_err();
    assert!(
        err.to_string()
            .contains("iteration count 2000 exceeds the limit 1999"),
        "{err}"
    );
    // The ESIA test key's encrypted PKCS#8 (PBES2): same rule.
    let pem = fs::read(crate_path("vectors/cryptopro/ilimurzin-esia/private.pem")).unwrap();
    import::from_bytes_with(&pem, b"test", &ImportOptions::default()).unwrap();
    let err = import::from_bytes_with(&pem, b"test", &at(1)).unwrap_err();
    assert!(err.to_string().contains("exceeds the limit 1;"), "{err}");
}

/// The CLI: the hostile PFX is refused with the flag named; the flag
/// raises (or lowers) the limit.
#[test]
fn cli_max_iterations_flag() {
    let hostile = crate_path("tests/data/hostile/pfx-mac-10m.pfx");
    let out = common::gostcms()
        .env("GOSTCMS_PASSWORD", "Пароль для PFX")
        .args([
            "key",
            "import",
            "--pfx",
            hostile.to_str().unwrap(),
            "--out",
            "-",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("iteration count 10000000 exceeds the limit 1000000")
            && err.contains("--max-iterations"),
        "{err}"
    );
    let example = crate_path("vectors/pfx/r50.1.112-2016_example.pfx");
    let import = |limit: &str| {
        common::gostcms()
            .env("GOSTCMS_PASSWORD", "Пароль для PFX")
            .args([
                "key",
                "import",
                "--pfx",
                example.to_str().unwrap(),
                "--out",
                "-",
            ])
            .args(["--max-iterations", limit])
            .output()
            .unwrap()
    };
    let low = import("1999");
    assert!(!low.status.success());
    assert!(
        String::from_utf8_lossy(&low.stderr).contains("exceeds the limit 1999"),
        "{}",
        String::from_utf8_lossy(&low.stderr)
    );
    let enough = import("2000");
    assert!(
        enough.status.success(),
        "{}",
        String::from_utf8_lossy(&enough.stderr)
    );
    assert!(String::from_utf8_lossy(&enough.stdout).contains("BEGIN PRIVATE KEY"));
}
