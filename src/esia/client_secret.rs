//! `client_secret`: the signature a client system sends with its
//! authorization and token requests.
//!
//! | flow | signed string | form |
//! |---|---|---|
//! | `/aas/oauth2/ac`, client credentials | scope + timestamp + client_id + state | CMS detached |
//! | `/aas/oauth2/te` | scope + timestamp + client_id + state + redirect_uri + code | CMS detached |
//! | `/aas/oauth2/v2/ac` | client_id + scope [+ scope_org] + timestamp + state + redirect_uri | raw s‖r |
//! | `/aas/oauth2/v3/te` | client_id + scope [+ scope_org] + timestamp + state + redirect_uri + code | raw s‖r |
//! | v3 refresh | as v3/te, refresh_token in the place of code | raw s‖r |
//!
//! Fields are concatenated without separators as UTF-8, exactly as they are
//! sent (not URL-encoded). The raw form is the GOST signature of the string
//! (Streebog of the key's size), s‖r big-endian, base64url; the CMS form is a
//! detached SignedData (DER) with contentType, signingTime and messageDigest.

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};

use super::state::{check_uuid, new_state};
use super::timestamp::Timestamp;
use crate::cms::{CmsSigner, SignOptions};
use crate::error::{Error, Result};

/// Which ESIA endpoint the secret is for; it fixes the field order and form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    /// `/aas/oauth2/v2/ac`: raw signature.
    Authorize,
    /// `/aas/oauth2/v3/te` with `grant_type=authorization_code`: raw signature.
    Token,
    /// `/aas/oauth2/v3/te` with `grant_type=refresh_token`: raw signature.
    Refresh,
    /// `/aas/oauth2/ac` (legacy): CMS detached.
    LegacyAuthorize,
    /// `/aas/oauth2/te` (legacy): CMS detached.
    LegacyToken,
    /// Legacy client credentials grant: CMS detached.
    LegacyClientCredentials,
}

/// One field of the signed string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `client_id`.
    ClientId,
    /// `scope`.
    Scope,
    /// `scope_org` (public clients only; skipped when empty).
    ScopeOrg,
    /// `timestamp`.
    Timestamp,
    /// `state`.
    State,
    /// `redirect_uri`.
    RedirectUri,
    /// `code`.
    Code,
    /// `refresh_token`.
    RefreshToken,
}

impl Field {
    /// The request parameter's name.
    pub fn name(self) -> &'static str {
        match self {
            Field::ClientId => "client_id",
            Field::Scope => "scope",
            Field::ScopeOrg => "scope_org",
            Field::Timestamp => "timestamp",
            Field::State => "state",
            Field::RedirectUri => "redirect_uri",
            Field::Code => "code",
            Field::RefreshToken => "refresh_token",
        }
    }
}

impl Flow {
    /// Every flow, current ones first.
    pub const ALL: [Flow; 6] = [
        Flow::Authorize,
        Flow::Token,
        Flow::Refresh,
        Flow::LegacyAuthorize,
        Flow::LegacyToken,
        Flow::LegacyClientCredentials,
    ];

    /// True for the CMS (PKCS#7) generation.
    pub fn is_legacy(self) -> bool {
        matches!(
            self,
            Flow::LegacyAuthorize | Flow::LegacyToken | Flow::LegacyClientCredentials
        )
    }

    /// The endpoint path, for messages.
    pub fn endpoint(self) -> &'static str {
        match self {
            Flow::Authorize => "/aas/oauth2/v2/ac",
            Flow::Token => "/aas/oauth2/v3/te (authorization_code)",
            Flow::Refresh => "/aas/oauth2/v3/te (refresh_token)",
            Flow::LegacyAuthorize => "/aas/oauth2/ac",
            Flow::LegacyToken => "/aas/oauth2/te",
            Flow::LegacyClientCredentials => "/aas/oauth2/te (client_credentials)",
        }
    }

    /// The signed fields in order (`ScopeOrg` is skipped when empty).
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Flow::Authorize => &[ClientId, Scope, ScopeOrg, Timestamp, State, RedirectUri],
            Flow::Token => &[
                ClientId,
                Scope,
                ScopeOrg,
                Timestamp,
                State,
                RedirectUri,
                Code,
            ],
            Flow::Refresh => &[
                ClientId,
                Scope,
                ScopeOrg,
                Timestamp,
                State,
                RedirectUri,
                RefreshToken,
            ],
            Flow::LegacyAuthorize | Flow::LegacyClientCredentials => {
                &[Scope, Timestamp, ClientId, State]
            }
            Flow::LegacyToken => &[Scope, Timestamp, ClientId, State, RedirectUri, Code],
        }
    }

    /// Whether the request must carry `client_certificate_hash`.
    pub fn needs_certificate_hash(self) -> bool {
        !self.is_legacy()
    }
}

/// The request fields, by name, as they are sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// `client_id`: the system's mnemonic.
    pub client_id: String,
    /// `scope`, space-separated, exactly as sent.
    pub scope: String,
    /// `scope_org`, for public clients.
    pub scope_org: Option<String>,
    /// `timestamp` text.
    pub timestamp: String,
    /// `state` UUID.
    pub state: String,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `code` from the authorization response.
    pub code: Option<String>,
    /// `refresh_token`.
    pub refresh_token: Option<String>,
}

impl Fields {
    /// The value of one field; `None` when not given.
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::ClientId => Some(&self.client_id),
            Field::Scope => Some(&self.scope),
            Field::ScopeOrg => self.scope_org.as_deref(),
            Field::Timestamp => Some(&self.timestamp),
            Field::State => Some(&self.state),
            Field::RedirectUri => self.redirect_uri.as_deref(),
            Field::Code => self.code.as_deref(),
            Field::RefreshToken => self.refresh_token.as_deref(),
        }
    }
}

/// The exact string a flow signs; an error names a missing field.
pub fn signed_string(flow: Flow, fields: &Fields) -> Result<String> {
    let mut out = String::new();
    for &field in flow.fields() {
        match (field, fields.get(field)) {
            (Field::ScopeOrg, None) => {}
            (_, Some(value)) if !value.is_empty() || field == Field::ScopeOrg => {
                out.push_str(value)
            }
            (f, _) => return Err(Error::MissingParameter(f.name())),
        }
    }
    Ok(out)
}

/// Byte order of a raw signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ByteOrder {
    /// s‖r, each big-endian: what ESIA accepts and OpenSSL writes.
    #[default]
    Standard,
    /// The full byte reversal (CryptoPro CSP / CryptoAPI native output), for
    /// the few setups that need it (guide footnote, L13333).
    Reversed,
}

/// A finished client_secret and every value that went into it: the request
/// must carry exactly these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSecret {
    /// The flow it was made for.
    pub flow: Flow,
    /// `client_secret`, base64url.
    pub client_secret: String,
    /// `state` that was signed.
    pub state: String,
    /// `timestamp` that was signed.
    pub timestamp: String,
    /// `client_certificate_hash` for the request (required by current flows).
    pub client_certificate_hash: String,
    /// The exact signed string.
    pub signed_string: String,
}

/// Builds a client_secret from named parameters; state and timestamp are
/// generated when not given.
#[derive(Clone, Debug)]
pub struct ClientSecretBuilder {
    flow: Flow,
    fields: Fields,
    state: Option<String>,
    timestamp: Option<String>,
    byte_order: ByteOrder,
    padded: bool,
}

impl ClientSecretBuilder {
    /// Starts a secret for `flow`.
    pub fn new(flow: Flow) -> Self {
        ClientSecretBuilder {
            flow,
            fields: Fields::default(),
            state: None,
            timestamp: None,
            byte_order: ByteOrder::Standard,
            padded: false,
        }
    }

    /// `client_id` (the system's mnemonic).
    pub fn client_id(mut self, value: impl Into<String>) -> Self {
        self.fields.client_id = value.into();
        self
    }

    /// `scope`, exactly as sent (space-separated).
    pub fn scope(mut self, value: impl Into<String>) -> Self {
        self.fields.scope = value.into();
        self
    }

    /// `scope_org` (current flows only).
    pub fn scope_org(mut self, value: impl Into<String>) -> Self {
        self.fields.scope_org = Some(value.into());
        self
    }

    /// `redirect_uri`.
    pub fn redirect_uri(mut self, value: impl Into<String>) -> Self {
        self.fields.redirect_uri = Some(value.into());
        self
    }

    /// `code` (token flows).
    pub fn code(mut self, value: impl Into<String>) -> Self {
        self.fields.code = Some(value.into());
        self
    }

    /// `refresh_token` (refresh flow).
    pub fn refresh_token(mut self, value: impl Into<String>) -> Self {
        self.fields.refresh_token = Some(value.into());
        self
    }

    /// A given `state` (must be a UUID); a fresh v4 UUID otherwise.
    pub fn state(mut self, value: impl Into<String>) -> Self {
        self.state = Some(value.into());
        self
    }

    /// A given timestamp; the current time in the system's offset otherwise.
    pub fn timestamp(mut self, value: &Timestamp) -> Self {
        self.timestamp = Some(value.as_str().to_string());
        self
    }

    /// Raw signature byte order (default: s‖r as ESIA wants).
    pub fn byte_order(mut self, order: ByteOrder) -> Self {
        self.byte_order = order;
        self
    }

    /// Pad the base64url output with `=` (ESIA accepts both; default unpadded).
    pub fn padded(mut self, padded: bool) -> Self {
        self.padded = padded;
        self
    }

    /// Signs with the system's key and certificate.
    pub fn build(self, signer: &CmsSigner) -> Result<ClientSecret> {
        super::require_gost2012(signer)?;
        let state = match self.state {
            Some(s) => {
                check_uuid("state", &s)?;
                s
            }
            None => new_state()?,
        };
        let timestamp = match self.timestamp {
            Some(t) => t,
            None => Timestamp::now().as_str().to_string(),
        };
        if self.flow.is_legacy() && self.byte_order == ByteOrder::Reversed {
            return Err(Error::invalid(
                "byte order",
                "a legacy (CMS) client_secret has no raw byte order to reverse",
            ));
        }
        let fields = Fields {
            state: state.clone(),
            timestamp: timestamp.clone(),
            ..self.fields
        };
        let signed = signed_string(self.flow, &fields)?;
        let bytes = if self.flow.is_legacy() {
            signer.sign(signed.as_bytes(), &SignOptions::default())?
        } else {
            let key = signer.key();
            let sig = key.sign_prehash(&key.hash_alg().digest(signed.as_bytes()))?;
            match self.byte_order {
                ByteOrder::Standard => sig.as_bytes().to_vec(),
                ByteOrder::Reversed => sig.to_reversed(),
            }
        };
        let client_secret = if self.padded {
            URL_SAFE.encode(&bytes)
        } else {
            URL_SAFE_NO_PAD.encode(&bytes)
        };
        Ok(ClientSecret {
            flow: self.flow,
            client_secret,
            state,
            timestamp,
            client_certificate_hash: hex::encode_upper(signer.certificate_streebog256()),
            signed_string: signed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide_fields() -> Fields {
        Fields {
            client_id: "TESTAPPLICATION".into(),
            scope: "openid".into(),
            timestamp: "2021.11.10 12:28:46 +0300".into(),
            state: "bbf0aef5-5237-41bc-8cba-291e29a3ade8".into(),
            redirect_uri: Some("https://test.application.ru/auth/api/v1/esia/return".into()),
            ..Fields::default()
        }
    }

    #[test]
    fn guide_example_string() {
        // The guide's v2 example, L13318.
        assert_eq!(
            signed_string(Flow::Authorize, &guide_fields()).unwrap(),
            "TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300bbf0aef5-5237-41bc-8cba-291e29a3ade8https://test.application.ru/auth/api/v1/esia/return"
        );
    }

    #[test]
    fn legacy_and_token_orders() {
        let mut f = guide_fields();
        assert_eq!(
            signed_string(Flow::LegacyAuthorize, &f).unwrap(),
            "openid2021.11.10 12:28:46 +0300TESTAPPLICATIONbbf0aef5-5237-41bc-8cba-291e29a3ade8"
        );
        assert_eq!(
            signed_string(Flow::Token, &f).unwrap_err(),
            Error::MissingParameter("code")
        );
        f.code = Some("CODE".into());
        f.scope_org = Some("org".into());
        assert!(
            signed_string(Flow::Token, &f)
                .unwrap()
                .starts_with("TESTAPPLICATIONopenidorg2021")
        );
        assert!(
            signed_string(Flow::Token, &f)
                .unwrap()
                .ends_with("returnCODE")
        );
        assert!(
            signed_string(Flow::LegacyToken, &f)
                .unwrap()
                .ends_with("returnCODE")
        );
        assert_eq!(
            signed_string(Flow::Refresh, &f).unwrap_err(),
            Error::MissingParameter("refresh_token")
        );
    }
}
