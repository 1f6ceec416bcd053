//! A minimal, strict DER reader and writer for the few structures this
//! module handles by hand. Every length is checked; nothing here panics.

use der::asn1::ObjectIdentifier;

use crate::error::{Error, Result};

/// DER tag numbers used here.
pub(crate) mod tag {
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const SEQUENCE: u8 = 0x30;
}

/// Human-readable name of a tag byte, for error messages.
pub(crate) fn tag_name(t: u8) -> String {
    match t {
        0x01 => "BOOLEAN (0x01)".into(),
        tag::INTEGER => "INTEGER (0x02)".into(),
        tag::BIT_STRING => "BIT STRING (0x03)".into(),
        tag::OCTET_STRING => "OCTET STRING (0x04)".into(),
        tag::NULL => "NULL (0x05)".into(),
        tag::OID => "OBJECT IDENTIFIER (0x06)".into(),
        tag::SEQUENCE => "SEQUENCE (0x30)".into(),
        0x31 => "SET (0x31)".into(),
        t if t & 0xC0 == 0x80 => format!("[{}] (0x{t:02x})", t & 0x1F),
        t => format!("tag 0x{t:02x}"),
    }
}

/// One decoded tag-length-value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (only low tag numbers are supported).
    pub tag: u8,
    /// The value octets.
    pub content: &'a [u8],
    /// The whole encoding: identifier, length and value.
    pub raw: &'a [u8],
}

/// Reads one TLV from the front of `input`; returns it and the rest.
pub(crate) fn read<'a>(input: &'a [u8], what: &'static str) -> Result<(Tlv<'a>, &'a [u8])> {
    let (&t, after_tag) = input
        .split_first()
        .ok_or_else(|| Error::encoding(what, "unexpected end of data: expected a tag"))?;
    if t & 0x1F == 0x1F {
        return Err(Error::encoding(
            what,
            format!("high tag number form (0x{t:02x}) is not supported"),
        ));
    }
    let (&first, after_len0) = after_tag
        .split_first()
        .ok_or_else(|| Error::encoding(what, "unexpected end of data: expected a length"))?;
    let (len, body) = if first < 0x80 {
        (usize::from(first), after_len0)
    } else if first == 0x80 {
        return Err(Error::encoding(
            what,
            "indefinite length is not allowed in DER",
        ));
    } else {
        let n = usize::from(first & 0x7F);
        if n > 4 {
            return Err(Error::encoding(
                what,
                format!("length of {n} octets is too large"),
            ));
        }
        let (len_bytes, body) = after_len0.split_at_checked(n).ok_or_else(|| {
            Error::encoding(what, "unexpected end of data inside a long-form length")
        })?;
        let mut len = 0usize;
        for &b in len_bytes {
            len = (len << 8) | usize::from(b);
        }
        if len_bytes.first() == Some(&0) || len < 0x80 {
            return Err(Error::encoding(
                what,
                "length is not minimally encoded (not DER)",
            ));
        }
        (len, body)
    };
    let (content, rest) = body.split_at_checked(len).ok_or_else(|| {
        Error::encoding(
            what,
            format!(
                "truncated: {} declares {len} content bytes, only {} present",
                tag_name(t),
                body.len()
            ),
        )
    })?;
    let header_len = input.len() - body.len();
    let raw = input.get(..header_len + len).unwrap_or(input);
    Ok((
        Tlv {
            tag: t,
            content,
            raw,
        },
        rest,
    ))
}

/// Reads one TLV with the expected tag.
pub(crate) fn expect<'a>(
    input: &'a [u8],
    t: u8,
    what: &'static str,
) -> Result<(Tlv<'a>, &'a [u8])> {
    let (tlv, rest) = read(input, what)?;
    if tlv.tag != t {
        return Err(Error::encoding(
            what,
            format!("expected {}, found {}", tag_name(t), tag_name(tlv.tag)),
        ));
    }
    Ok((tlv, rest))
}

/// Reads exactly one TLV with the expected tag spanning all of `input`.
pub(crate) fn expect_only<'a>(input: &'a [u8], t: u8, what: &'static str) -> Result<Tlv<'a>> {
    let (tlv, rest) = expect(input, t, what)?;
    if !rest.is_empty() {
        return Err(Error::encoding(
            what,
            format!("{} trailing bytes after the value", rest.len()),
        ));
    }
    Ok(tlv)
}

/// Parses OBJECT IDENTIFIER content octets.
pub(crate) fn oid(content: &[u8], what: &'static str) -> Result<ObjectIdentifier> {
    ObjectIdentifier::from_bytes(content)
        .map_err(|e| Error::encoding(what, format!("malformed OBJECT IDENTIFIER: {e}")))
}

/// Content of a BIT STRING with no unused bits.
pub(crate) fn bit_string_bytes<'a>(content: &'a [u8], what: &'static str) -> Result<&'a [u8]> {
    match content.split_first() {
        Some((0, bytes)) => Ok(bytes),
        Some((n, _)) => Err(Error::encoding(
            what,
            format!("BIT STRING has {n} unused bits, expected 0"),
        )),
        None => Err(Error::encoding(
            what,
            "BIT STRING is empty (missing the unused-bits octet)",
        )),
    }
}

/// Appends a DER length.
fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let sig = bytes.get(skip..).unwrap_or(&[]);
        out.push(0x80 | sig.len() as u8);
        out.extend_from_slice(sig);
    }
}

/// Encodes one TLV.
pub(crate) fn tlv(t: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(t);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// Encodes one TLV into a buffer that is wiped on drop (for secrets).
pub(crate) fn tlv_secret(t: u8, content: &[u8]) -> zeroize::Zeroizing<Vec<u8>> {
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(content.len() + 6));
    out.push(t);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// Encodes an OBJECT IDENTIFIER.
pub(crate) fn oid_tlv(o: &ObjectIdentifier) -> Vec<u8> {
    tlv(tag::OID, o.as_bytes())
}

/// A guess at what a DER structure is, for error messages when the wrong
/// kind of object is passed ("this looks like an X.509 certificate").
pub(crate) fn describe(der: &[u8]) -> Option<&'static str> {
    let (outer, _) = read(der, "").ok()?;
    if outer.tag != tag::SEQUENCE {
        return None;
    }
    let (first, rest) = read(outer.content, "").ok()?;
    let second = read(rest, "").ok();
    match (first.tag, second) {
        (tag::INTEGER, _) => Some("a PKCS#8 PrivateKeyInfo"),
        (tag::SEQUENCE, Some((s, r))) => {
            let inner_first = read(first.content, "").ok().map(|(t, _)| t.tag);
            match (inner_first, s.tag) {
                (Some(0xA0 | tag::INTEGER), tag::SEQUENCE) if !r.is_empty() => {
                    Some("an X.509 certificate or CRL")
                }
                (Some(tag::OID), tag::BIT_STRING) => Some("a SubjectPublicKeyInfo (public key)"),
                (Some(tag::OID), tag::OCTET_STRING) => {
                    Some("an encrypted PKCS#8 EncryptedPrivateKeyInfo")
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Appends " (the input looks like X)" to an error when the guess differs
/// from what was expected.
pub(crate) fn with_hint(err: crate::Error, der: &[u8], expected: &'static str) -> crate::Error {
    match (describe(der), err) {
        (Some(kind), crate::Error::Encoding { context, detail }) if kind != expected => {
            crate::Error::Encoding {
                context,
                detail: format!("{detail} (the input looks like {kind}, not {expected})"),
            }
        }
        (_, err) => err,
    }
}
