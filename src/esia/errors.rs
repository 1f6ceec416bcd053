//! ESIA's error codes that concern signatures and certificates, in words.

/// What an ESIA error code means for a client system, and where to look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EsiaErrorCode {
    /// The numeric part, e.g. "007053".
    pub code: &'static str,
    /// ESIA's short name, when it has one.
    pub name: &'static str,
    /// What it means, in plain words.
    pub meaning: &'static str,
}

/// The codes worth explaining (esia-signing.md §9).
pub const ERROR_CODES: &[EsiaErrorCode] = &[
    EsiaErrorCode {
        code: "007053",
        name: "clientSecretWrong",
        meaning: "ESIA could not verify client_secret: the signed string (field order, values), the signature form (raw or CMS), its byte order or the client_certificate_hash is wrong",
    },
    EsiaErrorCode {
        code: "008010",
        name: "invalid_client",
        meaning: "ESIA does not accept the client: unknown client_id, or the client_secret or certificate could not be matched to it",
    },
    EsiaErrorCode {
        code: "007002",
        name: "certificate not registered",
        meaning: "the certificate that signed is not registered for this client_id in ESIA's technology portal",
    },
    EsiaErrorCode {
        code: "007014",
        name: "missing parameter",
        meaning: "a required request parameter is absent (e.g. client_certificate_hash on v2/v3 endpoints)",
    },
    EsiaErrorCode {
        code: "007015",
        name: "bad timestamp",
        meaning: "the timestamp is malformed or too far from ESIA's clock",
    },
    EsiaErrorCode {
        code: "005002",
        name: "bad UUID signature",
        meaning: "the identification-key signature does not verify, signs another UUID, or is older than 24 hours",
    },
    EsiaErrorCode {
        code: "030504",
        name: "malformed certificate",
        meaning: "the certificate could not be read or is not a GOST R 34.10-2012 certificate",
    },
];

/// Looks up "ESIA-007053", "007053" or "7053".
pub fn lookup(code: &str) -> Option<&'static EsiaErrorCode> {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let padded = format!("{digits:0>6}");
    ERROR_CODES.iter().find(|e| e.code == padded)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookup_forms() {
        assert_eq!(
            super::lookup("ESIA-007053").unwrap().name,
            "clientSecretWrong"
        );
        assert_eq!(super::lookup("7015").unwrap().code, "007015");
        assert!(super::lookup("ESIA-999999").is_none());
        assert!(super::lookup("none").is_none());
    }
}
