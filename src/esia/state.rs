//! The `state` request field and the identification key: UUIDs in their
//! text form. ESIA wants a fresh random (version 4) UUID per request.

use crate::error::{Error, Result};

/// A new random UUID (version 4, RFC 9562), lower-case text form.
pub fn new_state() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| Error::Rng(e.to_string()))?;
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC variant
    let h = hex::encode(b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// Checks the 8-4-4-4-12 hexadecimal layout (any version, either case).
pub fn check_uuid(what: &'static str, text: &str) -> Result<()> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return Err(Error::invalid(
            what,
            format!(
                "{text:?} is {} characters, a UUID has 36 (8-4-4-4-12 hex digits)",
                bytes.len()
            ),
        ));
    }
    for (i, &c) in bytes.iter().enumerate() {
        let ok = if matches!(i, 8 | 13 | 18 | 23) {
            c == b'-'
        } else {
            c.is_ascii_hexdigit()
        };
        if !ok {
            return Err(Error::invalid(
                what,
                format!(
                    "{text:?} is not a UUID: character {} is {:?}",
                    i + 1,
                    c as char
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_states_are_v4_uuids_and_differ() {
        let a = new_state().unwrap();
        let b = new_state().unwrap();
        assert_ne!(a, b);
        check_uuid("state", &a).unwrap();
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn uuid_check_names_the_problem() {
        check_uuid("state", "bbf0aef5-5237-41bc-8cba-291e29a3ade8").unwrap();
        check_uuid("state", "BBF0AEF5-5237-41BC-8CBA-291E29A3ADE8").unwrap();
        let e = check_uuid("state", "bbf0aef5523741bc8cba291e29a3ade8").unwrap_err();
        assert!(e.to_string().contains("32 characters"), "{e}");
        let e = check_uuid("state", "bbf0aef5-5237-41bc-8cba-291e29a3adeg").unwrap_err();
        assert!(e.to_string().contains("character 36"), "{e}");
    }
}
