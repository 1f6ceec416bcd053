//! A BER -> DER normaliser for what CryptoPro, Java and `openssl cms -stream`
//! write: indefinite lengths, chunked (constructed) string content and
//! lengths written longer than needed. The typed DER model (`der`, `cms`)
//! then parses the result.
//!
//! What changes: every length becomes definite and minimal; a constructed
//! universal string (OCTET STRING, BIT STRING, the character strings) is
//! joined into one primitive string. What does not: tags, content bytes and
//! the order of SET OF elements (re-sorting could change signed bytes). A
//! DER input comes back byte for byte.
//!
//! Hostile input is bounded: nesting depth is limited, every length is
//! checked against the bytes actually present before anything is copied, and
//! the output is never larger than the input plus 6 bytes per element.

use crate::error::Error;

/// Limits for [`normalize`].
#[derive(Clone, Copy, Debug)]
pub struct BerLimits {
    /// Maximum nesting depth of constructed elements.
    pub max_depth: usize,
}

impl Default for BerLimits {
    fn default() -> Self {
        // CMS SignedData with certificates nests about 12 deep.
        BerLimits { max_depth: 64 }
    }
}

/// Why a BER encoding was refused: the offset into the input and the reason.
fn ber_error(offset: usize, what: impl core::fmt::Display) -> Error {
    Error::Encoding {
        context: "BER/DER",
        detail: format!("at byte {offset}: {what}"),
    }
}

/// Universal tag numbers whose constructed form is a sequence of chunks to
/// be joined: BIT STRING, OCTET STRING and the character string types.
fn is_chunkable_string(tag_number: u32) -> bool {
    matches!(
        tag_number,
        3 | 4 | 12 | 18 | 19 | 20 | 21 | 22 | 25 | 26 | 27 | 28 | 30
    )
}

/// A parsed identifier: the raw identifier octets plus what they say.
struct Identifier<'a> {
    raw: &'a [u8],
    class: u8,
    constructed: bool,
    number: u32,
}

struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    limits: BerLimits,
    /// Secret input (decrypted keys): every buffer is wiped before it is
    /// freed, including the old block each time one grows.
    wipe: bool,
}

/// An output buffer that, in wiping mode, never leaves an unwiped copy of
/// its bytes in freed memory: growth moves them to a larger buffer and
/// wipes the old one, and drop (also on an error path) wipes it.
struct Out {
    bytes: Vec<u8>,
    wipe: bool,
}

impl Out {
    fn new(capacity: usize, wipe: bool) -> Self {
        Out {
            bytes: Vec::with_capacity(capacity),
            wipe,
        }
    }

    fn put(&mut self, data: &[u8]) {
        if self.wipe && self.bytes.capacity() - self.bytes.len() < data.len() {
            let want = (self.bytes.len() + data.len()).max(2 * self.bytes.capacity());
            let mut bigger = Vec::with_capacity(want);
            bigger.extend_from_slice(&self.bytes);
            zeroize::Zeroize::zeroize(&mut self.bytes);
            self.bytes = bigger;
        }
        self.bytes.extend_from_slice(data);
    }

    /// Appends a minimal definite length.
    fn put_length(&mut self, len: usize) {
        let mut buf = [0u8; 9];
        let n = encode_length(len, &mut buf);
        self.put(&buf[..n]);
    }

    fn into_vec(mut self) -> Vec<u8> {
        core::mem::take(&mut self.bytes)
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        if self.wipe {
            zeroize::Zeroize::zeroize(&mut self.bytes);
        }
    }
}

enum Length {
    Definite(usize),
    Indefinite,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, Error> {
        let b = *self
            .input
            .get(self.pos)
            .ok_or_else(|| ber_error(self.pos, "unexpected end of data"))?;
        self.pos += 1;
        Ok(b)
    }

    fn identifier(&mut self) -> Result<Identifier<'a>, Error> {
        let start = self.pos;
        let first = self.byte()?;
        let class = first >> 6;
        let constructed = first & 0x20 != 0;
        let mut number = u32::from(first & 0x1f);
        if number == 0x1f {
            number = 0;
            loop {
                let b = self.byte()?;
                if number > (u32::MAX >> 7) {
                    return Err(ber_error(start, "tag number too large"));
                }
                number = (number << 7) | u32::from(b & 0x7f);
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        Ok(Identifier {
            raw: &self.input[start..self.pos],
            class,
            constructed,
            number,
        })
    }

    fn length(&mut self) -> Result<Length, Error> {
        let start = self.pos;
        let first = self.byte()?;
        if first < 0x80 {
            return Ok(Length::Definite(usize::from(first)));
        }
        if first == 0x80 {
            return Ok(Length::Indefinite);
        }
        let count = usize::from(first & 0x7f);
        if count > 8 || first == 0xff {
            return Err(ber_error(
                start,
                format!("length of {count} octets is not supported"),
            ));
        }
        let mut len: u64 = 0;
        for _ in 0..count {
            len = (len << 8) | u64::from(self.byte()?);
        }
        let len =
            usize::try_from(len).map_err(|_| ber_error(start, "length does not fit in memory"))?;
        // Leading zero octets (non-minimal lengths) are tolerated: seen in the wild.
        Ok(Length::Definite(len))
    }

    /// Checks that `len` bytes are present from the current position.
    fn take(&mut self, len: usize, what_at: usize) -> Result<&'a [u8], Error> {
        let remaining = self.input.len() - self.pos;
        if len > remaining {
            return Err(ber_error(
                what_at,
                format!("length {len} runs past the end of the data ({remaining} bytes left)"),
            ));
        }
        let out = &self.input[self.pos..self.pos + len];
        self.pos += len;
        Ok(out)
    }

    fn at_end_of_contents(&self) -> bool {
        self.input.get(self.pos) == Some(&0) && self.input.get(self.pos + 1) == Some(&0)
    }

    /// Parses one element starting here and appends its DER form to `out`.
    /// `string_of`: set when this element is a chunk of a constructed
    /// string with that universal tag number; chunks are appended as bare
    /// content.
    fn element(
        &mut self,
        out: &mut Out,
        depth: usize,
        string_of: Option<u32>,
    ) -> Result<(), Error> {
        let start = self.pos;
        let id = self.identifier()?;
        if id.raw == [0] {
            return Err(ber_error(
                start,
                "end-of-contents marker where an element was expected",
            ));
        }
        let length = self.length()?;
        if let Some(outer) = string_of
            && (id.class != 0 || id.number != outer)
        {
            return Err(ber_error(
                start,
                format!(
                    "a chunk of a constructed string has tag {:#04x}, expected the string's own tag",
                    id.raw[0]
                ),
            ));
        }
        if !id.constructed {
            let Length::Definite(len) = length else {
                return Err(ber_error(start, "indefinite length on a primitive element"));
            };
            let content = self.take(len, start)?;
            if string_of.is_some() {
                out.put(content);
            } else {
                out.put(id.raw);
                out.put_length(len);
                out.put(content);
            }
            return Ok(());
        }
        if depth >= self.limits.max_depth {
            return Err(ber_error(
                start,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ));
        }
        let joins_chunks = string_of.is_some() || (id.class == 0 && is_chunkable_string(id.number));
        let chunk_tag = if joins_chunks {
            Some(string_of.unwrap_or(id.number))
        } else {
            None
        };
        // Children's DER goes to a buffer first: the length prefix needs it.
        let mut content = Out::new(0, self.wipe);
        match length {
            Length::Definite(len) => {
                let end = self
                    .pos
                    .checked_add(len)
                    .filter(|&e| e <= self.input.len())
                    .ok_or_else(|| {
                        ber_error(start, format!("length {len} runs past the end of the data"))
                    })?;
                while self.pos < end {
                    let mut sub = Reader {
                        input: &self.input[..end],
                        pos: self.pos,
                        limits: self.limits,
                        wipe: self.wipe,
                    };
                    sub.element(&mut content, depth + 1, chunk_tag)?;
                    self.pos = sub.pos;
                }
            }
            Length::Indefinite => loop {
                if self.pos >= self.input.len() {
                    return Err(ber_error(
                        start,
                        "indefinite-length element has no end-of-contents marker",
                    ));
                }
                if self.at_end_of_contents() {
                    self.pos += 2;
                    break;
                }
                self.element(&mut content, depth + 1, chunk_tag)?;
            },
        }
        if string_of.is_some() {
            out.put(&content.bytes);
            return Ok(());
        }
        if let Some(number) = chunk_tag {
            if number == 3 {
                return Err(ber_error(start, "constructed BIT STRING is not supported"));
            }
            // The joined string becomes primitive: clear the constructed bit.
            out.put(&[id.raw[0] & !0x20]);
            out.put(&id.raw[1..]);
        } else {
            out.put(id.raw);
        }
        out.put_length(content.bytes.len());
        out.put(&content.bytes);
        Ok(())
    }
}

/// Appends a minimal definite length.
#[cfg(test)]
fn push_length(out: &mut Vec<u8>, len: usize) {
    let mut buf = [0u8; 9];
    let n = encode_length(len, &mut buf);
    out.extend_from_slice(&buf[..n]);
}

/// A minimal definite length into `buf`; returns how many bytes.
fn encode_length(len: usize, buf: &mut [u8; 9]) -> usize {
    if len < 0x80 {
        buf[0] = len as u8;
        return 1;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    buf[0] = 0x80 | (bytes.len() - skip) as u8;
    buf[1..1 + bytes.len() - skip].copy_from_slice(&bytes[skip..]);
    1 + bytes.len() - skip
}

/// Normalises one BER element (the whole input) to DER. Trailing bytes
/// after the element are an error, except zero padding some tools append
/// after an indefinite-length outer element.
pub fn normalize(input: &[u8]) -> Result<Vec<u8>, Error> {
    normalize_with(input, BerLimits::default())
}

/// [`normalize`] with explicit limits.
pub fn normalize_with(input: &[u8], limits: BerLimits) -> Result<Vec<u8>, Error> {
    run(input, limits, false)
}

/// [`normalize`] for secret input (decrypted key material): every
/// intermediate buffer is wiped before it is freed, and the result comes
/// back in a buffer wiped on drop.
pub fn normalize_secret(input: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
    run(input, BerLimits::default(), true).map(zeroize::Zeroizing::new)
}

fn run(input: &[u8], limits: BerLimits, wipe: bool) -> Result<Vec<u8>, Error> {
    let mut reader = Reader {
        input,
        pos: 0,
        limits,
        wipe,
    };
    let mut out = Out::new(input.len(), wipe);
    reader.element(&mut out, 0, None)?;
    let trailing = &input[reader.pos..];
    if !trailing.iter().all(|&b| b == 0) {
        return Err(ber_error(
            reader.pos,
            format!(
                "{} bytes of trailing data after the outer element",
                trailing.len()
            ),
        ));
    }
    Ok(out.into_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn der_passes_through_unchanged() {
        // SEQUENCE { INTEGER 5, OCTET STRING "ab", SET { NULL, BOOLEAN } } (SET order kept)
        let der = hex("30 0e 02 01 05 04 02 61 62 31 05 05 00 01 01 ff");
        assert_eq!(normalize(&der).unwrap(), der);
    }

    #[test]
    fn indefinite_lengths_become_definite() {
        let ber = hex("30 80 02 01 05 30 80 05 00 00 00 00 00");
        assert_eq!(normalize(&ber).unwrap(), hex("30 07 02 01 05 30 02 05 00"));
    }

    #[test]
    fn chunked_octet_strings_are_joined() {
        // [0] EXPLICIT { OCTET STRING (constructed, indefinite) { "ab", { "c" }, "" } }
        let ber = hex("a0 80 24 80 04 02 61 62 24 03 04 01 63 04 00 00 00 00 00");
        assert_eq!(normalize(&ber).unwrap(), hex("a0 05 04 03 61 62 63"));
        // constructed with a definite length (also seen in the wild)
        let ber = hex("24 06 04 01 61 04 01 62");
        assert_eq!(normalize(&ber).unwrap(), hex("04 02 61 62"));
    }

    #[test]
    fn long_form_lengths_are_minimised() {
        let ber = hex("04 82 00 02 61 62");
        assert_eq!(normalize(&ber).unwrap(), hex("04 02 61 62"));
        let long: Vec<u8> = [hex("04 83 00 01 00"), vec![7u8; 256]].concat();
        let der = normalize(&long).unwrap();
        assert_eq!(&der[..4], &hex("04 82 01 00")[..]);
    }

    #[test]
    fn high_tag_numbers_are_kept() {
        let der = hex("bf 81 00 03 02 01 01");
        assert_eq!(normalize(&der).unwrap(), der);
    }

    #[test]
    fn hostile_inputs_are_typed_errors() {
        let cases: &[(&str, &str)] = &[
            ("", "unexpected end of data"),
            ("30", "unexpected end of data"),
            ("30 05 02 01", "runs past the end"),
            ("04 80 00 00", "indefinite length on a primitive"),
            ("30 80 02 01 05", "no end-of-contents"),
            ("00 00", "end-of-contents marker"),
            ("04 89 01 00 00 00 00 00 00 00 00", "not supported"),
            ("04 88 7f ff ff ff ff ff ff ff", "runs past the end"),
            ("24 80 02 01 05 00 00", "chunk of a constructed string"),
            ("30 03 02 01 05 ff", "trailing data"),
            ("1f ff ff ff ff ff 7f 00", "tag number too large"),
        ];
        for (input, want) in cases {
            let err = normalize(&hex(input)).unwrap_err().to_string();
            assert!(err.contains(want), "{input}: {err}");
        }
    }

    #[test]
    fn nesting_bombs_stop_at_the_depth_limit() {
        let bomb: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 5000)
            .flatten()
            .collect();
        let err = normalize(&bomb).unwrap_err().to_string();
        assert!(err.contains("nesting deeper than 64"), "{err}");
        // definite-length nesting too
        let mut nested = vec![0x05, 0x00];
        for _ in 0..100 {
            let mut outer = vec![0x30];
            push_length(&mut outer, nested.len());
            outer.extend_from_slice(&nested);
            nested = outer;
        }
        assert!(
            normalize(&nested)
                .unwrap_err()
                .to_string()
                .contains("nesting")
        );
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let ber = hex("30 80 a0 80 24 80 04 02 61 62 04 01 63 00 00 00 00 02 01 05 00 00");
        assert!(normalize(&ber).is_ok());
        for cut in 0..ber.len() {
            assert!(normalize(&ber[..cut]).is_err(), "prefix of {cut} bytes");
        }
        for i in 0..ber.len() {
            for bit in 0..8 {
                let mut flipped = ber.clone();
                flipped[i] ^= 1 << bit;
                let _ = normalize(&flipped);
            }
        }
    }
}
