//! Names and OIDs of the fourteen GOST R 34.10 parameter sets.
//!
//! Several OIDs name the same curve (CryptoPro-A = XchA = tc26-256-B, ...).
//! [`CurveId`] keeps the OID a key was issued with so that it is written back
//! unchanged; `CurveId::params` maps aliases to one set of domain parameters.

use core::fmt;
use core::str::FromStr;

use der::asn1::ObjectIdentifier;

use crate::error::Error;

/// A GOST R 34.10 parameter set, as named by its OID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CurveId {
    /// id-GostR3410-2001-TestParamSet: the standard's 256-bit example curve.
    Test256,
    /// id-GostR3410-2001-CryptoPro-A-ParamSet (p = 2^256 - 617).
    CryptoProA,
    /// id-GostR3410-2001-CryptoPro-B-ParamSet.
    CryptoProB,
    /// id-GostR3410-2001-CryptoPro-C-ParamSet.
    CryptoProC,
    /// id-GostR3410-2001-CryptoPro-XchA-ParamSet (= CryptoPro-A).
    CryptoProXchA,
    /// id-GostR3410-2001-CryptoPro-XchB-ParamSet (= CryptoPro-C).
    CryptoProXchB,
    /// id-tc26-gost-3410-2012-256-paramSetA: twisted Edwards, cofactor 4.
    Tc26_256A,
    /// id-tc26-gost-3410-2012-256-paramSetB (= CryptoPro-A).
    Tc26_256B,
    /// id-tc26-gost-3410-2012-256-paramSetC (= CryptoPro-B).
    Tc26_256C,
    /// id-tc26-gost-3410-2012-256-paramSetD (= CryptoPro-C).
    Tc26_256D,
    /// id-tc26-gost-3410-2012-512-paramSetTest: the standard's 512-bit example.
    Tc26_512Test,
    /// id-tc26-gost-3410-2012-512-paramSetA (p = 2^512 - 569).
    Tc26_512A,
    /// id-tc26-gost-3410-2012-512-paramSetB.
    Tc26_512B,
    /// id-tc26-gost-3410-2012-512-paramSetC: twisted Edwards, cofactor 4.
    Tc26_512C,
}

/// The distinct curves behind the fourteen names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CurveParams {
    Test256,
    CryptoProA,
    CryptoProB,
    CryptoProC,
    Tc26_256A,
    Tc26_512Test,
    Tc26_512A,
    Tc26_512B,
    Tc26_512C,
}

/// Key and signature size class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeySize {
    /// 256-bit keys: id-tc26-gost3410-12-256, Streebog-256, 64-byte signatures.
    Bits256,
    /// 512-bit keys: id-tc26-gost3410-12-512, Streebog-512, 128-byte signatures.
    Bits512,
}

impl KeySize {
    /// Width in bytes of one coordinate, one scalar, and half a signature.
    pub const fn coordinate_len(self) -> usize {
        match self {
            KeySize::Bits256 => 32,
            KeySize::Bits512 => 64,
        }
    }

    /// Length of an s || r signature.
    pub const fn signature_len(self) -> usize {
        2 * self.coordinate_len()
    }

    /// The Streebog variant used with keys of this size.
    pub const fn hash_alg(self) -> crate::hash::HashAlg {
        match self {
            KeySize::Bits256 => crate::hash::HashAlg::Streebog256,
            KeySize::Bits512 => crate::hash::HashAlg::Streebog512,
        }
    }
}

impl CurveId {
    /// Every parameter set, in a stable order.
    pub const ALL: [CurveId; 14] = [
        CurveId::Test256,
        CurveId::CryptoProA,
        CurveId::CryptoProB,
        CurveId::CryptoProC,
        CurveId::CryptoProXchA,
        CurveId::CryptoProXchB,
        CurveId::Tc26_256A,
        CurveId::Tc26_256B,
        CurveId::Tc26_256C,
        CurveId::Tc26_256D,
        CurveId::Tc26_512Test,
        CurveId::Tc26_512A,
        CurveId::Tc26_512B,
        CurveId::Tc26_512C,
    ];

    /// The command-line name (`cryptopro-a`, `tc26-512-c`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            CurveId::Test256 => "test-256",
            CurveId::CryptoProA => "cryptopro-a",
            CurveId::CryptoProB => "cryptopro-b",
            CurveId::CryptoProC => "cryptopro-c",
            CurveId::CryptoProXchA => "cryptopro-xcha",
            CurveId::CryptoProXchB => "cryptopro-xchb",
            CurveId::Tc26_256A => "tc26-256-a",
            CurveId::Tc26_256B => "tc26-256-b",
            CurveId::Tc26_256C => "tc26-256-c",
            CurveId::Tc26_256D => "tc26-256-d",
            CurveId::Tc26_512Test => "tc26-512-test",
            CurveId::Tc26_512A => "tc26-512-a",
            CurveId::Tc26_512B => "tc26-512-b",
            CurveId::Tc26_512C => "tc26-512-c",
        }
    }

    /// The parameter set's ASN.1 name.
    pub const fn asn1_name(self) -> &'static str {
        match self {
            CurveId::Test256 => "id-GostR3410-2001-TestParamSet",
            CurveId::CryptoProA => "id-GostR3410-2001-CryptoPro-A-ParamSet",
            CurveId::CryptoProB => "id-GostR3410-2001-CryptoPro-B-ParamSet",
            CurveId::CryptoProC => "id-GostR3410-2001-CryptoPro-C-ParamSet",
            CurveId::CryptoProXchA => "id-GostR3410-2001-CryptoPro-XchA-ParamSet",
            CurveId::CryptoProXchB => "id-GostR3410-2001-CryptoPro-XchB-ParamSet",
            CurveId::Tc26_256A => "id-tc26-gost-3410-2012-256-paramSetA",
            CurveId::Tc26_256B => "id-tc26-gost-3410-2012-256-paramSetB",
            CurveId::Tc26_256C => "id-tc26-gost-3410-2012-256-paramSetC",
            CurveId::Tc26_256D => "id-tc26-gost-3410-2012-256-paramSetD",
            CurveId::Tc26_512Test => "id-tc26-gost-3410-2012-512-paramSetTest",
            CurveId::Tc26_512A => "id-tc26-gost-3410-2012-512-paramSetA",
            CurveId::Tc26_512B => "id-tc26-gost-3410-2012-512-paramSetB",
            CurveId::Tc26_512C => "id-tc26-gost-3410-2012-512-paramSetC",
        }
    }

    /// The parameter set OID (publicKeyParamSet).
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            CurveId::Test256 => oids::TEST_256,
            CurveId::CryptoProA => oids::CRYPTOPRO_A,
            CurveId::CryptoProB => oids::CRYPTOPRO_B,
            CurveId::CryptoProC => oids::CRYPTOPRO_C,
            CurveId::CryptoProXchA => oids::CRYPTOPRO_XCHA,
            CurveId::CryptoProXchB => oids::CRYPTOPRO_XCHB,
            CurveId::Tc26_256A => oids::TC26_256_A,
            CurveId::Tc26_256B => oids::TC26_256_B,
            CurveId::Tc26_256C => oids::TC26_256_C,
            CurveId::Tc26_256D => oids::TC26_256_D,
            CurveId::Tc26_512Test => oids::TC26_512_TEST,
            CurveId::Tc26_512A => oids::TC26_512_A,
            CurveId::Tc26_512B => oids::TC26_512_B,
            CurveId::Tc26_512C => oids::TC26_512_C,
        }
    }

    /// Looks a parameter set up by OID.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<CurveId> {
        CurveId::ALL.into_iter().find(|c| c.oid() == *oid)
    }

    /// 256 or 512-bit keys.
    pub const fn key_size(self) -> KeySize {
        match self {
            CurveId::Tc26_512Test
            | CurveId::Tc26_512A
            | CurveId::Tc26_512B
            | CurveId::Tc26_512C => KeySize::Bits512,
            _ => KeySize::Bits256,
        }
    }

    /// True for the two curves that are twisted Edwards curves with cofactor 4.
    pub const fn is_edwards(self) -> bool {
        matches!(self, CurveId::Tc26_256A | CurveId::Tc26_512C)
    }

    /// The distinct domain parameters behind this name.
    pub(crate) const fn params(self) -> CurveParams {
        match self {
            CurveId::Test256 => CurveParams::Test256,
            CurveId::CryptoProA | CurveId::CryptoProXchA | CurveId::Tc26_256B => {
                CurveParams::CryptoProA
            }
            CurveId::CryptoProB | CurveId::Tc26_256C => CurveParams::CryptoProB,
            CurveId::CryptoProC | CurveId::CryptoProXchB | CurveId::Tc26_256D => {
                CurveParams::CryptoProC
            }
            CurveId::Tc26_256A => CurveParams::Tc26_256A,
            CurveId::Tc26_512Test => CurveParams::Tc26_512Test,
            CurveId::Tc26_512A => CurveParams::Tc26_512A,
            CurveId::Tc26_512B => CurveParams::Tc26_512B,
            CurveId::Tc26_512C => CurveParams::Tc26_512C,
        }
    }
}

impl fmt::Display for CurveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CurveId {
    type Err = Error;

    /// Accepts the command-line names, the ASN.1 names and dotted OIDs.
    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim();
        if let Some(c) = CurveId::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(t) || c.asn1_name().eq_ignore_ascii_case(t))
        {
            return Ok(c);
        }
        ObjectIdentifier::new(t)
            .ok()
            .and_then(|oid| CurveId::from_oid(&oid))
            .ok_or_else(|| Error::UnknownCurve(t.to_owned()))
    }
}

/// Algorithm and parameter OIDs used across the crate.
pub mod oids {
    use der::asn1::ObjectIdentifier as Oid;

    /// id-GostR3410-2001-TestParamSet.
    pub const TEST_256: Oid = Oid::new_unwrap("1.2.643.2.2.35.0");
    /// id-GostR3410-2001-CryptoPro-A-ParamSet.
    pub const CRYPTOPRO_A: Oid = Oid::new_unwrap("1.2.643.2.2.35.1");
    /// id-GostR3410-2001-CryptoPro-B-ParamSet.
    pub const CRYPTOPRO_B: Oid = Oid::new_unwrap("1.2.643.2.2.35.2");
    /// id-GostR3410-2001-CryptoPro-C-ParamSet.
    pub const CRYPTOPRO_C: Oid = Oid::new_unwrap("1.2.643.2.2.35.3");
    /// id-GostR3410-2001-CryptoPro-XchA-ParamSet.
    pub const CRYPTOPRO_XCHA: Oid = Oid::new_unwrap("1.2.643.2.2.36.0");
    /// id-GostR3410-2001-CryptoPro-XchB-ParamSet.
    pub const CRYPTOPRO_XCHB: Oid = Oid::new_unwrap("1.2.643.2.2.36.1");
    /// id-tc26-gost-3410-2012-256-paramSetA.
    pub const TC26_256_A: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.1.1");
    /// id-tc26-gost-3410-2012-256-paramSetB.
    pub const TC26_256_B: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.1.2");
    /// id-tc26-gost-3410-2012-256-paramSetC.
    pub const TC26_256_C: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.1.3");
    /// id-tc26-gost-3410-2012-256-paramSetD.
    pub const TC26_256_D: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.1.4");
    /// id-tc26-gost-3410-2012-512-paramSetTest.
    pub const TC26_512_TEST: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.2.0");
    /// id-tc26-gost-3410-2012-512-paramSetA.
    pub const TC26_512_A: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.2.1");
    /// id-tc26-gost-3410-2012-512-paramSetB.
    pub const TC26_512_B: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.2.2");
    /// id-tc26-gost-3410-2012-512-paramSetC.
    pub const TC26_512_C: Oid = Oid::new_unwrap("1.2.643.7.1.2.1.2.3");

    /// id-tc26-gost3410-12-256: 256-bit public key algorithm.
    pub const GOST3410_2012_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.1.1");
    /// id-tc26-gost3410-12-512: 512-bit public key algorithm.
    pub const GOST3410_2012_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.1.2");
    /// id-tc26-gost3411-12-256: Streebog-256.
    pub const STREEBOG_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.2");
    /// id-tc26-gost3411-12-512: Streebog-512.
    pub const STREEBOG_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.3");
    /// id-tc26-signwithdigest-gost3410-12-256.
    pub const SIGN_WITH_DIGEST_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.3.2");
    /// id-tc26-signwithdigest-gost3410-12-512.
    pub const SIGN_WITH_DIGEST_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.3.3");
    /// id-GostR3410-2001 (legacy public key algorithm).
    pub const GOST3410_2001: Oid = Oid::new_unwrap("1.2.643.2.2.19");
    /// id-GostR3411-94 (legacy digest).
    pub const GOST3411_94: Oid = Oid::new_unwrap("1.2.643.2.2.9");
    /// id-GostR3411-94-CryptoProParamSet (digest parameter of 2001 keys).
    pub const GOST3411_94_CRYPTOPRO_PARAMS: Oid = Oid::new_unwrap("1.2.643.2.2.30.1");
    /// id-GostR3411-94-with-GostR3410-2001.
    pub const SIGN_WITH_DIGEST_2001: Oid = Oid::new_unwrap("1.2.643.2.2.3");
}
