//! Lenient text encodings of binary values as people pass them around:
//! standard base64 or base64url, padded or not, wrapped or not,
//! percent-encoded or not. Shared by CMS input, the ESIA layer and the CLI.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::error::{Error, Result};

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes percent-escapes (`%2B`, `%2F`, `%3D`, ...); other bytes pass.
pub fn percent_decode(text: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| core::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    Error::encoding("percent-encoding", format!("bad escape at byte {i}"))
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Base64 in either alphabet, padding missing, correct or excessive,
/// whitespace ignored, percent-escapes decoded.
pub fn decode_base64_lenient(text: &[u8]) -> Result<Vec<u8>> {
    let text = if text.contains(&b'%') {
        percent_decode(text)?
    } else {
        text.to_vec()
    };
    let cleaned: Vec<u8> = text
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|&b| match b {
            b'-' => b'+',
            b'_' => b'/',
            other => other,
        })
        .collect();
    // Padding carries no data: missing, correct or excessive all decode alike.
    let end = cleaned
        .iter()
        .rposition(|&b| b != b'=')
        .map_or(0, |i| i + 1);
    let unpadded = &cleaned[..end];
    LENIENT
        .decode(unpadded)
        .map_err(|e| Error::encoding("base64", format!("not base64 or base64url: {e}")))
}
