//! The README's library snippet, kept compiling and passing here.

use gostcms::{CurveId, Signature, SigningKey, VerifyingKey};
use signature::{Signer, Verifier};

#[test]
fn readme_snippet() -> Result<(), Box<dyn std::error::Error>> {
    // --- begin README snippet ---
    let key = SigningKey::generate(CurveId::CryptoProA)?;
    let msg = b"TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300";
    let sig: Signature = key.sign(msg); // Streebog-256, then GOST R 34.10-2012
    assert_eq!(sig.as_bytes().len(), 64); // s || r, big-endian

    // The public key travels as LE(X) || LE(Y) (inside SPKI or a certificate).
    let public = key.verifying_key().to_le_bytes();
    let vk = VerifyingKey::from_le_bytes(CurveId::CryptoProA, &public)?;
    vk.verify(msg, &Signature::from_slice(sig.as_bytes())?)?;

    // CryptoPro CSP produces the reversed order.
    let capi = sig.to_reversed();
    assert_eq!(Signature::from_reversed(&capi)?, sig);
    // --- end README snippet ---
    Ok(())
}

/// Every line of the snippet above appears in README.md, in order.
#[test]
fn readme_shows_this_snippet() {
    let this = include_str!("readme.rs");
    let readme = include_str!("../../README.md");
    let start = this.find("// --- begin README snippet ---\n").unwrap();
    let end = this.find("    // --- end README snippet ---").unwrap();
    let snippet = &this[start..end];
    let mut rest = readme;
    for line in snippet
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("README.md lacks (or misorders) the line {line:?}"));
        rest = &rest[at + line.len()..];
    }
}
