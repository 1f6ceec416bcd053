//! Typed claims of ESIA's tokens (guide В.5, В.7). ESIA writes some
//! identifiers as numbers and others as strings; [`Oid`] takes both.
//! Every claim is optional here: which ones a token must carry is checked
//! by the verifier.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// An ESIA object identifier (a person's or organisation's OID), written
/// as a JSON number or string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Oid(pub String);

impl<'de> Deserialize<'de> for Oid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Oid(s)),
            Value::Number(n) => Ok(Oid(n.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "an OID must be a number or a string, not {other}"
            ))),
        }
    }
}

/// `aud`: one string or a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// A single audience.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl Audience {
    /// True when `client_id` is among the audiences.
    pub fn contains(&self, client_id: &str) -> bool {
        match self {
            Audience::One(a) => a == client_id,
            Audience::Many(list) => list.iter().any(|a| a == client_id),
        }
    }
}

/// `urn:esia:authority`: a power of attorney the token is used under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authority {
    /// Expiry date of the power of attorney (`dd.MM.yyyy`).
    pub expired: Option<String>,
    /// Its identifier in ESIA.
    pub id: Option<String>,
}

/// `urn:esia:sbj`: the subject of an id token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// `urn:esia:sbj:typ`, e.g. "P" for a person.
    #[serde(rename = "urn:esia:sbj:typ")]
    pub typ: Option<String>,
    /// `urn:esia:sbj:is_tru`: the account is confirmed.
    #[serde(rename = "urn:esia:sbj:is_tru")]
    pub is_trusted: Option<bool>,
    /// `urn:esia:sbj:oid`: the account's OID.
    #[serde(rename = "urn:esia:sbj:oid")]
    pub oid: Option<Oid>,
    /// `urn:esia:sbj:nam`: ESIA's internal alias.
    #[serde(rename = "urn:esia:sbj:nam")]
    pub name: Option<String>,
}

/// The claims of an access, id or refresh token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer, e.g. `http://esia.gosuslugi.ru/`.
    pub iss: Option<String>,
    /// Expiry, Unix seconds.
    pub exp: Option<i64>,
    /// Not before, Unix seconds.
    pub nbf: Option<i64>,
    /// Issued at, Unix seconds.
    pub iat: Option<i64>,
    /// Audience of an id token (the client_id).
    pub aud: Option<Audience>,
    /// Audience of an access token (the client's mnemonic).
    pub client_id: Option<String>,
    /// Subject OID of an id token.
    pub sub: Option<Oid>,
    /// Granted scopes, space-separated.
    pub scope: Option<String>,
    /// Time of authentication (id token).
    pub auth_time: Option<i64>,
    /// `urn:esia:sid`: ESIA session id.
    #[serde(rename = "urn:esia:sid")]
    pub sid: Option<String>,
    /// `urn:esia:sbj_id`: subject OID of an access token.
    #[serde(rename = "urn:esia:sbj_id")]
    pub sbj_id: Option<Oid>,
    /// `urn:esia:authority`: delegation.
    #[serde(rename = "urn:esia:authority")]
    pub authority: Option<Authority>,
    /// `urn:esia:sbj`: subject description (id token).
    #[serde(rename = "urn:esia:sbj")]
    pub sbj: Option<Subject>,
    /// `urn:esia:amd`: how the user authenticated ("DS", "PWD").
    #[serde(rename = "urn:esia:amd")]
    pub amd: Option<String>,
    /// `amr`: authentication methods (string or list).
    pub amr: Option<Value>,
    /// `acr`: e.g. `{"2fa": "otp"}`.
    pub acr: Option<Value>,
    /// Every other claim, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The JOSE header of an ESIA token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// `GOST3410_2012_256`, `GOST3410_2012_512` or `RS256`.
    pub alg: String,
    /// Always "JWT" at ESIA.
    pub typ: Option<String>,
    /// Token kind: "access", "id", "refresh", "authorization_code".
    pub sbt: Option<String>,
    /// Token format version.
    pub ver: Option<Value>,
    /// Key id, when present.
    pub kid: Option<String>,
}
