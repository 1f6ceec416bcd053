//! Legacy GOST R 34.10-2001 / GOST R 34.11-94 SignedData made by OpenSSL's
//! gost engine (the ESIA client-test 2001 key) verify with gostcms.

use crate::common;

/// `openssl ARGS` with the gost engine (`tests/common/ossl.rs`) succeeded.
fn openssl(args: &[&str]) -> bool {
    common::ossl::Openssl.run(args).status.success()
}

#[test]
fn openssl_gost2001_signed_data_verifies() {
    let dir = common::tempdir();
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    if !common::engine_available() {
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let key = format!("{root}/vectors/esia/client-test/ekapusta.gost.test.key");
    let cert = format!("{root}/vectors/esia/client-test/ekapusta.gost.test.cer");
    std::fs::write(p("data"), b"legacy GOST 2001 content").unwrap();
    for extra in [&[][..], &["-noattr", "-nodetach"][..]] {
        let mut args = vec![
            "cms",
            "-sign",
            "-binary",
            "-md",
            "md_gost94",
            "-signer",
            &cert,
            "-inkey",
            &key,
        ];
        args.extend_from_slice(&["-outform", "DER", "-in"]);
        let data = p("data");
        let out = p("sig.der");
        args.push(&data);
        args.extend_from_slice(&["-out", &out]);
        args.extend_from_slice(extra);
        assert!(openssl(&args), "openssl cms -sign {extra:?}");
        let sig = std::fs::read(&out).unwrap();
        let content = std::fs::read(&data).unwrap();
        let report = if extra.is_empty() {
            gostcms::cms::verify(&sig, gostcms::cms::Content::Bytes(&content), &[]).unwrap()
        } else {
            gostcms::cms::verify(&sig, gostcms::cms::Content::Attached, &[]).unwrap()
        };
        assert!(report.all_valid(), "{extra:?}: {:?}", report.signers);
        assert_eq!(report.signers[0].curve, Some(gostcms::CurveId::CryptoProA));
        let tampered = gostcms::cms::verify(&sig, gostcms::cms::Content::Bytes(b"other"), &[]);
        if extra.is_empty() {
            assert!(!tampered.unwrap().all_valid());
        } else {
            // Attached: other supplied content is refused outright.
            let err = tampered.unwrap_err();
            assert!(err.to_string().contains("differs"), "{err}");
        }
    }
}

/// The other direction: gostcms signs CMS with the 2001 key (GOST R 34.11-94
/// digest, 2001 OIDs) and OpenSSL's gost engine verifies it; a 2012 reading
/// of the same key (Streebog) would not verify there.
#[test]
fn gostcms_gost2001_signed_data_verifies_in_openssl() {
    let dir = common::tempdir();
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    if !common::engine_available() {
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let key_pem = std::fs::read(format!(
        "{root}/vectors/esia/client-test/ekapusta.gost.test.key"
    ))
    .unwrap();
    let cert_path = format!("{root}/vectors/esia/client-test/ekapusta.gost.test.cer");
    let cert =
        gostcms::keys::Certificate::from_pem_or_der(&std::fs::read(&cert_path).unwrap()).unwrap();
    let key = gostcms::keys::decode_private_key(&key_pem).unwrap();
    assert!(key.is_gost2001(), "the key file says GOST R 34.10-2001");
    let signer = gostcms::cms::CmsSigner::new(key, cert).unwrap();
    let content = b"legacy GOST 2001 content, signed by gostcms";
    std::fs::write(p("data"), content).unwrap();
    for attached in [false, true] {
        let opts = gostcms::cms::SignOptions {
            attached,
            ..Default::default()
        };
        let sig = signer.sign(content, &opts).unwrap();
        let report =
            gostcms::cms::verify(&sig, gostcms::cms::Content::Bytes(content), &[]).unwrap();
        assert!(report.all_valid(), "{:?}", report.signers);
        std::fs::write(p("sig.der"), &sig).unwrap();
        let data = p("data");
        let sig_path = p("sig.der");
        let mut args = vec![
            "cms",
            "-verify",
            "-noverify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            &sig_path,
            "-out",
            "/dev/null",
        ];
        if !attached {
            args.extend_from_slice(&["-content", &data]);
        }
        assert!(openssl(&args), "openssl cms -verify (attached: {attached})");
    }
}
