//! Verifying the tokens ESIA issues (access, id, refresh): compact JWS
//! `HEADER.PAYLOAD.SIGNATURE`, base64url, the signature over the ASCII bytes
//! `HEADER.PAYLOAD`.
//!
//! GOST tokens carry s‖r big-endian with e the Streebog digest of the
//! signing input (no byte reversal; confirmed against a production token).
//! The algorithm comes from the header but is only honoured against a
//! trusted key of the same kind: `none` is never accepted, and a token
//! cannot make an RSA key check a GOST signature or a 256-bit key a 512-bit
//! one.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

use super::claims::{Claims, Header};
use crate::curve::KeySize;
use crate::error::{Error, Result};
use crate::keys::Certificate;
use crate::sign::{PreparedVerifyingKey, Signature};

/// Longest token accepted: real ones are 1-3 KiB.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// Default clock skew tolerance, seconds.
pub const DEFAULT_LEEWAY: u64 = 60;

/// ESIA production's issuer.
pub const ESIA_ISSUER: &str = "http://esia.gosuslugi.ru/";

const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The signature algorithms ESIA uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtAlgorithm {
    /// GOST R 34.10-2012 256-bit with Streebog-256.
    Gost256,
    /// GOST R 34.10-2012 512-bit with Streebog-512.
    Gost512,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (older systems).
    Rs256,
}

impl JwtAlgorithm {
    /// The header's `alg` value.
    pub fn name(self) -> &'static str {
        match self {
            JwtAlgorithm::Gost256 => "GOST3410_2012_256",
            JwtAlgorithm::Gost512 => "GOST3410_2012_512",
            JwtAlgorithm::Rs256 => "RS256",
        }
    }

    fn from_name(alg: &str) -> core::result::Result<Self, JwtError> {
        match alg {
            "GOST3410_2012_256" => Ok(JwtAlgorithm::Gost256),
            "GOST3410_2012_512" => Ok(JwtAlgorithm::Gost512),
            "RS256" => Ok(JwtAlgorithm::Rs256),
            "none" | "None" | "NONE" | "" => Err(JwtError::UnsupportedAlgorithm(format!(
                "{alg:?}: unsigned tokens are never accepted"
            ))),
            other => Err(JwtError::UnsupportedAlgorithm(format!(
                "{other:?} (ESIA uses GOST3410_2012_256, GOST3410_2012_512 or RS256)"
            ))),
        }
    }
}

/// Why a token was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// Not three base64url parts of JSON.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// `alg` is `none` or not one ESIA uses.
    #[error("unsupported alg {0}")]
    UnsupportedAlgorithm(String),
    /// No trusted certificate has a key of the kind `alg` names.
    #[error("alg {alg} does not match any trusted key (trusted: {trusted})")]
    AlgorithmKeyMismatch {
        /// The header's alg.
        alg: String,
        /// The kinds of trusted keys.
        trusted: String,
    },
    /// The signature does not verify under any trusted key.
    #[error("signature mismatch: {0}")]
    BadSignature(String),
    /// `exp` has passed.
    #[error("token expired at {exp} (now {now}, leeway {leeway} s)")]
    Expired {
        /// The exp claim.
        exp: i64,
        /// The time checked against.
        now: i64,
        /// Allowed clock skew.
        leeway: u64,
    },
    /// `nbf` is in the future.
    #[error("token not valid before {nbf} (now {now}, leeway {leeway} s)")]
    NotYetValid {
        /// The nbf claim.
        nbf: i64,
        /// The time checked against.
        now: i64,
        /// Allowed clock skew.
        leeway: u64,
    },
    /// `iat` is in the future.
    #[error("token issued in the future: iat {iat} (now {now}, leeway {leeway} s)")]
    IssuedInFuture {
        /// The iat claim.
        iat: i64,
        /// The time checked against.
        now: i64,
        /// Allowed clock skew.
        leeway: u64,
    },
    /// A required claim is absent.
    #[error("missing claim {0}")]
    MissingClaim(&'static str),
    /// `iss` is not one of the accepted issuers.
    #[error("wrong issuer {got:?} (accepted: {accepted})")]
    WrongIssuer {
        /// The iss claim.
        got: String,
        /// The accepted issuers.
        accepted: String,
    },
    /// The token is for another system.
    #[error("wrong audience: {claim} is {got:?}, expected {expected:?}")]
    WrongAudience {
        /// Which claim held the audience (`client_id` or `aud`).
        claim: &'static str,
        /// Its value.
        got: String,
        /// This system's client_id.
        expected: String,
    },
}

/// A trusted ESIA key, from a certificate.
#[derive(Clone, Debug)]
enum TrustedKey {
    /// With its precomputed tables: a verifier checks many tokens against
    /// the same ESIA key.
    Gost(Arc<PreparedVerifyingKey>),
    Rsa(crate::cms::RsaKey),
}

/// RS256: RSASSA-PKCS1-v1_5 with SHA-256 over the signing input.
#[cfg(feature = "legacy-rsa")]
fn rsa_verifies(key: &crate::cms::RsaKey, input: &[u8], signature: &[u8]) -> bool {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(input);
    key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, signature)
        .is_ok()
}

/// Without `legacy-rsa` there is no RSA key to verify with.
#[cfg(not(feature = "legacy-rsa"))]
fn rsa_verifies(key: &crate::cms::RsaKey, _input: &[u8], _signature: &[u8]) -> bool {
    match *key {}
}

/// A verified token.
#[derive(Clone, Debug)]
pub struct VerifiedToken {
    /// The header.
    pub header: Header,
    /// The claims, typed.
    pub claims: Claims,
    /// The header exactly as sent (JSON).
    pub header_json: Value,
    /// The claims exactly as sent (JSON).
    pub claims_json: Value,
    /// Subject of the certificate whose key verified the token.
    pub signer: String,
}

/// Checks ESIA tokens against a set of trusted certificates (ESIA rotates
/// its certificate: trust the current and the next one).
#[derive(Clone, Debug)]
pub struct JwtVerifier {
    keys: Vec<(TrustedKey, String)>,
    issuers: Vec<String>,
    client_id: Option<String>,
    leeway: u64,
    now: Option<i64>,
}

/// Drops one final `/` (ESIA writes its issuer with one); several are a
/// different issuer and do not match.
fn trim_slash(s: &str) -> &str {
    s.strip_suffix('/').unwrap_or(s)
}

impl JwtVerifier {
    /// Trusts the keys of these certificates (GOST 2012 or RSA). The
    /// issuer defaults to ESIA production; the audience is not checked
    /// until [`client_id`](Self::client_id) is set.
    pub fn new(trusted: &[Certificate]) -> Result<Self> {
        if trusted.is_empty() {
            return Err(Error::MissingParameter("trusted ESIA certificate"));
        }
        let mut keys = Vec::with_capacity(trusted.len());
        for cert in trusted {
            let key = match crate::cms::rsa_public_key(cert) {
                Ok(Some(rsa)) => TrustedKey::Rsa(rsa),
                // The global cache: a verifier made per request reuses the
                // tables of a key seen before instead of rebuilding them.
                Ok(None) => TrustedKey::Gost(cert.verifying_key()?.prepared_cached()?),
                Err(e) => return Err(Error::invalid("trusted certificate", e)),
            };
            keys.push((key, cert.subject()));
        }
        Ok(JwtVerifier {
            keys,
            issuers: vec![ESIA_ISSUER.to_string()],
            client_id: None,
            leeway: DEFAULT_LEEWAY,
            now: None,
        })
    }

    /// Accepted issuers, replacing the default (a final `/` is ignored).
    pub fn issuers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, issuers: I) -> Self {
        self.issuers = issuers.into_iter().map(Into::into).collect();
        self
    }

    /// This system's client_id: access tokens must carry it in `client_id`,
    /// id tokens in `aud`.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Allowed clock skew for exp / nbf / iat, seconds.
    pub fn leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Checks times against this instant (Unix seconds) instead of the clock.
    pub fn now(mut self, unix_seconds: i64) -> Self {
        self.now = Some(unix_seconds);
        self
    }

    /// Verifies signature, times, issuer and audience; returns the claims.
    pub fn verify(&self, token: &str) -> core::result::Result<VerifiedToken, JwtError> {
        let token = token.trim();
        if token.len() > MAX_TOKEN_LEN {
            return Err(JwtError::Malformed(format!(
                "{} bytes, longer than the {MAX_TOKEN_LEN}-byte limit",
                token.len()
            )));
        }
        let parts: Vec<&str> = token.split('.').collect();
        let [header_b64, payload_b64, sig_b64] = parts[..] else {
            return Err(JwtError::Malformed(format!(
                "{} dot-separated parts, a signed JWT has 3",
                parts.len()
            )));
        };
        let decode = |what: &str, text: &str| {
            B64URL
                .decode(text)
                .map_err(|e| JwtError::Malformed(format!("{what} is not base64url: {e}")))
        };
        let header_json: Value = serde_json::from_slice(&decode("header", header_b64)?)
            .map_err(|e| JwtError::Malformed(format!("header is not JSON: {e}")))?;
        let header: Header = serde_json::from_value(header_json.clone())
            .map_err(|e| JwtError::Malformed(format!("header: {e}")))?;
        // RFC 7515 section 4.1.11: a token naming critical header parameters
        // the verifier does not understand must be rejected. This verifier
        // understands none.
        if let Some(crit) = header_json.get("crit") {
            return Err(JwtError::Malformed(format!(
                "header lists critical extensions {crit} that this verifier does not \
                 understand (RFC 7515 \"crit\")"
            )));
        }
        let alg = JwtAlgorithm::from_name(&header.alg)?;
        let signature = decode("signature", sig_b64)?;
        let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];
        let signer = self.check_signature(alg, signing_input.as_bytes(), &signature)?;

        let mut claims_json: Value = serde_json::from_slice(&decode("payload", payload_b64)?)
            .map_err(|e| JwtError::Malformed(format!("payload is not JSON: {e}")))?;
        // The guide's id-token example wraps the claims in {"claims": {...}}.
        if claims_json.get("exp").is_none()
            && let Some(inner) = claims_json.get("claims").filter(|c| c.is_object())
        {
            claims_json = inner.clone();
        }
        let claims: Claims = serde_json::from_value(claims_json.clone())
            .map_err(|e| JwtError::Malformed(format!("claims: {e}")))?;
        self.check_times(&claims)?;
        self.check_issuer(&claims)?;
        self.check_audience(&header, &claims)?;
        Ok(VerifiedToken {
            header,
            claims,
            header_json,
            claims_json,
            signer,
        })
    }

    fn check_signature(
        &self,
        alg: JwtAlgorithm,
        input: &[u8],
        signature: &[u8],
    ) -> core::result::Result<String, JwtError> {
        let fitting: Vec<&(TrustedKey, String)> = self
            .keys
            .iter()
            .filter(|(k, _)| match (alg, k) {
                (JwtAlgorithm::Rs256, TrustedKey::Rsa(_)) => true,
                (JwtAlgorithm::Gost256, TrustedKey::Gost(p)) => {
                    p.verifying_key().curve().key_size() == KeySize::Bits256
                }
                (JwtAlgorithm::Gost512, TrustedKey::Gost(p)) => {
                    p.verifying_key().curve().key_size() == KeySize::Bits512
                }
                _ => false,
            })
            .collect();
        if fitting.is_empty() {
            let trusted: Vec<String> = self
                .keys
                .iter()
                .map(|(k, _)| match k {
                    TrustedKey::Rsa(_) => "RSA".to_string(),
                    TrustedKey::Gost(p) => format!("GOST {}", p.verifying_key().curve()),
                })
                .collect();
            return Err(JwtError::AlgorithmKeyMismatch {
                alg: alg.name().to_string(),
                trusted: trusted.join(", "),
            });
        }
        let mut reversed_hint = false;
        let mut gost_digest: Option<Vec<u8>> = None;
        for (key, subject) in fitting {
            match key {
                TrustedKey::Rsa(rsa) => {
                    if rsa_verifies(rsa, input, signature) {
                        return Ok(subject.clone());
                    }
                }
                TrustedKey::Gost(prepared) => {
                    let vk = prepared.verifying_key();
                    // Every fitting GOST key has the alg's size, hence one hash.
                    let digest = gost_digest.get_or_insert_with(|| vk.hash_alg().digest(input));
                    let want = vk.curve().key_size().signature_len();
                    if signature.len() != want {
                        return Err(JwtError::BadSignature(format!(
                            "{} bytes, {} needs {want}",
                            signature.len(),
                            alg.name()
                        )));
                    }
                    let Ok(sig) = Signature::from_slice(signature) else {
                        continue;
                    };
                    if prepared.verify_prehash(digest, &sig).is_ok() {
                        return Ok(subject.clone());
                    }
                    if Signature::from_reversed(signature)
                        .is_ok_and(|r| prepared.verify_prehash(digest, &r).is_ok())
                    {
                        reversed_hint = true;
                    }
                }
            }
        }
        Err(JwtError::BadSignature(if reversed_hint {
            "the signature is byte-reversed (CryptoAPI order); ESIA tokens carry s||r big-endian"
                .to_string()
        } else {
            "the signature does not verify under any trusted ESIA key (altered token, or not signed by a trusted certificate)".to_string()
        }))
    }

    fn now_seconds(&self) -> i64 {
        self.now.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        })
    }

    fn check_times(&self, claims: &Claims) -> core::result::Result<(), JwtError> {
        let now = self.now_seconds();
        let leeway = self.leeway;
        let skew = i64::try_from(leeway).unwrap_or(i64::MAX);
        let exp = claims.exp.ok_or(JwtError::MissingClaim("exp"))?;
        if now > exp.saturating_add(skew) {
            return Err(JwtError::Expired { exp, now, leeway });
        }
        if let Some(nbf) = claims.nbf
            && now.saturating_add(skew) < nbf
        {
            return Err(JwtError::NotYetValid { nbf, now, leeway });
        }
        if let Some(iat) = claims.iat
            && now.saturating_add(skew) < iat
        {
            return Err(JwtError::IssuedInFuture { iat, now, leeway });
        }
        Ok(())
    }

    fn check_issuer(&self, claims: &Claims) -> core::result::Result<(), JwtError> {
        let iss = claims.iss.as_deref().ok_or(JwtError::MissingClaim("iss"))?;
        if self
            .issuers
            .iter()
            .any(|accepted| trim_slash(accepted) == trim_slash(iss))
        {
            return Ok(());
        }
        Err(JwtError::WrongIssuer {
            got: iss.to_string(),
            accepted: self.issuers.join(", "),
        })
    }

    fn check_audience(
        &self,
        header: &Header,
        claims: &Claims,
    ) -> core::result::Result<(), JwtError> {
        let Some(expected) = &self.client_id else {
            return Ok(());
        };
        let via_aud = match header.sbt.as_deref() {
            Some("id") => true,
            Some("access") | Some("refresh") => false,
            // Unknown kinds: whichever audience claim the token has.
            _ => claims.client_id.is_none(),
        };
        if via_aud {
            let aud = claims.aud.as_ref().ok_or(JwtError::MissingClaim("aud"))?;
            if !aud.contains(expected) {
                return Err(JwtError::WrongAudience {
                    claim: "aud",
                    got: serde_json::to_string(aud).unwrap_or_default(),
                    expected: expected.clone(),
                });
            }
        } else {
            let got = claims
                .client_id
                .as_deref()
                .ok_or(JwtError::MissingClaim("client_id"))?;
            if got != expected {
                return Err(JwtError::WrongAudience {
                    claim: "client_id",
                    got: got.to_string(),
                    expected: expected.clone(),
                });
            }
        }
        Ok(())
    }
}
