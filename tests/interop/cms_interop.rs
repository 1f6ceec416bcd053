//! CMS SignedData interop (issue 3) against independent implementations:
//! OpenSSL with Debian's gost engine and Bouncy Castle (`tests/java/GostCms.java`).
//!
//! The `gostcms` binary is driven exactly as `docs/cli.md` specifies
//! (`sign`, `verify`: exit 0 valid, 1 check failed, 2 usage or input error;
//! one "OK <subject> <curve> <signing time or ->" / "FAIL <subject or -> <reason>"
//! line per signer).
//!
//! The `oracle_*` tests do not run `gostcms` at all: they prove that the
//! harness (key generation, OpenSSL signing and verifying, the Java verifier)
//! works, so a failure elsewhere points at gostcms and not at the oracles.
//!
//! Missing tools (openssl with the gost engine, a JDK, the Bouncy Castle jars)
//! make the tests skip loudly, or fail when the environment variable `CI` is
//! set. See `tests/java/README.md` for the packages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gostcms::keys::self_signed;
use gostcms::{CurveId, SigningKey};

use crate::common;

use common::bc::BouncyCastle;
use common::{KeyCert, Openssl, path_str, pseudo_random, read, show, tempdir, write};

// ------------------------------------------------------------------ helpers

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn altered(data: &[u8], at: usize) -> Vec<u8> {
    let mut v = data.to_vec();
    v[at] ^= 0x01;
    v
}

/// The small message most tests sign: text with CR LF, a NUL and UTF-8.
fn message() -> Vec<u8> {
    let mut m =
        b"gostcms interop\r\n\x00 \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 ".to_vec();
    m.extend_from_slice(&pseudo_random(300, 7));
    m
}

// ------------------------------------------------------------------- curves

/// A parameter set of OpenSSL's gost engine and its `gostcms` curve name.
struct Curve {
    bits: u32,
    paramset: &'static str,
    name: &'static str,
    /// Bouncy Castle 1.72 reads OpenSSL's key and certificate for this set.
    /// It does not for tc26-256-A..D and tc26-512-C: OpenSSL writes the key
    /// parameters as SEQUENCE { paramSet } without digestParamSet, and BC 1.72
    /// fails on that (ArrayIndexOutOfBoundsException); tc26-256-B/C/D OIDs
    /// are also unknown to BC 1.72.
    bc_reads_openssl_cert: bool,
}

const CURVES: [Curve; 12] = [
    Curve {
        bits: 256,
        paramset: "A",
        name: "cryptopro-a",
        bc_reads_openssl_cert: true,
    },
    Curve {
        bits: 256,
        paramset: "B",
        name: "cryptopro-b",
        bc_reads_openssl_cert: true,
    },
    Curve {
        bits: 256,
        paramset: "C",
        name: "cryptopro-c",
        bc_reads_openssl_cert: true,
    },
    Curve {
        bits: 256,
        paramset: "XA",
        name: "cryptopro-xcha",
        bc_reads_openssl_cert: true,
    },
    Curve {
        bits: 256,
        paramset: "XB",
        name: "cryptopro-xchb",
        bc_reads_openssl_cert: true,
    },
    Curve {
        bits: 256,
        paramset: "TCA",
        name: "tc26-256-a",
        bc_reads_openssl_cert: false,
    },
    Curve {
        bits: 256,
        paramset: "TCB",
        name: "tc26-256-b",
        bc_reads_openssl_cert: false,
    },
    Curve {
        bits: 256,
        paramset: "TCC",
        name: "tc26-256-c",
        bc_reads_openssl_cert: false,
    },
    Curve {
        bits: 256,
        paramset: "TCD",
        name: "tc26-256-d",
        bc_reads_openssl_cert: false,
    },
    Curve {
        bits: 512,
        paramset: "A",
        name: "tc26-512-a",
        bc_reads_openssl_cert: true,
    },
    Curve {
        bits: 512,
        paramset: "B",
        name: "tc26-512-b",
        bc_reads_openssl_cert: true,
    },
    Curve {
        bits: 512,
        paramset: "C",
        name: "tc26-512-c",
        bc_reads_openssl_cert: false,
    },
];

/// Curves on which Bouncy Castle generates its own keys here.
/// tc26-512-c is the second twisted Edwards curve.
const BC_CURVES: [&str; 4] = ["cryptopro-a", "tc26-256-a", "tc26-512-a", "tc26-512-c"];

// ------------------------------------------------------------------ oracles

/// OpenSSL with the gost engine (`tests/common/ossl.rs`).
fn ossl() -> Option<&'static Openssl> {
    common::ossl::oracle()
}

/// Bouncy Castle (`tests/common/bc.rs`).
fn bc() -> Option<&'static BouncyCastle> {
    common::bc::oracle()
}

/// OpenSSL's key and self-signed certificate on `c`.
fn keycert(o: &Openssl, dir: &Path, c: &Curve) -> KeyCert {
    o.keycert(dir, c.bits, c.paramset, c.name)
}

// ------------------------------------------------------------------ gostcms

fn gostcms(args: &[&str]) -> Output {
    common::gostcms()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run gostcms: {e}"))
}

fn gostcms_verify(sig: &Path, content: Option<&Path>) -> Output {
    let mut args = vec!["verify", path_str(sig)];
    if let Some(c) = content {
        args.extend(["--content", path_str(c)]);
    }
    gostcms(&args)
}

/// Options of `gostcms sign` beyond key and certificate.
#[derive(Clone, Copy, Debug)]
struct SignOpts {
    attached: bool,
    attrs: bool,
    cades: bool,
}

const GOSTCMS_VARIANTS: [(&str, SignOpts); 5] = [
    (
        "detached",
        SignOpts {
            attached: false,
            attrs: true,
            cades: false,
        },
    ),
    (
        "attached",
        SignOpts {
            attached: true,
            attrs: true,
            cades: false,
        },
    ),
    (
        "no-attrs",
        SignOpts {
            attached: false,
            attrs: false,
            cades: false,
        },
    ),
    (
        "attached-no-attrs",
        SignOpts {
            attached: true,
            attrs: false,
            cades: false,
        },
    ),
    (
        "cades",
        SignOpts {
            attached: false,
            attrs: true,
            cades: true,
        },
    ),
];

fn gostcms_sign(kc: &KeyCert, content: &Path, out: &Path, o: SignOpts, format: &str) {
    let mut args = vec![
        "sign",
        "--key",
        path_str(&kc.key),
        "--cert",
        path_str(&kc.cert),
    ];
    if o.attached {
        args.push("--attached");
    }
    if !o.attrs {
        args.push("--no-attrs");
    }
    if o.cades {
        args.push("--cades");
    }
    args.extend([
        "--format",
        format,
        "--out",
        path_str(out),
        path_str(content),
    ]);
    let res = gostcms(&args);
    assert!(
        res.status.success(),
        "gostcms {}\n{}",
        args.join(" "),
        show(&res)
    );
    let written = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    assert!(
        written > 0,
        "gostcms {} exited 0 but wrote no signature to {}\n{}",
        args.join(" "),
        out.display(),
        show(&res)
    );
}

/// Exit 0, every line "OK ...", one of them naming the signer and the curve;
/// the last-but-one check: a signing time when the signature has attributes,
/// "-" when it has none.
fn assert_gostcms_ok(out: &Output, cn: &str, curve: &str, signing_time: bool, what: &str) {
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: gostcms verify\n{}",
        show(out)
    );
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "{what}: no signer line\n{}", show(out));
    assert!(
        lines.iter().all(|l| l.starts_with("OK ")),
        "{what}: every line must start with OK\n{}",
        show(out)
    );
    let line = lines
        .iter()
        .find(|l| l.contains(cn))
        .unwrap_or_else(|| panic!("{what}: no line names {cn:?}\n{}", show(out)));
    let tokens: Vec<&str> = line.split_whitespace().collect();
    if !curve.is_empty() {
        assert!(
            tokens.contains(&curve),
            "{what}: line does not name curve {curve}: {line}"
        );
    }
    let has_time = tokens.iter().any(|t| {
        t.len() >= 10 && t.as_bytes()[..4].iter().all(u8::is_ascii_digit) && t.as_bytes()[4] == b'-'
    });
    if signing_time {
        assert!(has_time, "{what}: no signing time in {line}");
    } else {
        assert!(
            !has_time && tokens.contains(&"-"),
            "{what}: expected '-' for the signing time in {line}"
        );
    }
}

/// Exit 1 and a "FAIL" line.
fn assert_gostcms_fail(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: gostcms verify must fail with exit 1\n{}",
        show(out)
    );
    assert!(
        text(&out.stdout).lines().any(|l| l.starts_with("FAIL ")),
        "{what}: no FAIL line\n{}",
        show(out)
    );
}

// ------------------------------------------------- oracle self-checks (no gostcms)

/// OpenSSL signs in every form used below and verifies its own output, and
/// rejects altered content: the OpenSSL side of the harness works.
#[test]
fn oracle_openssl_signs_and_verifies_its_own_signed_data() {
    let Some(o) = ossl() else { return };
    let dir = tempdir();
    let d = dir.path();
    let msg = write(d, "msg.bin", &message());
    let bad = write(d, "msg-altered.bin", &altered(&message(), 5));
    let big = write(d, "big.bin", &pseudo_random(300 * 1024, 3));
    for c in &CURVES {
        let kc = keycert(o, d, c);
        for (form, extra) in [
            ("detached", &[][..]),
            ("noattr", &["-noattr"][..]),
            ("nodetach", &["-nodetach"][..]),
            ("pem", &["-outform", "PEM"][..]),
        ] {
            let sig = d.join(format!("{}-{form}.sig", c.name));
            o.cms_sign(&kc, &msg, &sig, extra);
            let inform = if form == "pem" { "PEM" } else { "DER" };
            let content = (form != "nodetach").then_some(msg.as_path());
            let out = o.cms_verify(&sig, inform, content);
            assert!(out.status.success(), "{} {form}\n{}", c.name, show(&out));
            if content.is_some() {
                let out = o.cms_verify(&sig, inform, Some(&bad));
                assert!(
                    !out.status.success(),
                    "{} {form}: altered content accepted",
                    c.name
                );
            }
        }
        // -stream: BER, indefinite lengths, content in 4096-byte chunks.
        let sig = d.join(format!("{}-stream.ber", c.name));
        o.cms_sign(&kc, &big, &sig, &["-nodetach", "-stream"]);
        let ber = read(&sig);
        assert_eq!(
            &ber[..2],
            b"\x30\x80",
            "{}: -stream output is indefinite-length BER",
            c.name
        );
        let out = o.cms_verify(&sig, "DER", None);
        assert!(out.status.success(), "{} stream\n{}", c.name, show(&out));
        let tampered = write(d, "stream-altered.ber", &altered(&ber, ber.len() / 2));
        let out = o.cms_verify(&tampered, "DER", None);
        assert!(
            !out.status.success(),
            "{}: altered streamed content accepted",
            c.name
        );
        // -cades: signingCertificateV2 with the signer's digest; for 256-bit
        // keys that is Streebog-256, which proves assert_signing_certificate_v2.
        let sig = d.join(format!("{}-cades.der", c.name));
        o.cms_sign(&kc, &msg, &sig, &["-cades"]);
        let out = o.cms_verify(&sig, "DER", Some(&msg));
        assert!(out.status.success(), "{} cades\n{}", c.name, show(&out));
        if c.bits == 256 {
            assert_signing_certificate_v2(
                o,
                &kc,
                &read(&sig),
                &format!("{} openssl -cades", c.name),
            );
        }
        // -stream without -nodetach: detached, still BER.
        let sig = d.join(format!("{}-stream-detached.ber", c.name));
        o.cms_sign(&kc, &big, &sig, &["-stream"]);
        assert_eq!(
            &read(&sig)[..2],
            b"\x30\x80",
            "{}: detached -stream",
            c.name
        );
        let out = o.cms_verify(&sig, "DER", Some(&big));
        assert!(
            out.status.success(),
            "{} stream detached\n{}",
            c.name,
            show(&out)
        );
    }
}

/// Bouncy Castle verifies OpenSSL-made and its own SignedData, OpenSSL
/// verifies BC's, both reject altered content, and BC verifies the TC26
/// examples and the guide's RSA Request-Data-Sign: the Java side works.
#[test]
fn oracle_bouncy_castle_verifies_openssl_and_itself() {
    let Some(o) = ossl() else { return };
    let Some(bc) = bc() else { return };
    let dir = tempdir();
    let d = dir.path();
    let msg = write(d, "msg.bin", &message());
    let bad = write(d, "msg-altered.bin", &altered(&message(), 5));
    let mut good: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut wrong: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();

    for c in CURVES.iter().filter(|c| c.bc_reads_openssl_cert) {
        let kc = keycert(o, d, c);
        let det = d.join(format!("ossl-{}.der", c.name));
        o.cms_sign(&kc, &msg, &det, &[]);
        good.push((det.clone(), Some(msg.clone())));
        wrong.push((det, Some(bad.clone())));
        let stream = d.join(format!("ossl-{}-stream.ber", c.name));
        o.cms_sign(&kc, &msg, &stream, &["-nodetach", "-stream"]);
        good.push((stream, None));
    }
    for curve in BC_CURVES {
        let kc = bc.genkey(d, curve);
        for attached in [false, true] {
            for attrs in [true, false] {
                let sig = d.join(format!("bc-{curve}-{attached}-{attrs}.ber"));
                bc.sign(&kc, &msg, &sig, attached, attrs);
                let content = (!attached).then(|| msg.clone());
                let out = o.cms_verify(&sig, "DER", content.as_deref());
                assert!(
                    out.status.success(),
                    "openssl verifies BC {curve} attached={attached} attrs={attrs}\n{}",
                    show(&out)
                );
                if !attached {
                    wrong.push((sig.clone(), Some(bad.clone())));
                }
                good.push((sig, content));
            }
        }
    }
    let v = root().join("vectors");
    good.push((v.join("cms/signed_a111.pem"), None));
    good.push((v.join("cms/signed_a121.pem"), None));
    good.push((
        v.join("esia/request-data-sign/request_data_sign.b64u"),
        Some(v.join("esia/request-data-sign/request_data.json")),
    ));

    let (entries, out) = bc.verify_many(d, &good);
    for e in &entries {
        assert!(
            e.lines().nth(1).is_some_and(|l| l.starts_with("OK ")),
            "BC: {e}"
        );
    }
    assert!(out.status.success(), "{}", show(&out));

    let (entries, out) = bc.verify_many(d, &wrong);
    for e in &entries {
        assert!(e.contains("\nFAIL "), "BC accepted altered content: {e}");
    }
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
}

/// OpenSSL verifies the TC26 examples and the guide's RSA Request-Data-Sign,
/// which the tests below expect gostcms to verify.
#[test]
fn oracle_openssl_verifies_the_vectors() {
    let Some(o) = ossl() else { return };
    let v = root().join("vectors");
    for f in ["cms/signed_a111.pem", "cms/signed_a121.pem"] {
        let out = o.cms_verify(&v.join(f), "PEM", None);
        assert!(out.status.success(), "{f}\n{}", show(&out));
    }
    let rds = v.join("esia/request-data-sign");
    let out = o.cms_verify(
        &rds.join("request_data_sign.ber"),
        "DER",
        Some(&rds.join("request_data.json")),
    );
    assert!(out.status.success(), "Request-Data-Sign\n{}", show(&out));
    let dir = tempdir();
    let bad = write(
        dir.path(),
        "bad.json",
        &altered(&read(&rds.join("request_data.json")), 10),
    );
    let out = o.cms_verify(&rds.join("request_data_sign.ber"), "DER", Some(&bad));
    assert!(!out.status.success(), "altered Request-Data accepted");
}

// ------------------------------------------------- OpenSSL-made -> gostcms verify

/// Detached with attributes, -noattr, -nodetach, and altered content / altered
/// signature, for every parameter set of the gost engine.
#[test]
fn openssl_signed_data_verifies_with_gostcms() {
    let Some(o) = ossl() else { return };
    let dir = tempdir();
    let d = dir.path();
    let msg = write(d, "msg.bin", &message());
    let bad = write(d, "msg-altered.bin", &altered(&message(), 5));
    for c in &CURVES {
        let kc = keycert(o, d, c);
        for (form, extra, attrs) in [
            ("detached", &[][..], true),
            ("noattr", &["-noattr"][..], false),
            ("nodetach", &["-nodetach"][..], true),
            ("nodetach-noattr", &["-nodetach", "-noattr"][..], false),
            ("cades", &["-cades"][..], true),
        ] {
            let what = format!("{} openssl -sign {form}", c.name);
            let sig = d.join(format!("{}-{form}.der", c.name));
            o.cms_sign(&kc, &msg, &sig, extra);
            let detached = !form.starts_with("nodetach");
            let content = detached.then_some(msg.as_path());
            assert_gostcms_ok(
                &gostcms_verify(&sig, content),
                &kc.subject_cn,
                c.name,
                attrs,
                &what,
            );
            if detached {
                assert_gostcms_fail(
                    &gostcms_verify(&sig, Some(&bad)),
                    &format!("{what}, altered content"),
                );
            } else {
                // The content sits before the certificate; flip a byte of it.
                let der = read(&sig);
                let at =
                    find(&der, &message()[..20]).expect("content inside the attached SignedData");
                let t = write(d, "attached-altered.der", &altered(&der, at + 3));
                assert_gostcms_fail(
                    &gostcms_verify(&t, None),
                    &format!("{what}, altered content"),
                );
            }
            // The signature value is the last OCTET STRING: flip its last byte.
            let der = read(&sig);
            let t = write(d, "sig-altered.der", &altered(&der, der.len() - 1));
            assert_gostcms_fail(
                &gostcms_verify(&t, content),
                &format!("{what}, altered signature"),
            );
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `openssl cms -sign -stream`: BER with indefinite lengths and the content in
/// chunks (constructed OCTET STRING), 300 kB, attached and detached.
#[test]
fn openssl_streamed_ber_verifies_with_gostcms() {
    let Some(o) = ossl() else { return };
    let dir = tempdir();
    let d = dir.path();
    let big_data = pseudo_random(300 * 1024, 11);
    let big = write(d, "big.bin", &big_data);
    let bad = write(d, "big-altered.bin", &altered(&big_data, 200_000));
    for c in &CURVES {
        let kc = keycert(o, d, c);
        let what = format!("{} openssl -sign -nodetach -stream", c.name);
        let sig = d.join(format!("{}-stream-attached.ber", c.name));
        o.cms_sign(&kc, &big, &sig, &["-nodetach", "-stream"]);
        let ber = read(&sig);
        assert_eq!(&ber[..2], b"\x30\x80", "{what}: not indefinite-length BER");
        assert_gostcms_ok(
            &gostcms_verify(&sig, None),
            &kc.subject_cn,
            c.name,
            true,
            &what,
        );
        let at = find(&ber, &big_data[150_000..150_032]).expect("content inside the BER");
        let t = write(d, "stream-altered.ber", &altered(&ber, at + 7));
        assert_gostcms_fail(
            &gostcms_verify(&t, None),
            &format!("{what}, altered content"),
        );

        // Without -nodetach, OpenSSL's streamed DER output still embeds the
        // content (`openssl cms -cmsout -print` shows the eContent). Given
        // the same content as well, both are checked; given other content,
        // gostcms refuses (exit 2) rather than report on one of the two.
        let what = format!("{} openssl -sign -stream (content embedded)", c.name);
        let sig = d.join(format!("{}-stream-default.ber", c.name));
        o.cms_sign(&kc, &big, &sig, &["-stream"]);
        assert_gostcms_ok(
            &gostcms_verify(&sig, Some(&big)),
            &kc.subject_cn,
            c.name,
            true,
            &what,
        );
        let out = gostcms_verify(&sig, Some(&bad));
        assert_eq!(
            out.status.code(),
            Some(2),
            "{what}, other content supplied\n{}",
            show(&out)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("differs"),
            "{}",
            show(&out)
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("OK"),
            "{}",
            show(&out)
        );
    }
}

/// The same SignedData as PEM, bare base64, base64url (padded and not) and
/// percent-encoded base64; content from stdin.
#[test]
fn openssl_signed_data_in_text_encodings_verifies_with_gostcms() {
    let Some(o) = ossl() else { return };
    let dir = tempdir();
    let d = dir.path();
    let msg = write(d, "msg.bin", &message());
    for c in CURVES
        .iter()
        .filter(|c| matches!(c.name, "cryptopro-a" | "tc26-512-c"))
    {
        let kc = keycert(o, d, c);
        let pem = d.join(format!("{}.pem", c.name));
        o.cms_sign(&kc, &msg, &pem, &["-outform", "PEM"]);
        let pem_text = text(&read(&pem));
        assert!(pem_text.starts_with("-----BEGIN CMS-----"), "{pem_text}");
        let b64: String = pem_text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let url_padded = b64.replace('+', "-").replace('/', "_");
        let url = url_padded.trim_end_matches('=').to_owned();
        let percent = b64
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        for (form, data) in [
            ("pem", pem_text.clone()),
            ("base64", b64.clone()),
            ("base64-newline", format!("{b64}\n")),
            ("base64url-padded", url_padded),
            ("base64url", url),
            ("percent-encoded", percent),
        ] {
            let what = format!("{} openssl -sign as {form}", c.name);
            let sig = write(d, &format!("{}-{form}.txt", c.name), data.as_bytes());
            assert_gostcms_ok(
                &gostcms_verify(&sig, Some(&msg)),
                &kc.subject_cn,
                c.name,
                true,
                &what,
            );
        }
        // The content from stdin.
        let mut child = Command::new(env!("CARGO_BIN_EXE_gostcms"))
            .args(["verify", path_str(&pem), "--content", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run gostcms: {e}"));
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("piped stdin");
            stdin.write_all(&message()).expect("write to gostcms stdin");
        }
        let out = child.wait_with_output().expect("gostcms finishes");
        assert_gostcms_ok(
            &out,
            &kc.subject_cn,
            c.name,
            true,
            &format!("{} content on stdin", c.name),
        );
    }
}

// ------------------------------------------------- gostcms-made -> OpenSSL, BC

/// gostcms signs (detached, attached, no attributes, CAdES) with OpenSSL-made
/// keys on every parameter set; `openssl cms -verify` accepts each, and
/// rejects the detached ones over altered content.
#[test]
fn gostcms_signed_data_verifies_with_openssl() {
    let Some(o) = ossl() else { return };
    let dir = tempdir();
    let d = dir.path();
    let msg = write(d, "msg.bin", &message());
    let bad = write(d, "msg-altered.bin", &altered(&message(), 5));
    for c in &CURVES {
        let kc = keycert(o, d, c);
        for (variant, opts) in GOSTCMS_VARIANTS {
            let what = format!("{} gostcms sign {variant}", c.name);
            let sig = d.join(format!("{}-{variant}.der", c.name));
            gostcms_sign(&kc, &msg, &sig, opts, "der");
            let content = (!opts.attached).then_some(msg.as_path());
            let out = o.cms_verify(&sig, "DER", content);
            assert!(
                out.status.success(),
                "{what}: openssl cms -verify\n{}",
                show(&out)
            );
            if opts.attached {
                // openssl prints the content it verified.
                let out = o.run(&[
                    "cms",
                    "-verify",
                    "-binary",
                    "-noverify",
                    "-inform",
                    "DER",
                    "-in",
                    path_str(&sig),
                ]);
                assert_eq!(out.stdout, message(), "{what}: attached content");
            } else {
                let out = o.cms_verify(&sig, "DER", Some(&bad));
                assert!(
                    !out.status.success(),
                    "{what}: openssl accepted altered content"
                );
            }
            if opts.cades {
                assert_signing_certificate_v2(o, &kc, &read(&sig), &what);
            }
            // And gostcms reads its own output.
            assert_gostcms_ok(
                &gostcms_verify(&sig, content),
                &kc.subject_cn,
                c.name,
                opts.attrs,
                &what,
            );
        }
        // PEM output reads in openssl too.
        let pem = d.join(format!("{}.pem", c.name));
        gostcms_sign(&kc, &msg, &pem, GOSTCMS_VARIANTS[0].1, "pem");
        let out = o.cms_verify(&pem, "PEM", Some(&msg));
        assert!(
            out.status.success(),
            "{} gostcms sign --format pem\n{}",
            c.name,
            show(&out)
        );
        // base64 and base64url (padded or not) decode to SignedData openssl reads.
        for format in ["base64", "base64url"] {
            let what = format!("{} gostcms sign --format {format}", c.name);
            let sig = d.join(format!("{}.{format}", c.name));
            gostcms_sign(&kc, &msg, &sig, GOSTCMS_VARIANTS[0].1, format);
            let der = decode_base64_any(&read(&sig))
                .unwrap_or_else(|e| panic!("{what}: not base64: {e}"));
            if format == "base64url" {
                let t = text(&read(&sig));
                assert!(!t.contains(['+', '/']), "{what}: not the URL alphabet: {t}");
            }
            let der_path = write(d, "decoded.der", &der);
            let out = o.cms_verify(&der_path, "DER", Some(&msg));
            assert!(out.status.success(), "{what}\n{}", show(&out));
        }
    }
}

/// Standard or URL alphabet, padded or not, surrounding whitespace ignored.
fn decode_base64_any(data: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::Engine as _;
    let t: String = text(data)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    base64::engine::general_purpose::STANDARD_NO_PAD.decode(t)
}

/// CAdES-BES: the signed attributes hold signingCertificateV2
/// (1.2.840.113549.1.9.16.2.47) with Streebog-256 of the signer certificate
/// (hash computed by openssl, not by gostcms).
fn assert_signing_certificate_v2(o: &Openssl, kc: &KeyCert, sig: &[u8], what: &str) {
    const SIGNING_CERTIFICATE_V2: &[u8] = &[
        0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x2f,
    ];
    assert!(
        find(sig, SIGNING_CERTIFICATE_V2).is_some(),
        "{what}: no signingCertificateV2 attribute"
    );
    let der = o
        .ok(&["x509", "-in", path_str(&kc.cert), "-outform", "DER"])
        .stdout;
    let dir = tempdir();
    let der_path = write(dir.path(), "cert.der", &der);
    let hash = o
        .ok(&["dgst", "-md_gost12_256", "-binary", path_str(&der_path)])
        .stdout;
    assert_eq!(hash.len(), 32, "openssl dgst -md_gost12_256");
    assert!(
        find(sig, &hash).is_some(),
        "{what}: signingCertificateV2 does not hold Streebog-256 of the certificate ({})",
        hex::encode(&hash)
    );
}

/// gostcms-made SignedData verify with Bouncy Castle: with OpenSSL-made keys
/// on the sets BC reads, with BC's own keys, and with a gostcms-made key and
/// certificate.
#[test]
fn gostcms_signed_data_verifies_with_bouncy_castle() {
    let Some(o) = ossl() else { return };
    let Some(bc) = bc() else { return };
    let dir = tempdir();
    let d = dir.path();
    let msg = write(d, "msg.bin", &message());
    let bad = write(d, "msg-altered.bin", &altered(&message(), 5));

    let mut signers: Vec<(String, KeyCert)> = Vec::new();
    for c in CURVES.iter().filter(|c| c.bc_reads_openssl_cert) {
        signers.push((format!("openssl {}", c.name), keycert(o, d, c)));
    }
    for curve in BC_CURVES {
        signers.push((format!("BC {curve}"), bc.genkey(d, curve)));
    }
    // gostcms-made keys and certificates, on the curves whose SPKI Bouncy
    // Castle 1.72 can read: CryptoPro-A and tc26-512-A (gostcms writes the
    // digestParamSet there, as OpenSSL does). tc26-256-A and tc26-512-C keys
    // carry no digestParamSet (RFC 9215), which BC 1.72 cannot read.
    for curve in [CurveId::CryptoProA, CurveId::Tc26_512A] {
        let key = SigningKey::generate(curve).expect("key generation");
        let cn = format!("gostcms {}", curve.name());
        let cert = self_signed(&key, &format!("CN={cn},O=gostcms interop"), 30, None)
            .expect("self-signed certificate");
        let kc = KeyCert {
            key: write(
                d,
                &format!("gostcms-{}.key.pem", curve.name()),
                key.to_pkcs8_pem().as_bytes(),
            ),
            cert: write(
                d,
                &format!("gostcms-{}.cert.pem", curve.name()),
                cert.to_pem().as_bytes(),
            ),
            subject_cn: cn.clone(),
        };
        signers.push((cn, kc));
    }

    let mut good = Vec::new();
    let mut names = Vec::new();
    let mut wrong = Vec::new();
    for (who, kc) in &signers {
        for (variant, opts) in GOSTCMS_VARIANTS {
            let sig = d.join(format!("{}-{variant}.der", who.replace(' ', "-")));
            gostcms_sign(kc, &msg, &sig, opts, "der");
            let content = (!opts.attached).then(|| msg.clone());
            if !opts.attached {
                wrong.push((sig.clone(), Some(bad.clone())));
            }
            good.push((sig, content));
            names.push(format!("{who} {variant}"));
        }
    }
    let (entries, _) = bc.verify_many(d, &good);
    let failures: Vec<String> = names
        .iter()
        .zip(&entries)
        .filter(|(_, e)| !e.lines().nth(1).is_some_and(|l| l.starts_with("OK ")))
        .map(|(n, e)| format!("{n}: {e}"))
        .collect();
    assert!(
        failures.is_empty(),
        "Bouncy Castle rejects gostcms SignedData:\n{}",
        failures.join("\n")
    );
    let (entries, out) = bc.verify_many(d, &wrong);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    for e in &entries {
        assert!(e.contains("\nFAIL "), "BC accepted altered content: {e}");
    }
}

// ------------------------------------------------- BC-made -> gostcms verify

/// Bouncy Castle generates its own keys and signs, detached and attached, with
/// and without attributes (its attribute set includes CMSAlgorithmProtection);
/// gostcms verifies and rejects altered content.
#[test]
fn bouncy_castle_signed_data_verifies_with_gostcms() {
    let Some(bc) = bc() else { return };
    let dir = tempdir();
    let d = dir.path();
    let msg = write(d, "msg.bin", &message());
    let bad = write(d, "msg-altered.bin", &altered(&message(), 5));
    for curve in BC_CURVES {
        let kc = bc.genkey(d, curve);
        // gostcms reads BC's key and certificate too (key: OCTET STRING form).
        let key_der = read(&kc.key);
        gostcms::keys::decode_private_key(&key_der)
            .unwrap_or_else(|e| panic!("gostcms cannot read BC's {curve} key: {e}"));
        for attached in [false, true] {
            for attrs in [true, false] {
                let what = format!("BC {curve} attached={attached} attrs={attrs}");
                let sig = d.join(format!("bc-{curve}-{attached}-{attrs}.ber"));
                bc.sign(&kc, &msg, &sig, attached, attrs);
                let content = (!attached).then_some(msg.as_path());
                assert_gostcms_ok(
                    &gostcms_verify(&sig, content),
                    &kc.subject_cn,
                    curve,
                    attrs,
                    &what,
                );
                if attached {
                    let ber = read(&sig);
                    let at = find(&ber, &message()[..20])
                        .expect("content inside the attached SignedData");
                    let t = write(d, "bc-altered.ber", &altered(&ber, at + 3));
                    assert_gostcms_fail(
                        &gostcms_verify(&t, None),
                        &format!("{what}, altered content"),
                    );
                } else {
                    assert_gostcms_fail(
                        &gostcms_verify(&sig, Some(&bad)),
                        &format!("{what}, altered content"),
                    );
                }
            }
        }
    }
}

// ------------------------------------------------- vectors

/// TC26 examples A.1.1.1 (Streebog-512, attributes) and A.1.2.1 (Streebog-256,
/// no attributes) verify; the DigestedData examples are named as such.
#[test]
fn tc26_cms_examples() {
    let v = root().join("vectors/cms");
    let out = gostcms_verify(&v.join("signed_a111.pem"), None);
    assert_gostcms_ok(
        &out,
        "ORIGINATOR: GOST 34.10-12 512-bit",
        "tc26-512-a",
        true,
        "signed_a111",
    );
    let out = gostcms_verify(&v.join("signed_a121.pem"), None);
    assert_gostcms_ok(
        &out,
        "ORIGINATOR: GOST 34.10-12 256-bit",
        "tc26-256-a",
        false,
        "signed_a121",
    );

    // Altered attached content: the Cyrillic text is CP1251 inside eContent.
    let dir = tempdir();
    let pem = text(&read(&v.join("signed_a111.pem")));
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("signed_a111.pem is base64");
    let at = find(&der, b"SignedData.").expect("content of a111");
    let t = write(dir.path(), "a111-altered.der", &altered(&der, at));
    assert_gostcms_fail(
        &gostcms_verify(&t, None),
        "signed_a111 with altered content",
    );

    for f in ["hashed_a311.pem", "hashed_a321.pem"] {
        let out = gostcms_verify(&v.join(f), None);
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{f}: DigestedData must be refused with exit 1 or 2\n{}",
            show(&out)
        );
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            all.contains("DigestedData"),
            "{f}: the message must say DigestedData\n{}",
            show(&out)
        );
        assert!(!all.contains("panicked"), "{f}\n{}", show(&out));
    }
}

/// The ESIA guide's Request-Data-Sign (RSA-2048 / SHA-256, BER, detached,
/// base64url) verifies against its Request-Data: legacy RSA verify-only.
#[test]
fn esia_guide_rsa_request_data_sign() {
    let v = root().join("vectors/esia/request-data-sign");
    let data = v.join("request_data.json");
    for sig in ["request_data_sign.b64u", "request_data_sign.ber"] {
        let out = gostcms_verify(&v.join(sig), Some(&data));
        assert_gostcms_ok(&out, "Test Rest System", "", true, sig);
    }
    let dir = tempdir();
    let bad = write(dir.path(), "bad.json", &altered(&read(&data), 10));
    assert_gostcms_fail(
        &gostcms_verify(&v.join("request_data_sign.b64u"), Some(&bad)),
        "Request-Data-Sign over altered Request-Data",
    );
}

// ------------------------------------------------- the line checks themselves

/// The OK/FAIL line checks accept the shapes cli.md allows and refuse others,
/// so a failure above is about gostcms, not about the parsing here.
#[cfg(unix)]
#[test]
fn oracle_line_checks_follow_the_cli_contract() {
    use std::os::unix::process::ExitStatusExt;
    let output = |code: i32, stdout: &str| Output {
        status: std::process::ExitStatus::from_raw(code << 8),
        stdout: stdout.as_bytes().to_vec(),
        stderr: Vec::new(),
    };
    let ok = output(
        0,
        "OK CN=OpenSSL 256 A,O=gostcms interop tc26-256-a 2026-11-24T14:00:00Z certificate not checked\n",
    );
    assert_gostcms_ok(&ok, "OpenSSL 256 A", "tc26-256-a", true, "with time");
    let ok = output(0, "OK O=gostcms interop,CN=BC tc26-512-a tc26-512-a -\n");
    assert_gostcms_ok(&ok, "BC tc26-512-a", "tc26-512-a", false, "without time");
    let fail = output(1, "FAIL CN=x content digest mismatch\n");
    assert_gostcms_fail(&fail, "fail");
    let fail = output(1, "FAIL - no signers\n");
    assert_gostcms_fail(&fail, "fail without subject");

    let refused =
        |out: Output, check: fn(&Output)| std::panic::catch_unwind(move || check(&out)).is_err();
    // Wrong exit code, FAIL line on exit 0, wrong curve, missing time, usage error as failure.
    assert!(refused(output(1, "OK CN=a tc26-256-a -\n"), |o| {
        assert_gostcms_ok(o, "a", "tc26-256-a", false, "t")
    }));
    assert!(refused(output(0, "FAIL CN=a reason\n"), |o| {
        assert_gostcms_ok(o, "a", "tc26-256-a", false, "t")
    }));
    assert!(refused(output(0, "OK CN=a tc26-256-b -\n"), |o| {
        assert_gostcms_ok(o, "a", "tc26-256-a", false, "t")
    }));
    assert!(refused(output(0, "OK CN=a tc26-256-a -\n"), |o| {
        assert_gostcms_ok(o, "a", "tc26-256-a", true, "t")
    }));
    assert!(refused(output(0, ""), |o| assert_gostcms_ok(
        o, "a", "", false, "t"
    )));
    assert!(refused(output(2, "FAIL - bad input\n"), |o| {
        assert_gostcms_fail(o, "t")
    }));
    assert!(refused(output(1, ""), |o| assert_gostcms_fail(o, "t")));
}
