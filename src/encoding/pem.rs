//! PEM (any label, optional RFC 1421 headers), bare base64 or binary DER:
//! the one reader of armoured input, so that every layer accepts the same.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// PEM label of PKCS#8 private keys.
pub const LABEL_PRIVATE_KEY: &str = "PRIVATE KEY";
/// PEM label of encrypted PKCS#8 private keys.
pub const LABEL_ENCRYPTED_PRIVATE_KEY: &str = "ENCRYPTED PRIVATE KEY";
/// PEM label of SubjectPublicKeyInfo.
pub const LABEL_PUBLIC_KEY: &str = "PUBLIC KEY";
/// PEM label of X.509 certificates.
pub const LABEL_CERTIFICATE: &str = "CERTIFICATE";

/// How an input was encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// Binary DER.
    Der,
    /// PEM with this label.
    Pem(String),
    /// Base64 of DER without PEM armour.
    Base64,
}

/// Decoded input: its DER bytes (wiped on drop) and how it was encoded.
#[derive(Debug)]
pub struct Decoded {
    /// The DER bytes.
    pub der: Zeroizing<Vec<u8>>,
    /// The input encoding.
    pub format: Format,
}

fn is_b64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
}

fn decode_b64(text: &[u8], context: &'static str) -> Result<Zeroizing<Vec<u8>>> {
    // Sized up front: a growing Vec would free unwiped copies of the text.
    let mut clean: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(text.len()));
    clean.extend(
        text.iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|b| match b {
                b'-' => b'+',
                b'_' => b'/',
                b => b,
            }),
    );
    if let Some(bad) = clean.iter().find(|&&b| !is_b64_char(b)) {
        return Err(Error::encoding(
            context,
            format!("invalid base64 character 0x{bad:02x}"),
        ));
    }
    let unpadded: &[u8] = {
        let end = clean.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
        clean.get(..end).unwrap_or(&[])
    };
    let mut padded = Zeroizing::new(Vec::with_capacity(unpadded.len() + 3));
    padded.extend_from_slice(unpadded);
    while !padded.len().is_multiple_of(4) {
        padded.push(b'=');
    }
    STANDARD
        .decode(padded.as_slice())
        .map(Zeroizing::new)
        .map_err(|e| Error::encoding(context, format!("invalid base64: {e}")))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Where one PEM block lies in its input.
struct Span<'a> {
    label: &'a str,
    /// The whole block, armour included.
    start: usize,
    stop: usize,
    /// The text between the BEGIN and END lines.
    body: core::ops::Range<usize>,
}

/// The first PEM block at or after `from` (`None` when there is no BEGIN
/// line): the scanner of the one PEM reader, for single blocks and bundles.
fn next_span(input: &[u8], from: usize) -> Result<Option<Span<'_>>> {
    const CONTEXT: &str = "PEM";
    let Some(begin) = input
        .get(from..)
        .and_then(|rest| find(rest, b"-----BEGIN "))
    else {
        return Ok(None);
    };
    let start = from + begin;
    let label_start = start + 11;
    let after_begin = input.get(label_start..).unwrap_or(&[]);
    let label_end = find(after_begin, b"-----")
        .ok_or_else(|| Error::encoding(CONTEXT, "unterminated BEGIN line"))?;
    let label_bytes = after_begin.get(..label_end).unwrap_or(&[]);
    let label = core::str::from_utf8(label_bytes)
        .map_err(|_| Error::encoding(CONTEXT, "label is not UTF-8"))?
        .trim();
    let body_start = label_start + label_end + 5;
    let end_marker = format!("-----END {label}-----");
    let end = input
        .get(body_start..)
        .and_then(|body| find(body, end_marker.as_bytes()))
        .ok_or_else(|| Error::encoding(CONTEXT, format!("missing \"{end_marker}\" line")))?;
    Ok(Some(Span {
        label,
        start,
        stop: body_start + end + end_marker.len(),
        body: body_start..body_start + end,
    }))
}

/// The first PEM block in `input`: its label and its base64 body with any
/// RFC 1421 header lines removed (`None` when there is no BEGIN line).
/// Key files and CMS signatures both read PEM through here.
pub(crate) fn pem_body(input: &[u8]) -> Result<Option<(String, Zeroizing<Vec<u8>>)>> {
    let Some(span) = next_span(input, 0)? else {
        return Ok(None);
    };
    let body = input.get(span.body.clone()).unwrap_or(&[]);
    // Skip RFC 1421 headers ("Proc-Type: ...") if present.
    let mut text: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(body.len()));
    for line in body.split(|&b| b == b'\n') {
        if line.contains(&b':') {
            continue;
        }
        text.extend_from_slice(line);
    }
    Ok(Some((span.label.to_owned(), text)))
}

/// One PEM block of a text holding several (a key with its certificates).
#[derive(Clone, Copy, Debug)]
pub struct Block<'a> {
    /// The label of its BEGIN line.
    pub label: &'a str,
    /// The whole block, armour included: [`decode_any`] reads it.
    pub text: &'a [u8],
}

/// Every `-----BEGIN X----- ... -----END X-----` block of `input`, in
/// order; text outside the blocks ("Bag Attributes" lines of `openssl
/// pkcs12 -nodes`) is skipped, and reading stops at a malformed block.
pub fn blocks(input: &[u8]) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Ok(Some(span)) = next_span(input, at) {
        out.push(Block {
            label: span.label,
            text: input.get(span.start..span.stop).unwrap_or(&[]),
        });
        at = span.stop;
    }
    out
}

/// Parses the first PEM block in `input`: returns its label and DER bytes.
fn decode_pem_block(input: &[u8]) -> Result<Option<(String, Zeroizing<Vec<u8>>)>> {
    let Some((label, text)) = pem_body(input)? else {
        return Ok(None);
    };
    let der = decode_b64(&text, "PEM base64 body")?;
    Ok(Some((label, der)))
}

/// Detects PEM, bare base64 or DER and returns DER bytes.
///
/// Bare base64 is recognised when the input is ASCII text made only of base64
/// characters and whitespace and does not start with a DER SEQUENCE tag.
pub fn decode_any(input: &[u8]) -> Result<Decoded> {
    if input.is_empty() {
        return Err(Error::encoding("input", "empty input"));
    }
    if let Some((label, der)) = decode_pem_block(input)? {
        return Ok(Decoded {
            der,
            format: Format::Pem(label),
        });
    }
    if input.first() == Some(&0x30) {
        return Ok(Decoded {
            der: Zeroizing::new(input.to_vec()),
            format: Format::Der,
        });
    }
    if input
        .iter()
        .all(|&b| is_b64_char(b) || b.is_ascii_whitespace())
    {
        let der = decode_b64(input, "base64 input")?;
        return Ok(Decoded {
            der,
            format: Format::Base64,
        });
    }
    Err(Error::encoding(
        "input",
        format!(
            "neither PEM, base64 nor DER (DER must start with SEQUENCE 0x30, found 0x{:02x})",
            input.first().copied().unwrap_or(0)
        ),
    ))
}

/// Like [`decode_any`], but a PEM label must be `expected`; `ENCRYPTED
/// PRIVATE KEY` gets an [`Error::Unsupported`].
pub fn decode_expecting(input: &[u8], expected: &str) -> Result<Zeroizing<Vec<u8>>> {
    let decoded = decode_any(input)?;
    if let Format::Pem(label) = &decoded.format {
        if label == LABEL_ENCRYPTED_PRIVATE_KEY {
            return Err(encrypted_unsupported());
        }
        if label != expected {
            return Err(Error::encoding(
                "PEM label",
                format!("expected {expected}, found {label}"),
            ));
        }
    }
    Ok(decoded.der)
}

/// The error for password-protected PKCS#8.
pub(crate) fn encrypted_unsupported() -> Error {
    Error::Unsupported(
        "encrypted PKCS#8 (EncryptedPrivateKeyInfo) needs a password: use \
         import::decode_encrypted_private_key or import::from_bytes (CLI: --password, \
         --password-file or GOSTCMS_PASSWORD)"
            .into(),
    )
}

/// PEM-encodes DER bytes with 64-column lines and LF line endings.
pub fn encode(label: &str, der: &[u8]) -> Zeroizing<String> {
    let b64 = Zeroizing::new(STANDARD.encode(der));
    let mut out = Zeroizing::new(String::with_capacity(
        b64.len() + b64.len() / 64 + 2 * label.len() + 40,
    ));
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(core::str::from_utf8(chunk).unwrap_or(""));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}
