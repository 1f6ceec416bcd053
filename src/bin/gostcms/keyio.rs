//! Reading keys, certificates and signatures; writing signatures.
//!
//! Key and certificate loading goes through `load_key` and `load_public`,
//! on top of `gostcms::keys`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use gostcms::{Signature, SigningKey, VerifyingKey};

use super::CliError;
use super::input::read_input;
use gostcms::keys;

pub use keys::cert::{Certificate, self_signed};

/// The private key in `path` (PKCS#8, PEM or DER).
pub fn load_key(path: &str) -> Result<SigningKey, CliError> {
    let bytes = zeroize::Zeroizing::new(read_input(path, "key")?);
    keys::decode_private_key(&bytes)
        .map_err(|e| CliError::input(format!("cannot read key {path}: {e}")))
}

/// The public key in `path`: a certificate or a SubjectPublicKeyInfo, PEM or DER.
pub fn load_public(path: &str) -> Result<VerifyingKey, CliError> {
    let bytes = read_input(path, "certificate")?;
    let from_cert = Certificate::from_pem_or_der(&bytes).and_then(|c| c.verifying_key());
    match from_cert {
        Ok(k) => Ok(k),
        Err(cert_err) => keys::decode_public_key(&bytes).map_err(|key_err| {
            CliError::input(format!(
                "cannot read {path} as a certificate ({cert_err}) or a public key ({key_err})"
            ))
        }),
    }
}

/// PKCS#8 PEM of a key.
pub fn key_pem(key: &SigningKey) -> zeroize::Zeroizing<String> {
    key.to_pkcs8_pem()
}

/// Signature output formats of `raw-sign`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SigFormat {
    /// base64url without padding (ESIA's form).
    Base64url,
    /// standard base64 with padding.
    Base64,
    /// lower-case hex.
    Hex,
    /// raw bytes.
    Bin,
}

/// The signature bytes in `format`; text formats end with a newline.
pub fn encode_signature(bytes: &[u8], format: SigFormat) -> Vec<u8> {
    let text = match format {
        SigFormat::Bin => return bytes.to_vec(),
        SigFormat::Base64url => URL_SAFE_NO_PAD.encode(bytes),
        SigFormat::Base64 => STANDARD.encode(bytes),
        SigFormat::Hex => hex::encode(bytes),
    };
    format!("{text}\n").into_bytes()
}

fn is_sig_len(n: usize) -> bool {
    n == 64 || n == 128
}

/// Detects binary, hex, base64 or base64url (padded or not, percent-encoded
/// or not) and returns the raw 64 or 128 bytes.
pub fn decode_signature_bytes(data: &[u8]) -> Result<Vec<u8>, String> {
    let printable = data.iter().any(u8::is_ascii_graphic)
        && data
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if !printable {
        if is_sig_len(data.len()) {
            return Ok(data.to_vec());
        }
        return Err(format!(
            "{} bytes of binary data (a raw signature is 64 or 128 bytes)",
            data.len()
        ));
    }
    // Text: whitespace (line breaks of wrapped base64) carries no data.
    let text: String = data
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|&b| char::from(b))
        .collect();
    let text = text.as_str();
    if let Ok(bytes) = hex::decode(text)
        && is_sig_len(bytes.len())
    {
        return Ok(bytes);
    }
    match gostcms::encoding::decode_base64_lenient(text.as_bytes()) {
        Ok(bytes) if is_sig_len(bytes.len()) => Ok(bytes),
        Ok(bytes) => Err(format!(
            "decodes to {} bytes (a raw signature is 64 or 128 bytes)",
            bytes.len()
        )),
        Err(e) => Err(format!("neither hex nor base64/base64url ({e})")),
    }
}

/// Parses detected signature bytes in s||r order, or CryptoAPI order with `reversed`.
pub fn decode_signature(data: &[u8], reversed: bool) -> Result<Signature, String> {
    let bytes = decode_signature_bytes(data)?;
    let sig = if reversed {
        Signature::from_reversed(&bytes)
    } else {
        Signature::from_slice(&bytes)
    };
    sig.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 37 + 5) as u8).collect()
    }

    #[test]
    fn detects_every_signature_encoding() {
        for n in [64, 128] {
            let sig = sample(n);
            let b64 = STANDARD.encode(&sig);
            let forms = [
                sig.clone(),
                hex::encode(&sig).into_bytes(),
                hex::encode_upper(&sig).into_bytes(),
                format!("{}\n", hex::encode(&sig)).into_bytes(),
                b64.clone().into_bytes(),
                b64.trim_end_matches('=').as_bytes().to_vec(),
                URL_SAFE_NO_PAD.encode(&sig).into_bytes(),
                format!("{}==\n", URL_SAFE_NO_PAD.encode(&sig)).into_bytes(),
                format!("{}\n{}\n", &b64[..40], &b64[40..]).into_bytes(),
                b64.replace('+', "%2B")
                    .replace('/', "%2F")
                    .replace('=', "%3D")
                    .into_bytes(),
            ];
            for (i, form) in forms.iter().enumerate() {
                assert_eq!(
                    decode_signature_bytes(form).as_ref(),
                    Ok(&sig),
                    "{n} bytes, form {i}"
                );
            }
        }
    }

    #[test]
    fn rejects_wrong_lengths_and_garbage() {
        assert!(decode_signature_bytes(&sample(63)).is_err());
        assert!(decode_signature_bytes(b"").is_err());
        assert!(decode_signature_bytes(hex::encode(sample(32)).as_bytes()).is_err());
        assert!(decode_signature_bytes(b"not a signature at all!").is_err());
    }

    #[test]
    fn reversed_signature_round_trip() {
        let sig = sample(64);
        let mut rev = sig.clone();
        rev.reverse();
        let parsed = decode_signature(&rev, true).unwrap();
        assert_eq!(parsed.as_bytes(), &sig[..]);
        let text = encode_signature(&sig, SigFormat::Base64url);
        assert_eq!(decode_signature(&text, false).unwrap().as_bytes(), &sig[..]);
        assert_eq!(encode_signature(&sig, SigFormat::Bin), sig);
    }
}
