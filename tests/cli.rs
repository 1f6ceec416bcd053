//! The command-line contract (../shared/docs/cli.md): exit codes, one-line
//! errors, output formats.

mod common;

use std::fs;
use std::io::Write;
use std::process::{Output, Stdio};

use common::{crate_path, gostcms, run};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit 2 with exactly one `gostcms: ...` line on stderr and no panic.
fn assert_one_line_error(out: &Output, code: i32, mentions: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(err.starts_with("gostcms: "), "{err:?}");
    assert!(
        err.contains(mentions),
        "{err:?} does not mention {mentions:?}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err:?}"
    );
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = gostcms()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn hash_matches_streebog_vectors() {
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(crate_path("vectors/streebog/streebog.json")).unwrap())
            .unwrap();
    let vectors = json["vectors"].as_array().unwrap();
    let mut checked = 0;
    for v in vectors {
        let Some(file) = v["message_file"].as_str() else {
            continue;
        };
        let path = crate_path(&format!("vectors/streebog/{file}"));
        for alg in ["streebog256", "streebog512"] {
            let want = v[alg].as_str().unwrap();
            let out = run(&["hash", "--alg", alg, path.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                format!("{want}\n"),
                "{file} {alg}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} vectors checked");
}

#[test]
fn hash_reads_stdin_and_defaults_to_streebog256() {
    let m1 = fs::read(crate_path("vectors/streebog/M1")).unwrap();
    let out = run_stdin(&["hash", "-"], &m1);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500\n"
    );
    let out = run_stdin(&["hash"], b"");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb\n"
    );
    let out = run_stdin(&["hash", "--alg", "gost94"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout.len(), 65);
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    assert_one_line_error(&run(&["no-such-command"]), 2, "no-such-command");
    assert_one_line_error(&run(&["hash", "--alg", "md5", "-"]), 2, "md5");
    assert_one_line_error(
        &run(&["keygen", "--curve", "p-256", "--out", "-"]),
        2,
        "p-256",
    );
    assert_one_line_error(
        &run(&["raw-sign", "--format", "pem", "--key", "k"]),
        2,
        "pem",
    );
    assert_one_line_error(&run(&["speed", "--op", "frobnicate"]), 2, "frobnicate");
    assert_one_line_error(
        &run(&["speed", "--seconds", "0", "--curve", "cryptopro-a"]),
        2,
        "seconds",
    );
    assert_one_line_error(
        &run(&["speed", "--curve", "nope", "--op", "sign"]),
        2,
        "nope",
    );
    assert_one_line_error(&run(&["raw-verify", "--signature", "s"]), 2, "--cert");
    assert_one_line_error(&run(&["raw-sign", "--key", "-", "-"]), 2, "stdin");
    assert_one_line_error(
        &run(&["raw-verify", "--cert", "c", "--signature", "-"]),
        2,
        "stdin",
    );
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("raw-sign"));
}

#[test]
fn unreadable_inputs_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let missing = missing.to_str().unwrap();
    assert_one_line_error(&run(&["hash", missing]), 2, missing);
    assert_one_line_error(&run(&["raw-sign", "--key", missing, "-"]), 2, missing);
    let junk = dir.path().join("junk");
    fs::write(&junk, b"\x00\x01 definitely not a key").unwrap();
    let junk = junk.to_str().unwrap();
    assert_one_line_error(
        &run(&["raw-sign", "--key", junk, "-"]),
        2,
        "cannot read key",
    );
    assert_one_line_error(
        &run(&["raw-verify", "--cert", junk, "--signature", junk, "-"]),
        2,
        "cannot read",
    );
    // A directory is not a readable file either.
    let d = dir.path().to_str().unwrap();
    assert_one_line_error(&run(&["hash", d]), 2, d);
}

/// Needs the keys module (keygen writes PKCS#8; raw-sign/raw-verify read it).
#[test]
fn keygen_sign_verify_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();
    let (key, cert, msg) = (p("k.pem"), p("c.pem"), p("msg"));
    fs::write(&msg, b"client_id scope timestamp state").unwrap();
    let out = run(&[
        "keygen",
        "--curve",
        "tc26-512-a",
        "--out",
        &key,
        "--cert",
        &cert,
        "--subject",
        "CN=t",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&key).unwrap().permissions().mode() & 0o077,
            0,
            "key readable by others"
        );
    }
    for (format, reverse) in [
        ("base64url", false),
        ("base64", false),
        ("hex", true),
        ("bin", false),
    ] {
        let sig = p(&format!("sig.{format}"));
        let mut args = vec!["raw-sign", "--key", &key, "--format", format, &msg];
        if reverse {
            args.insert(1, "--reverse");
        }
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        fs::write(&sig, &out.stdout).unwrap();
        let mut verify = vec!["raw-verify", "--cert", &cert, "--signature", &sig, &msg];
        if reverse {
            verify.push("--reverse");
        }
        let out = run(&verify);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "OK\n");
        // Other data: exit 1, not 2.
        let mut tampered = vec!["raw-verify", "--cert", &cert, "--signature", &sig];
        if reverse {
            tampered.push("--reverse");
        }
        tampered.push("-");
        let out = run_stdin(&tampered, b"tampered");
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("FAIL"));
    }
    // base64url default output is unpadded, 128-byte signature -> 171 characters.
    let out = run(&["raw-sign", "--key", &key, &msg]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.trim_end().len(), 171, "{text}");
    assert!(!text.contains('=') && !text.contains('+') && !text.contains('/'));
    // A signature of the wrong size for the key: unusable input, exit 2.
    let short = p("short.hex");
    fs::write(&short, "00".repeat(64)).unwrap();
    assert_one_line_error(
        &run(&["raw-verify", "--cert", &cert, "--signature", &short, &msg]),
        2,
        "needs 128",
    );
}

#[test]
fn speed_prints_contract_lines() {
    let out = run(&[
        "speed",
        "--seconds",
        "0.05",
        "--curve",
        "cryptopro-a",
        "--op",
        "sign",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let cols: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(cols[..3], ["cryptopro-a", "sign", "1"], "{text}");
    assert!(cols[3].parse::<u64>().unwrap() > 0, "{text}");

    let out = run(&[
        "speed",
        "--seconds",
        "0.05",
        "--op",
        "hash",
        "--threads",
        "2",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    let names: Vec<(&str, &str, &str)> = text
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 4, "{l}");
            assert!(
                c[3].parse::<f64>().unwrap() > 0.0 && c[3].contains('.'),
                "{l}"
            );
            (c[0], c[1], c[2])
        })
        .collect();
    assert_eq!(
        names,
        [("streebog256", "hash", "2"), ("streebog512", "hash", "2")]
    );

    // CMS signing prints its line.
    let out = run(&[
        "speed",
        "--seconds",
        "0.05",
        "--curve",
        "cryptopro-a",
        "--op",
        "cms",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<&str> = text.trim_end().split('\t').collect();
    assert_eq!(&fields[..3], &["cryptopro-a", "cms", "1"], "{text}");
    assert!(fields[3].parse::<f64>().is_ok_and(|v| v > 0.0), "{text}");

    // Batch signing: one line for 1 thread and one for --threads N.
    let out = run(&[
        "speed",
        "--seconds",
        "0.05",
        "--curve",
        "cryptopro-a",
        "--op",
        "batch",
        "--threads",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    for (line, threads) in lines.iter().zip(["1", "2"]) {
        assert_eq!(&line[..3], &["cryptopro-a", "batch", threads], "{text}");
        assert!(line[3].parse::<f64>().is_ok_and(|v| v > 0.0), "{text}");
    }

    // Verification with the key's cached tables.
    let out = run(&[
        "speed",
        "--seconds",
        "0.05",
        "--curve",
        "tc26-512-c",
        "--op",
        "verify-cached",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<&str> = text.trim_end().split('\t').collect();
    assert_eq!(
        &fields[..3],
        &["tc26-512-c", "verify-cached", "1"],
        "{text}"
    );
    assert!(fields[3].parse::<f64>().is_ok_and(|v| v > 0.0), "{text}");
}

#[test]
fn demo_runs_and_verifies() {
    let out = run(&["demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(
        "TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300bbf0aef5-5237-41bc-8cba-291e29a3ade8https://test.application.ru/auth/api/v1/esia/return"
    ));
    assert_eq!(
        text.matches("verification:            OK").count(),
        2,
        "{text}"
    );
    assert!(text.contains("Request-Data-Sign:       MI"), "{text}");
}
