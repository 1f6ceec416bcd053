//! The identification-key (api-key UUID) signature, guide Б.12
//! (L13067-13170): a CMS signature over the UUID's text, made no more than
//! 24 hours before use, sent as the `signature` query parameter. The text
//! says detached, the guide's example is attached and percent-encoded
//! standard base64: both are produced and read.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use super::state::check_uuid;
use crate::cms::{AttributeMode, CmsSigner, Content, SignOptions, VerifyReport};
use crate::error::{Error, Result};
use crate::keys::Certificate;

/// How long ESIA accepts the signature after its signingTime.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// Text form of the `signature` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UuidSignatureEncoding {
    /// base64url, unpadded (what the guide's text asks for).
    #[default]
    Base64Url,
    /// Standard base64, then percent-encoded (the guide's example).
    PercentEncodedBase64,
}

/// Options of [`sign_uuid`].
#[derive(Clone, Debug, Default)]
pub struct UuidSignatureOptions {
    /// Put the UUID inside the SignedData.
    pub attached: bool,
    /// Text form.
    pub encoding: UuidSignatureEncoding,
    /// signingTime; now when `None`.
    pub signing_time: Option<SystemTime>,
}

/// Signs the identification key (a UUID, checked) with the organisation's
/// key: signed attributes contentType, signingTime, messageDigest.
pub fn sign_uuid(signer: &CmsSigner, uuid: &str, options: &UuidSignatureOptions) -> Result<String> {
    check_uuid("identification key", uuid)?;
    super::require_gost2012(signer)?;
    let der = signer.sign(
        uuid.as_bytes(),
        &SignOptions {
            attached: options.attached,
            attributes: AttributeMode::Standard,
            signing_time: options.signing_time,
            ..SignOptions::default()
        },
    )?;
    Ok(match options.encoding {
        UuidSignatureEncoding::Base64Url => URL_SAFE_NO_PAD.encode(der),
        UuidSignatureEncoding::PercentEncodedBase64 => percent_encode(&STANDARD.encode(der)),
    })
}

/// `+`, `/` and `=` escaped for a query string.
fn percent_encode(b64: &str) -> String {
    let mut out = String::with_capacity(b64.len() + b64.len() / 8);
    for c in b64.chars() {
        match c {
            '+' => out.push_str("%2B"),
            '/' => out.push_str("%2F"),
            '=' => out.push_str("%3D"),
            c => out.push(c),
        }
    }
    out
}

/// Checks a UUID signature the way ESIA does: it verifies over `uuid`
/// (attached content must equal it: ESIA-005002 otherwise), and its
/// signingTime is present, not in the future and at most [`MAX_AGE`] old
/// at `now`. Certificate trust is not checked here.
pub fn verify_uuid_signature(
    signature: &str,
    uuid: &str,
    extra_certs: &[Certificate],
    now: SystemTime,
) -> Result<VerifyReport> {
    check_uuid("identification key", uuid)?;
    let probe = crate::cms::verify(signature.as_bytes(), Content::Attached, extra_certs)?;
    let report = match &probe.attached_content {
        Some(content) if content.as_slice() != uuid.as_bytes() => {
            return Err(Error::invalid(
                "UUID signature",
                format!(
                    "it signs {:?}, not the identification key {uuid:?} (ESIA-005002)",
                    String::from_utf8_lossy(content)
                ),
            ));
        }
        Some(_) => probe,
        None => crate::cms::verify(
            signature.as_bytes(),
            Content::Bytes(uuid.as_bytes()),
            extra_certs,
        )?,
    };
    if let Some(failed) = report.signers.iter().find_map(|s| s.outcome.as_ref().err()) {
        return Err(Error::invalid(
            "UUID signature",
            format!("{failed} (ESIA-005002)"),
        ));
    }
    if report.signers.is_empty() {
        return Err(Error::invalid(
            "UUID signature",
            "the SignedData has no signer",
        ));
    }
    for signer in &report.signers {
        let at = signer.signing_time.ok_or_else(|| {
            Error::invalid(
                "UUID signature",
                "no signingTime attribute: ESIA cannot tell its age",
            )
        })?;
        if now
            .checked_add(Duration::from_secs(300))
            .is_none_or(|limit| at > limit)
        {
            return Err(Error::invalid(
                "UUID signature",
                "its signingTime is in the future",
            ));
        }
        let age = now.duration_since(at).unwrap_or_default();
        if age > MAX_AGE {
            return Err(Error::invalid(
                "UUID signature",
                format!(
                    "signed {} hours ago; ESIA accepts at most 24",
                    age.as_secs() / 3600
                ),
            ));
        }
    }
    Ok(report)
}
