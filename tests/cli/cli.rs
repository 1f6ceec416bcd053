//! The command-line contract (docs/cli.md): exit codes, one-line
//! errors, output formats.

use crate::common;

use std::fs;
use std::io::Write;
use std::process::{Output, Stdio};

use common::{crate_path, gostcms, run};

use common::stderr;

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
    let dir = common::tempdir();
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
    let dir = common::tempdir();
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

// ---------------------------------------------------------------------------
// Issue 28: key files, closed pipes, bounded reads, the command line as
// people use it. OpenSSL with the gost engine is the oracle where one exists.

use std::path::{Path, PathBuf};

use common::{engine_available, ok, openssl};

use common::path_str as s;

/// `openssl pkcs12 -nodes` of the R 50.1.112-2016 example PFX: a PEM
/// file with "Bag Attributes" lines, the PRIVATE KEY and the CERTIFICATE.
fn pfx_bundle(dir: &Path) -> PathBuf {
    let bundle = dir.join("bundle.pem");
    let pass = format!(
        "file:{}",
        crate_path("vectors/pfx/password.txt").to_str().unwrap()
    );
    ok(
        &openssl(&[
            &"pkcs12",
            &"-in",
            &crate_path("vectors/pfx/r50.1.112-2016_example.pfx"),
            &"-nodes",
            &"-passin",
            &pass,
            &"-out",
            &bundle,
        ]),
        "openssl pkcs12 -nodes",
    );
    bundle
}

/// `openssl cms -verify -noverify -binary` of a DER signature, detached.
fn openssl_verifies(sig: &Path, content: &Path) -> bool {
    let out = openssl(&[
        &"cms",
        &"-verify",
        &"-binary",
        &"-noverify",
        &"-inform",
        &"DER",
        &"-in",
        &sig,
        &"-content",
        &content,
        &"-out",
        &"/dev/null",
    ]);
    out.status.success()
}

fn keygen_to(path: &str, force: bool) -> Output {
    let mut args = vec!["keygen", "--curve", "cryptopro-a", "--out", path];
    if force {
        args.push("--force");
    }
    run(&args)
}

#[cfg(unix)]
fn mode(path: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn key_files_are_new_0600_and_never_written_through_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::tempdir();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();

    // An existing world-readable file: refused, left as it was.
    let existing = p("existing.pem");
    fs::write(&existing, b"old contents").unwrap();
    fs::set_permissions(&existing, fs::Permissions::from_mode(0o644)).unwrap();
    assert_one_line_error(&keygen_to(&existing, false), 2, "--force");
    assert_eq!(fs::read(&existing).unwrap(), b"old contents");
    assert_eq!(mode(&existing), 0o644);
    // With --force: replaced, and 0600 although the old file was 0644.
    let out = keygen_to(&existing, true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&existing), 0o600);
    assert!(
        fs::read_to_string(&existing)
            .unwrap()
            .contains("BEGIN PRIVATE KEY")
    );

    // 0600 whatever the umask (000 would give 0666 to a plain create).
    let loose = p("loose.pem");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; exec '{}' keygen --curve tc26-256-a --out '{loose}'",
            env!("CARGO_BIN_EXE_gostcms")
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&loose), 0o600);

    // A symbolic link: refused even with --force; its destination untouched.
    let victim = p("victim.txt");
    fs::write(&victim, b"not yours").unwrap();
    fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
    let link = p("link.pem");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    for force in [false, true] {
        assert_one_line_error(&keygen_to(&link, force), 2, "symbolic link");
        assert_eq!(fs::read(&victim).unwrap(), b"not yours");
        assert_eq!(mode(&victim), 0o644);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    // A dangling link (pointing where a key would be created) too.
    let target = p("created-through-link.pem");
    let dangling = p("dangling.pem");
    std::os::unix::fs::symlink(&target, &dangling).unwrap();
    assert_one_line_error(&keygen_to(&dangling, true), 2, "symbolic link");
    assert!(!Path::new(&target).exists());
    // No temporary files left behind.
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // key import --out follows the same rules.
    let pfx = crate_path("vectors/pfx/r50.1.112-2016_example.pfx");
    let pass = crate_path("vectors/pfx/password.txt");
    let import = |out: &str, force: bool| {
        let mut args = vec![
            "key",
            "import",
            "--pfx",
            s(&pfx),
            "--password-file",
            s(&pass),
            "--quiet",
            "--out",
            out,
        ];
        if force {
            args.push("--force");
        }
        run(&args)
    };
    let imported = p("imported.pem");
    fs::write(&imported, b"old").unwrap();
    fs::set_permissions(&imported, fs::Permissions::from_mode(0o644)).unwrap();
    assert_one_line_error(&import(&imported, false), 2, "--force");
    assert_eq!(fs::read(&imported).unwrap(), b"old");
    let out = import(&imported, true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&imported), 0o600);
    assert!(
        fs::read_to_string(&imported)
            .unwrap()
            .contains("BEGIN PRIVATE KEY")
    );
    assert_one_line_error(&import(&link, true), 2, "symbolic link");
    assert_eq!(fs::read(&victim).unwrap(), b"not yours");
}

/// Runs `args` with stdout a pipe whose reading end is closed before the
/// child starts (so every write it makes meets EPIPE).
fn run_with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    gostcms()
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_closed_stdout_pipe_ends_quietly_like_coreutils() {
    let dir = common::tempdir();
    let big = dir.path().join("big");
    fs::File::create(&big).unwrap().set_len(8 << 20).unwrap();
    let (key, cert) = common::keygen(dir.path(), "cryptopro-a");
    let sig = dir.path().join("sig.b64");
    let out = run(&[
        "sign",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        "--format",
        "base64",
        s(&big),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::write(&sig, &out.stdout).unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["hash", s(&big)],
        vec!["hash", s(&big), s(&big)],
        vec![
            "sign",
            "--key",
            s(&key),
            "--cert",
            s(&cert),
            "--format",
            "pem",
            s(&big),
        ],
        vec!["raw-sign", "--key", s(&key), s(&big)],
        vec!["verify", s(&sig), "--content", s(&big)],
        vec!["verify", "--json", s(&sig), "--content", s(&big)],
        vec!["esia", "pkce"],
        vec!["esia", "cert-hash", s(&cert)],
        vec!["demo"],
        vec!["speed", "--op", "hash", "--seconds", "0.01"],
        vec!["--help"],
        vec!["--version"],
    ];
    for args in cases {
        let out = run_with_closed_stdout(&args);
        let err = stderr(&out);
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{args:?}: {err}"
        );
        // Quiet, with the status a shell shows for a coreutils program
        // killed by SIGPIPE.
        assert_eq!(out.status.code(), Some(141), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err:?}");
    }
}

/// Feeds up to `total` bytes of `byte` to the child's stdin until it stops
/// reading; returns (bytes accepted by the pipe, the child's output).
fn feed_until_closed(args: &[&str], byte: u8, total: usize) -> (usize, Output) {
    let mut child = gostcms()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![byte; 64 * 1024];
        let mut written = 0;
        while written < total {
            match stdin.write(&chunk) {
                Ok(n) => written += n,
                Err(_) => break,
            }
        }
        written
    });
    let out = child.wait_with_output().unwrap();
    (writer.join().unwrap(), out)
}

#[test]
fn oversized_signature_and_token_files_are_refused_after_a_bounded_read() {
    let dir = common::tempdir();
    let (_key, cert) = common::keygen(dir.path(), "cryptopro-a");
    let msg = dir.path().join("msg");
    fs::write(&msg, b"data").unwrap();
    const TOTAL: usize = 150 << 20;
    // The child stops after 16 KiB + 1; the pipe holds at most 64 KiB and
    // one more chunk of the writer may land: far below a megabyte.
    let (written, out) = feed_until_closed(
        &[
            "raw-verify",
            "--cert",
            s(&cert),
            "--signature",
            "-",
            s(&msg),
        ],
        b'A',
        TOTAL,
    );
    assert_one_line_error(&out, 2, "limit");
    assert!(written < 1 << 20, "raw-verify took {written} bytes");

    let (written, out) = feed_until_closed(
        &[
            "jwt",
            "verify",
            "--trust",
            s(&cert),
            "--client-id",
            "X",
            "-",
        ],
        b'A',
        TOTAL,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("limit"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(written < 1 << 20, "jwt verify took {written} bytes");

    // Same from a file: the refusal, not a 150 MB read.
    let huge = dir.path().join("huge.sig");
    fs::File::create(&huge)
        .unwrap()
        .set_len(TOTAL as u64)
        .unwrap();
    assert_one_line_error(
        &run(&[
            "raw-verify",
            "--cert",
            s(&cert),
            "--signature",
            s(&huge),
            s(&msg),
        ]),
        2,
        "limit",
    );
}

#[test]
fn sign_takes_key_and_certificate_from_one_pem_or_pfx() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let bundle = pfx_bundle(dir.path());
    let text = fs::read_to_string(&bundle).unwrap();
    assert!(text.contains("Bag Attributes"), "{text}");
    // The same blocks with the certificate first.
    let key_start = text.find("-----BEGIN PRIVATE KEY-----").unwrap();
    let key_end = text.find("-----END PRIVATE KEY-----").unwrap() + 25;
    let reordered = dir.path().join("cert-first.pem");
    fs::write(
        &reordered,
        format!("{}\n{}\n", &text[key_end..], &text[key_start..key_end]),
    )
    .unwrap();
    let msg = dir.path().join("msg.txt");
    fs::write(&msg, b"signed with the key of a PEM bundle\n").unwrap();
    let pfx = crate_path("vectors/pfx/r50.1.112-2016_example.pfx");
    let pass = crate_path("vectors/pfx/password.txt");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("bundle", vec!["--key", s(&bundle)]),
        ("cert-first", vec!["--key", s(&reordered)]),
        (
            "bundle as --cert",
            vec!["--key", s(&bundle), "--cert", s(&bundle)],
        ),
        ("pfx", vec!["--key", s(&pfx), "--password-file", s(&pass)]),
    ];
    for (name, key_args) in cases {
        let sig = dir.path().join(format!("{name}.der"));
        let mut args = vec!["sign", "--out", s(&sig)];
        args.extend(key_args);
        args.push(s(&msg));
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(openssl_verifies(&sig, &msg), "{name}: OpenSSL rejects it");
        // The certificate inside is the PFX's.
        let out = run(&["verify", s(&sig), "--content", s(&msg)]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Test certificate 1"),
            "{name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // A key alone, without --cert: a usage error that says what to give.
    let lone = dir.path().join("lone.pem");
    fs::write(&lone, &text[key_start..key_end]).unwrap();
    assert_one_line_error(
        &run(&["sign", "--key", s(&lone), "--format", "base64", s(&msg)]),
        2,
        "--cert",
    );
}

#[test]
fn a_missing_password_is_named_with_how_to_give_it() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let pfx = crate_path("vectors/pfx/r50.1.112-2016_example.pfx");
    let msg = dir.path().join("msg");
    fs::write(&msg, b"x").unwrap();
    let no_env = |args: &[&str]| {
        gostcms()
            .args(args)
            .env_remove("GOSTCMS_PASSWORD")
            .env_remove("GOSTCMS_PIN")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = no_env(&["raw-sign", "--key", s(&pfx), s(&msg)]);
    assert_one_line_error(&out, 2, "a password is needed");
    assert!(stderr(&out).contains("--password-file"), "{}", stderr(&out));
    // A wrong password given is still called wrong.
    let out = no_env(&["raw-sign", "--key", s(&pfx), "--password", "nope", s(&msg)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("needed"), "{}", stderr(&out));

    // An encrypted PKCS#8 written by OpenSSL (PBES2, AES-256-CBC).
    let bundle = pfx_bundle(dir.path());
    let enc = dir.path().join("enc.pem");
    ok(
        &openssl(&[
            &"pkcs8",
            &"-topk8",
            &"-in",
            &bundle,
            &"-v2",
            &"aes-256-cbc",
            &"-passout",
            &"pass:secret",
            &"-out",
            &enc,
        ]),
        "openssl pkcs8 -topk8",
    );
    let out = no_env(&["raw-sign", "--key", s(&enc), s(&msg)]);
    assert_one_line_error(&out, 2, "a password is needed");
    let out = no_env(&[
        "raw-sign",
        "--key",
        s(&enc),
        "--password",
        "secret",
        s(&msg),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn verify_reads_openssl_smime_output() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let bundle = pfx_bundle(dir.path());
    let msg = dir.path().join("msg.txt");
    fs::write(&msg, b"first line\nsecond line\n").unwrap();
    let signed = dir.path().join("signed.eml");
    let opaque = dir.path().join("opaque.eml");
    for (out, extra) in [(&signed, None), (&opaque, Some("-nodetach"))] {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"cms", &"-sign", &"-in", &msg, &"-signer", &bundle, &"-inkey", &bundle, &"-out", out,
        ];
        if let Some(e) = &extra {
            args.push(e);
        }
        ok(&openssl(&args), "openssl cms -sign");
    }
    let text = fs::read_to_string(&signed).unwrap();
    assert!(text.contains("multipart/signed"), "{text}");
    assert!(
        fs::read_to_string(&opaque)
            .unwrap()
            .contains("application/pkcs7-mime")
    );
    for file in [&signed, &opaque] {
        let out = run(&["verify", s(file)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("OK "));
    }
    // Altered content in the first part: the signature fails (exit 1).
    let tampered = dir.path().join("tampered.eml");
    fs::write(&tampered, text.replace("second line", "secund line")).unwrap();
    let out = run(&["verify", s(&tampered)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("FAIL "));
    // Content both inside (multipart) and given: a usage error.
    assert_one_line_error(
        &run(&["verify", s(&signed), "--content", s(&msg)]),
        2,
        "--content",
    );
}

/// The peak resident set of a running process, from /proc (kB).
fn vm_hwm_kb(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn sign_streams_detached_content_in_constant_memory() {
    let dir = common::tempdir();
    let (key, cert) = common::keygen(dir.path(), "tc26-512-a");
    const SIZE: u64 = 200 << 20;
    let sig = dir.path().join("big.sig");
    // 200 MB of zeros through stdin; the peak RSS is read while the
    // child still runs (after all of it went in, before stdin closes).
    let mut child = gostcms()
        .args([
            "sign",
            "--key",
            s(&key),
            "--cert",
            s(&cert),
            "--out",
            s(&sig),
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..(SIZE >> 20) {
        stdin.write_all(&chunk).unwrap();
    }
    let peak_kb = vm_hwm_kb(child.id());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        peak_kb < 48 * 1024,
        "signing 200 MB held {peak_kb} kB at its peak"
    );
    // The same bytes as a sparse file: the signature verifies over them.
    let sparse = dir.path().join("sparse");
    fs::File::create(&sparse).unwrap().set_len(SIZE).unwrap();
    let out = run(&["verify", s(&sig), "--content", s(&sparse)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    if engine_available() {
        // OpenSSL agrees on a small file signed by the same streaming path.
        let small = dir.path().join("small");
        fs::write(&small, vec![7u8; 300_000]).unwrap();
        let small_sig = dir.path().join("small.sig");
        let out = run(&[
            "sign",
            "--key",
            s(&key),
            "--cert",
            s(&cert),
            "--out",
            s(&small_sig),
            s(&small),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(openssl_verifies(&small_sig, &small));
    }
}

/// Runs `args` with stdout a terminal (util-linux `script` makes a pty);
/// `None` when `script` is missing.
fn run_on_terminal(args: &[&str]) -> Option<(Option<i32>, String)> {
    let mut line = format!("'{}'", env!("CARGO_BIN_EXE_gostcms"));
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    Some((
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

#[test]
fn binary_output_to_a_terminal_is_refused() {
    let dir = common::tempdir();
    let msg = dir.path().join("msg");
    fs::write(&msg, b"m").unwrap();
    let (key, cert) = common::keygen(dir.path(), "cryptopro-a");
    let Some((code, text)) =
        run_on_terminal(&["sign", "--key", s(&key), "--cert", s(&cert), s(&msg)])
    else {
        common::skip("no `script` to make a terminal");
        return;
    };
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("refusing to write a binary signature to the terminal"),
        "{text}"
    );
    assert!(
        text.contains("--format base64") && text.contains("--out"),
        "{text}"
    );
    let (code, text) =
        run_on_terminal(&["raw-sign", "--key", s(&key), "--format", "bin", s(&msg)]).unwrap();
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("refusing"), "{text}");
    // Text formats still print there.
    let (code, text) = run_on_terminal(&[
        "sign",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        "--format",
        "pem",
        s(&msg),
    ])
    .unwrap();
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("-----BEGIN CMS-----"), "{text}");
}

#[test]
fn verify_json_several_files_and_case_insensitive_values() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let bundle = pfx_bundle(dir.path());
    let files: Vec<PathBuf> = (0..3)
        .map(|i| {
            let f = dir.path().join(format!("doc{i}.txt"));
            fs::write(&f, format!("document {i}\n")).unwrap();
            f
        })
        .collect();
    // sign FILE... writes FILE.sig beside each, upper-case --format value.
    let mut args = vec!["sign", "--key", s(&bundle), "--format", "DER"];
    args.extend(files.iter().map(|f| s(f)));
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for f in &files {
        let sig = PathBuf::from(format!("{}.sig", s(f)));
        assert!(openssl_verifies(&sig, f), "{}", sig.display());
    }
    // --out-dir.
    let sigs = dir.path().join("sigs");
    fs::create_dir(&sigs).unwrap();
    let mut args = vec!["sign", "--key", s(&bundle), "--out-dir", s(&sigs)];
    args.extend(files.iter().map(|f| s(f)));
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (i, f) in files.iter().enumerate() {
        assert!(openssl_verifies(&sigs.join(format!("doc{i}.txt.sig")), f));
    }
    // Several files and --out: a usage error.
    assert_one_line_error(
        &run(&[
            "sign",
            "--key",
            s(&bundle),
            "--out",
            "x",
            s(&files[0]),
            s(&files[1]),
        ]),
        2,
        "--out",
    );

    // hash FILE...: sha256sum-style lines, each equal to OpenSSL's digest.
    let mut args = vec!["hash"];
    args.extend(files.iter().map(|f| s(f)));
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for (line, f) in lines.iter().zip(&files) {
        let o = openssl(&[&"dgst", &"-md_gost12_256", &"-r", f]);
        let want = String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(*line, format!("{want}  {}", s(f)));
    }

    // verify --json: the report; and exit codes as in text mode.
    let sig = PathBuf::from(format!("{}.sig", s(&files[0])));
    let out = run(&["verify", "--json", s(&sig), "--content", s(&files[0])]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["valid"], true, "{doc}");
    assert_eq!(doc["detached"], true, "{doc}");
    assert_eq!(doc["signers"][0]["status"], "OK", "{doc}");
    assert_eq!(doc["signers"][0]["certificate_checked"], false, "{doc}");
    assert!(
        doc["signers"][0]["subject"]
            .as_str()
            .unwrap()
            .contains("Test certificate 1")
    );
    assert_eq!(doc["signers"][0]["curve"], "cryptopro-a", "{doc}");
    let out = run(&["verify", "--json", s(&sig), "--content", s(&files[1])]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["valid"], false, "{doc}");
    assert_eq!(doc["signers"][0]["status"], "FAIL", "{doc}");
    assert!(
        doc["signers"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("digest"),
        "{doc}"
    );

    // A detached signature without --content: a usage error, exit 2.
    assert_one_line_error(&run(&["verify", s(&sig)]), 2, "--content");
    // Enum values in any case.
    let out = run(&[
        "speed",
        "--op",
        "CMS-VERIFY",
        "--curve",
        "cryptopro-a",
        "--seconds",
        "0.02",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn key_import_says_what_it_wrote() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let pfx = crate_path("vectors/pfx/r50.1.112-2016_example.pfx");
    let pass = crate_path("vectors/pfx/password.txt");
    let out_key = dir.path().join("key.pem");
    let out = run(&[
        "key",
        "import",
        "--pfx",
        s(&pfx),
        "--password-file",
        s(&pass),
        "--out",
        s(&out_key),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // Fingerprint: Streebog-256 of the SubjectPublicKeyInfo, per OpenSSL.
    let spki = dir.path().join("spki.der");
    ok(
        &openssl(&[
            &"pkey",
            &"-in",
            &out_key,
            &"-pubout",
            &"-outform",
            &"DER",
            &"-out",
            &spki,
        ]),
        "openssl pkey -pubout",
    );
    let o = openssl(&[&"dgst", &"-md_gost12_256", &"-r", &spki]);
    let fingerprint = String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert!(text.contains(&fingerprint), "{text} lacks {fingerprint}");
    assert!(text.contains("cryptopro-a"), "{text}");
    assert!(text.contains("Test certificate 1"), "{text}");
    assert!(text.contains(s(&out_key)), "{text}");
    // --quiet: nothing.
    let out = run(&[
        "key",
        "import",
        "--pfx",
        s(&pfx),
        "--password-file",
        s(&pass),
        "--out",
        s(&dir.path().join("k2.pem")),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn secret_flags_only_where_a_key_is_read_and_version_names_cpu_paths() {
    let dir = common::tempdir();
    let f = dir.path().join("f");
    fs::write(&f, b"x").unwrap();
    for args in [
        vec!["hash", "--pin", "1234", s(&f)],
        vec!["verify", "--password", "pw", s(&f)],
        vec![
            "jwt",
            "verify",
            "--pin-file",
            s(&f),
            "--trust",
            s(&f),
            "t.t.t",
        ],
        vec!["esia", "pkce", "--password", "x"],
        vec!["speed", "--pin", "1"],
    ] {
        assert_one_line_error(&run(&args), 2, "unexpected argument");
    }
    // Key-reading commands still take them (here the key file is bad).
    let out = run(&["raw-sign", "--key", s(&f), "--password", "pw", s(&f)]);
    assert_one_line_error(&out, 2, "cannot read key");
    let out = run(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("gostcms 0."), "{text}");
    assert!(text.contains("cpu paths"), "{text}");
    #[cfg(target_arch = "x86_64")]
    for name in ["ADX", "IFMA", "GFNI"] {
        assert!(text.contains(name), "{text}");
    }
    // The switches the library honours show as off.
    let out = gostcms()
        .arg("--version")
        .env("GOSTCMS_PORTABLE", "1")
        .output()
        .unwrap();
    #[cfg(target_arch = "x86_64")]
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ADX off (GOSTCMS_PORTABLE)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn speed_measures_cms_and_jwt_verification() {
    for op in ["cms-verify", "jwt-verify"] {
        for curve in ["cryptopro-a", "tc26-512-b"] {
            let out = run(&["speed", "--seconds", "0.02", "--curve", curve, "--op", op]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            let text = String::from_utf8_lossy(&out.stdout);
            let fields: Vec<&str> = text.trim_end().split('\t').collect();
            assert_eq!(&fields[..3], &[curve, op, "1"], "{text}");
            assert!(fields[3].parse::<f64>().is_ok_and(|v| v > 0.0), "{text}");
        }
    }
}

#[test]
fn extreme_now_and_leeway_values_are_usage_errors() {
    let dir = common::tempdir();
    let (_key, cert) = common::keygen(dir.path(), "cryptopro-a");
    for now in [
        "9223372036854775807",
        "-9223372036854775808",
        "253402300800",
    ] {
        let now = format!("--now={now}");
        assert_one_line_error(
            &run(&[
                "jwt",
                "verify",
                "--trust",
                s(&cert),
                "--client-id",
                "X",
                &now,
                "a.b.c",
            ]),
            2,
            "--now",
        );
        assert_one_line_error(
            &run(&[
                "esia",
                "doctor",
                "--cert",
                s(&cert),
                "--client-secret",
                "x",
                &now,
            ]),
            2,
            "--now",
        );
    }
    assert_one_line_error(
        &run(&[
            "jwt",
            "verify",
            "--trust",
            s(&cert),
            "--client-id",
            "X",
            "--leeway",
            "18446744073709551615",
            "a.b.c",
        ]),
        2,
        "--leeway",
    );
}
