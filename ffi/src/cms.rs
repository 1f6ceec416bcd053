//! CMS SignedData: signing (detached or attached, attribute options) and
//! verification (DER, BER, PEM, base64; detached content as bytes) with an
//! optional trust set for the signer's certificate chain.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use gostcms_core::cms::ChainVerifier;
use gostcms_core::cms::{
    AttributeMode, Content, SignOptions, SignatureOid, SignerId, VerifyReport,
};
use gostcms_core::encoding::pem;

use crate::buffer::{clear_buffer, gostcms_buffer, write_buffer};
use crate::cert::gostcms_trust;
use crate::error::{FfiError, FfiResult, gostcms_status};
use crate::handle::{self, Handle, clear_out, new_handle, write_out};
use crate::input::{self, check_flags};
use crate::panic::boundary;
use crate::signer::gostcms_signer;

/// CMS sign flag: put the content inside the SignedData (default detached).
pub const GOSTCMS_CMS_ATTACHED: u32 = 1;
/// CMS sign flag: no signed attributes (default contentType, signingTime,
/// messageDigest).
pub const GOSTCMS_CMS_NO_ATTRIBUTES: u32 = 2;
/// CMS sign flag: CAdES-BES, the standard attributes plus
/// signingCertificateV2.
pub const GOSTCMS_CMS_CADES: u32 = 4;
/// CMS sign flag: name the signer by subjectKeyIdentifier (default
/// issuerAndSerialNumber).
pub const GOSTCMS_CMS_SIGNER_SKI: u32 = 8;
/// CMS sign flag: leave the certificate out of the SignedData.
pub const GOSTCMS_CMS_OMIT_CERTIFICATE: u32 = 16;
/// CMS sign flag: signatureAlgorithm id-tc26-signwithdigest-* (Bouncy Castle
/// style) instead of the key algorithm OID.
pub const GOSTCMS_CMS_SIGN_WITH_DIGEST_OID: u32 = 32;
/// Output flag: standard base64 text instead of DER.
pub const GOSTCMS_OUT_BASE64: u32 = 64;
/// Output flag: base64url text, unpadded, instead of DER.
pub const GOSTCMS_OUT_BASE64URL: u32 = 128;
/// Output flag: PEM ("-----BEGIN CMS-----") instead of DER.
pub const GOSTCMS_OUT_PEM: u32 = 256;

const CMS_SIGN_FLAGS: u32 = GOSTCMS_CMS_ATTACHED
    | GOSTCMS_CMS_NO_ATTRIBUTES
    | GOSTCMS_CMS_CADES
    | GOSTCMS_CMS_SIGNER_SKI
    | GOSTCMS_CMS_OMIT_CERTIFICATE
    | GOSTCMS_CMS_SIGN_WITH_DIGEST_OID
    | OUTPUT_FLAGS;
const OUTPUT_FLAGS: u32 = GOSTCMS_OUT_BASE64 | GOSTCMS_OUT_BASE64URL | GOSTCMS_OUT_PEM;

/// 9999-12-31T23:59:59Z, the last GeneralizedTime.
const LAST_DER_TIME: i64 = 253_402_300_799;

/// `unix_seconds` as a time; 0 is "now" (`None`).
pub(crate) fn time_arg(unix_seconds: i64, what: &str) -> FfiResult<Option<SystemTime>> {
    match unix_seconds {
        0 => Ok(None),
        s if s < 0 => Err(FfiError::invalid(format!(
            "{what}: {s} is before 1970 (0 means now)"
        ))),
        s if s > LAST_DER_TIME => Err(FfiError::invalid(format!(
            "{what}: {s} is after 9999-12-31 23:59:59 UTC, the last time DER can write"
        ))),
        // u64 fits: s > 0.
        s => UNIX_EPOCH
            .checked_add(Duration::from_secs(s as u64))
            .map(Some)
            .ok_or_else(|| FfiError::invalid(format!("{what}: {s} is out of range"))),
    }
}

/// Encodes DER as the output flags ask.
pub(crate) fn encode_output(der: Vec<u8>, flags: u32) -> FfiResult<Vec<u8>> {
    Ok(match flags & OUTPUT_FLAGS {
        0 => der,
        GOSTCMS_OUT_BASE64 => STANDARD.encode(der).into_bytes(),
        GOSTCMS_OUT_BASE64URL => URL_SAFE_NO_PAD.encode(der).into_bytes(),
        GOSTCMS_OUT_PEM => pem::encode("CMS", &der).as_bytes().to_vec(),
        _ => {
            return Err(FfiError::invalid(
                "flags: choose at most one of GOSTCMS_OUT_BASE64, GOSTCMS_OUT_BASE64URL, GOSTCMS_OUT_PEM",
            ));
        }
    })
}

fn sign_options(flags: u32, signing_time: i64) -> FfiResult<SignOptions> {
    check_flags(flags, CMS_SIGN_FLAGS, "flags")?;
    let attributes = match (
        flags & GOSTCMS_CMS_NO_ATTRIBUTES != 0,
        flags & GOSTCMS_CMS_CADES != 0,
    ) {
        (false, false) => AttributeMode::Standard,
        (true, false) => AttributeMode::None,
        (false, true) => AttributeMode::Cades,
        (true, true) => {
            return Err(FfiError::invalid(
                "flags: GOSTCMS_CMS_NO_ATTRIBUTES and GOSTCMS_CMS_CADES exclude each other",
            ));
        }
    };
    Ok(SignOptions {
        attached: flags & GOSTCMS_CMS_ATTACHED != 0,
        attributes,
        signer_id: if flags & GOSTCMS_CMS_SIGNER_SKI != 0 {
            SignerId::SubjectKeyId
        } else {
            SignerId::IssuerAndSerial
        },
        omit_certificate: flags & GOSTCMS_CMS_OMIT_CERTIFICATE != 0,
        signing_time: time_arg(signing_time, "signing_time")?,
        signature_oid: if flags & GOSTCMS_CMS_SIGN_WITH_DIGEST_OID != 0 {
            SignatureOid::SignWithDigest
        } else {
            SignatureOid::KeyAlgorithm
        },
    })
}

/// Signs `data` as CMS SignedData. `flags`: GOSTCMS_CMS_* options and at most
/// one GOSTCMS_OUT_* encoding (DER by default). `signing_time`: Unix
/// seconds for the signingTime attribute, 0 for now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cms_sign(
    signer: *const gostcms_signer,
    data: *const u8,
    data_len: usize,
    flags: u32,
    signing_time: i64,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: a handle from this library, not being freed.
        let signer = unsafe { handle::borrow(signer)? };
        // SAFETY: `data` readable for `data_len` bytes (header contract).
        let data = unsafe { input::bytes(data, data_len, "data")? };
        let options = sign_options(flags, signing_time)?;
        let der = signer.sign(data, &options)?;
        let encoded = encode_output(der, flags)?;
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out, encoded) };
        Ok(())
    })
}

/// What a verification found: per signer, valid or why not.
#[allow(non_camel_case_types)]
pub struct gostcms_verify_result {
    _private: [u8; 0],
}

pub(crate) struct VerifyResult {
    report: VerifyReport,
    /// Per signer: the signature or chain failure, None when valid.
    errors: Vec<Option<String>>,
    chain_checked: bool,
}

impl Handle for gostcms_verify_result {
    type Inner = VerifyResult;
    const MAGIC: u64 = 0x6773_7476_7266_0005;
    const NAME: &'static str = "gostcms_verify_result";
}

impl VerifyResult {
    fn valid(&self) -> bool {
        !self.errors.is_empty() && self.errors.iter().all(Option::is_none)
    }

    fn json(&self) -> String {
        let signers: Vec<serde_json::Value> = self
            .report
            .signers
            .iter()
            .zip(&self.errors)
            .map(|(s, e)| {
                serde_json::json!({
                    "valid": e.is_none(),
                    "error": e,
                    "subject": s.subject,
                    "serial": s.serial,
                    "curve": s.curve.map(|c| c.name()),
                    "signing_time": s.signing_time
                        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                        .map(|d| d.as_secs()),
                })
            })
            .collect();
        serde_json::json!({
            "valid": self.valid(),
            "chain_checked": self.chain_checked,
            "content_type": self.report.content_type.to_string(),
            "attached_content_len": self.report.attached_content.as_ref().map(Vec::len),
            "signers": signers,
        })
        .to_string()
    }
}

/// Verifies a CMS SignedData in DER, BER, PEM, base64 or base64url.
///
/// `content`: the signed bytes of a detached signature; NULL for an
/// attached one (a non-NULL pointer with length 0 is empty content). When
/// the SignedData embeds content and `content` is given too, the two must
/// be identical: otherwise GOSTCMS_ERR_INVALID_ARGUMENT and no result.
/// `trust`: when non-NULL, each signer's certificate must chain to one of
/// its certificates (through certificates embedded in the SignedData),
/// valid at `at` (Unix seconds, 0 for now; never the signer's own
/// signingTime); when NULL, the embedded certificate's key is used as is
/// and the certificate is not checked. Chain building spends at most 64
/// certificate signature checks per call.
///
/// Returns GOSTCMS_OK when every signer (at least one) verified,
/// GOSTCMS_ERR_VERIFY_FAILED when the SignedData parsed but a signer did not:
/// in both cases `*out` holds a result to inspect and free. Other errors
/// leave `*out` NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cms_verify(
    signature: *const u8,
    signature_len: usize,
    content: *const u8,
    content_len: usize,
    trust: *const gostcms_trust,
    at: i64,
    out: *mut *mut gostcms_verify_result,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        // SAFETY: readable for `signature_len` bytes (header contract).
        let signature = unsafe { input::bytes(signature, signature_len, "signature")? };
        // SAFETY: NULL or readable for `content_len` bytes (header contract).
        let content = unsafe { input::opt_bytes(content, content_len, "content")? };
        // SAFETY: NULL or a handle from this library, not being freed.
        let trust = unsafe { handle::borrow_opt(trust)? };
        let at = time_arg(at, "at")?.unwrap_or_else(SystemTime::now);
        let report = gostcms_core::cms::verify(
            signature,
            content.map_or(Content::Attached, Content::Bytes),
            &[],
        )?;
        // One checker for all signers bounds the chain-building work for
        // this input; certificates are judged at `at` or now, never at the
        // signer's own signingTime.
        let mut chains = trust.map(|anchors| ChainVerifier::new(&report.certificates, anchors, at));
        let errors = report
            .signers
            .iter()
            .map(|s| match (&s.outcome, chains.as_mut(), &s.certificate) {
                (Err(e), _, _) => Some(e.to_string()),
                (Ok(()), None, _) => None,
                (Ok(()), Some(_), None) => Some("no signer certificate to check".into()),
                (Ok(()), Some(chains), Some(cert)) => chains
                    .check(cert)
                    .err()
                    .map(|e| format!("certificate chain: {e}")),
            })
            .collect();
        let result = VerifyResult {
            report,
            errors,
            chain_checked: trust.is_some(),
        };
        let failed = !result.valid();
        let message = if result.report.signers.is_empty() {
            "the SignedData has no signer".to_string()
        } else {
            result
                .errors
                .iter()
                .enumerate()
                .find_map(|(i, e)| e.as_ref().map(|e| format!("signer {i}: {e}")))
                .unwrap_or_default()
        };
        // SAFETY: checked by clear_out.
        unsafe { write_out(out, new_handle::<gostcms_verify_result>(result)) };
        if failed {
            return Err(FfiError::new(
                gostcms_status::GOSTCMS_ERR_VERIFY_FAILED,
                message,
            ));
        }
        Ok(())
    })
}

/// Number of SignerInfos.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_verify_result_signer_count(
    result: *const gostcms_verify_result,
    out_count: *mut usize,
) -> gostcms_status {
    boundary(|| {
        if out_count.is_null() {
            return Err(FfiError::null("out_count"));
        }
        // SAFETY: a handle from this library, not being freed.
        let result = unsafe { handle::borrow(result)? };
        // SAFETY: non-null, writable (header contract).
        unsafe { out_count.write(result.report.signers.len()) };
        Ok(())
    })
}

/// Signer `index`'s certificate subject (empty when not found).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_verify_result_signer_subject(
    result: *const gostcms_verify_result,
    index: usize,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: a handle from this library, not being freed.
        let result = unsafe { handle::borrow(result)? };
        let signer = result.report.signers.get(index).ok_or_else(|| {
            FfiError::invalid(format!(
                "index {index}: there are {} signers",
                result.report.signers.len()
            ))
        })?;
        let subject = signer.subject.clone().unwrap_or_default();
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out, subject.into_bytes()) };
        Ok(())
    })
}

/// Signer `index`'s failure: GOSTCMS_OK when it verified (and chained, if a
/// trust set was given), else GOSTCMS_ERR_VERIFY_FAILED with the reason in
/// gostcms_last_error().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_verify_result_signer_status(
    result: *const gostcms_verify_result,
    index: usize,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: a handle from this library, not being freed.
        let result = unsafe { handle::borrow(result)? };
        match result.errors.get(index) {
            None => Err(FfiError::invalid(format!(
                "index {index}: there are {} signers",
                result.errors.len()
            ))),
            Some(None) => Ok(()),
            Some(Some(e)) => Err(FfiError::new(
                gostcms_status::GOSTCMS_ERR_VERIFY_FAILED,
                e.clone(),
            )),
        }
    })
}

/// The encapsulated content of an attached signature (empty when detached).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_verify_result_content(
    result: *const gostcms_verify_result,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: a handle from this library, not being freed.
        let result = unsafe { handle::borrow(result)? };
        let content = result.report.attached_content.clone().unwrap_or_default();
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out, content) };
        Ok(())
    })
}

/// The whole result as JSON: {"valid", "chain_checked", "content_type",
/// "attached_content_len", "signers": [{"valid", "error", "subject",
/// "serial", "curve", "signing_time"}]}.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_verify_result_json(
    result: *const gostcms_verify_result,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: a handle from this library, not being freed.
        let result = unsafe { handle::borrow(result)? };
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out, result.json().into_bytes()) };
        Ok(())
    })
}

/// Frees a result (NULL is fine); see gostcms_key_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_verify_result_free(
    result: *mut gostcms_verify_result,
) -> gostcms_status {
    // SAFETY: the caller no longer uses `result` on any thread.
    boundary(|| unsafe { handle::free(result) })
}
