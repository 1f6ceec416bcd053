//! `Request-Data` / `Request-Data-Sign` (account import, guide Б.9,
//! L11078-11090): the JSON body base64url-encoded, and a detached CMS
//! signature over exactly those JSON bytes, base64url.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::cms::{CmsSigner, Content, SignOptions, VerifyReport};
use crate::encoding::decode_base64_lenient;
use crate::error::Result;
use crate::keys::Certificate;

/// The two header values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestDataHeaders {
    /// `Request-Data`: the body, base64url unpadded.
    pub request_data: String,
    /// `Request-Data-Sign`: detached SignedData (DER), base64url unpadded.
    pub request_data_sign: String,
}

/// Signs a JSON body for the import API.
pub fn request_data_sign(signer: &CmsSigner, json: &[u8]) -> Result<RequestDataHeaders> {
    super::require_gost2012(signer)?;
    let sig = signer.sign(json, &SignOptions::default())?;
    Ok(RequestDataHeaders {
        request_data: URL_SAFE_NO_PAD.encode(json),
        request_data_sign: URL_SAFE_NO_PAD.encode(sig),
    })
}

/// Checks a pair of header values: decodes `Request-Data` and verifies the
/// detached signature over it (BER, as in the guide's example, is read
/// too). Returns the JSON bytes and the per-signer report; the signer
/// certificates are not checked against a trust anchor here
/// ([`crate::cms::check_chain`] does that).
pub fn verify_request_data(
    request_data: &str,
    request_data_sign: &str,
    extra_certs: &[Certificate],
) -> Result<(Vec<u8>, VerifyReport)> {
    let json = decode_base64_lenient(request_data.as_bytes())?;
    let report = crate::cms::verify(
        request_data_sign.as_bytes(),
        Content::Bytes(&json),
        extra_certs,
    )?;
    Ok((json, report))
}
