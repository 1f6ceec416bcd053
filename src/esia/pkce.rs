//! PKCE (RFC 7636) as ESIA uses it: `code_challenge_method` is `S256` or
//! `GOST3411` (guide L13345). The guide does not say which Streebog the
//! GOST method means; Streebog-256 is the default, 512 an option.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::Digest as _;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::hash::HashAlg;

/// How the challenge is derived from the verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PkceMethod {
    /// SHA-256.
    S256,
    /// Streebog-256 (`GOST3411`).
    #[default]
    Gost3411,
    /// Streebog-512, also sent as `GOST3411`.
    Gost3411With512,
}

impl PkceMethod {
    /// The `code_challenge_method` parameter value.
    pub fn name(self) -> &'static str {
        match self {
            PkceMethod::S256 => "S256",
            PkceMethod::Gost3411 | PkceMethod::Gost3411With512 => "GOST3411",
        }
    }

    /// Reads `S256` or `GOST3411` (any case); `GOST3411-512` selects Streebog-512.
    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_uppercase().as_str() {
            "S256" => Ok(PkceMethod::S256),
            "GOST3411" | "GOST3411-256" => Ok(PkceMethod::Gost3411),
            "GOST3411-512" => Ok(PkceMethod::Gost3411With512),
            _ => Err(Error::invalid(
                "code_challenge_method",
                format!("{name:?} (expected S256 or GOST3411)"),
            )),
        }
    }
}

/// A verifier and its challenge. The verifier is kept secret until the
/// token request; it is wiped from memory on drop.
#[derive(Clone)]
pub struct Pkce {
    /// `code_verifier`, sent with the token request.
    pub code_verifier: Zeroizing<String>,
    /// `code_challenge`, sent with the authorization request.
    pub code_challenge: String,
    /// `code_challenge_method`.
    pub method: PkceMethod,
}

impl core::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pkce")
            .field("code_challenge", &self.code_challenge)
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl Pkce {
    /// A new 43-character verifier (32 random bytes, base64url) and its challenge.
    pub fn generate(method: PkceMethod) -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|e| Error::Rng(e.to_string()))?;
        let code_verifier = Zeroizing::new(URL_SAFE_NO_PAD.encode(seed.as_ref()));
        let code_challenge = challenge(&code_verifier, method)?;
        Ok(Pkce {
            code_verifier,
            code_challenge,
            method,
        })
    }
}

/// base64url (unpadded) of the method's hash of the verifier's ASCII bytes.
/// The verifier must be 43 to 128 characters of `[A-Za-z0-9-._~]`.
pub fn challenge(code_verifier: &str, method: PkceMethod) -> Result<String> {
    let len = code_verifier.len();
    if !(43..=128).contains(&len) {
        return Err(Error::invalid(
            "code_verifier",
            format!("{len} characters, RFC 7636 requires 43 to 128"),
        ));
    }
    if let Some(c) = code_verifier
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~".contains(*c)))
    {
        return Err(Error::invalid(
            "code_verifier",
            format!("character {c:?} is outside [A-Za-z0-9-._~]"),
        ));
    }
    let digest = match method {
        PkceMethod::S256 => sha2::Sha256::digest(code_verifier.as_bytes()).to_vec(),
        PkceMethod::Gost3411 => HashAlg::Streebog256.digest(code_verifier.as_bytes()),
        PkceMethod::Gost3411With512 => HashAlg::Streebog512.digest(code_verifier.as_bytes()),
    };
    Ok(URL_SAFE_NO_PAD.encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_s256() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            challenge(verifier, PkceMethod::S256).unwrap(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn generated_verifier_shape_and_gost_challenge() {
        let p = Pkce::generate(PkceMethod::Gost3411).unwrap();
        assert_eq!(p.code_verifier.len(), 43);
        assert_eq!(p.code_challenge.len(), 43); // 32 bytes, unpadded
        let expected =
            URL_SAFE_NO_PAD.encode(HashAlg::Streebog256.digest(p.code_verifier.as_bytes()));
        assert_eq!(p.code_challenge, expected);
        let p512 = Pkce::generate(PkceMethod::Gost3411With512).unwrap();
        assert_eq!(p512.code_challenge.len(), 86);
        assert_eq!(p512.method.name(), "GOST3411");
    }

    #[test]
    fn bad_verifiers_are_refused() {
        assert!(challenge("short", PkceMethod::S256).is_err());
        let bad = "a".repeat(42) + "!";
        let e = challenge(&bad, PkceMethod::S256).unwrap_err();
        assert!(e.to_string().contains("'!'"), "{e}");
    }
}
