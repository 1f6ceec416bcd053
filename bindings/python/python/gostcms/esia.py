"""ESIA (Gosuslugi): client_secret, Request-Data-Sign, the UUID signature,
client_certificate_hash, PKCE and verification of the tokens ESIA issues.

    from gostcms import esia
    s = esia.client_secret(key, cert, client_id="MYSYSTEM", scope="openid",
                           redirect_uri="https://example.ru/esia/return")
    # send s.client_secret, s.state, s.timestamp, s.client_certificate_hash
"""

from datetime import datetime
from typing import Iterable, Optional, Sequence, Tuple, Union

from ._gostcms import Certificate, SigningKey
from ._gostcms import esia as _esia

ClientSecret = _esia.ClientSecret

#: The accepted ``flow`` names, as the CLI's ``--endpoint``.
FLOWS: Tuple[str, ...] = tuple(_esia.FLOWS)

__all__ = [
    "ClientSecret",
    "FLOWS",
    "cert_hash",
    "client_secret",
    "pkce",
    "pkce_challenge",
    "request_data",
    "request_data_sign",
    "uuid_signature",
    "verify_jwt",
]


def client_secret(
    key: SigningKey,
    cert: Certificate,
    *,
    client_id: str,
    scope: str,
    redirect_uri: Optional[str] = None,
    flow: str = "v2/ac",
    code: Optional[str] = None,
    refresh_token: Optional[str] = None,
    scope_org: Optional[str] = None,
    state: Optional[str] = None,
    timestamp: Union[str, datetime, None] = None,
    reverse: bool = False,
) -> "ClientSecret":
    """The ``client_secret`` of an ESIA request, with the values to send beside it.

    ``flow`` names the endpoint: ``"v2/ac"`` (authorization, the default),
    ``"v3/te"`` (token for a ``code``), ``"refresh"`` (token for a
    ``refresh_token``): raw GOST signatures, base64url; or the legacy
    ``"ac"``, ``"te"``, ``"client-credentials"``: detached CMS, base64url.
    Fields are signed exactly as given (not URL-encoded); send the same
    values. ``state`` defaults to a fresh UUID and ``timestamp`` to now in
    the system's UTC offset (ESIA text ``"yyyy.MM.dd HH:mm:ss +hhmm"`` or an
    aware datetime). ``reverse=True`` writes the raw signature byte-reversed
    (CryptoAPI order), for setups that need it.

    Returns a :class:`ClientSecret` with ``client_secret``, ``state``,
    ``timestamp``, ``client_certificate_hash`` and ``signed_string``.
    Raises ``FormatError`` for a missing or malformed field (the message
    names it) or a key that does not match the certificate.
    """
    return _esia.client_secret(
        key,
        cert,
        client_id=client_id,
        scope=scope,
        redirect_uri=redirect_uri,
        flow=flow,
        code=code,
        refresh_token=refresh_token,
        scope_org=scope_org,
        state=state,
        timestamp=timestamp,
        reverse=reverse,
    )


def request_data_sign(key: SigningKey, cert: Certificate, data: Union[bytes, str]) -> str:
    """The ``Request-Data-Sign`` header: base64url (unpadded) of a detached CMS
    SignedData over exactly ``data`` (the JSON body; a str is signed as UTF-8).
    The ``Request-Data`` header is :func:`request_data` of the same bytes."""
    return _esia.request_data_sign(key, cert, data)


def request_data(data: Union[bytes, str]) -> str:
    """The ``Request-Data`` header: base64url (unpadded) of ``data``."""
    return _esia.request_data(data)


def uuid_signature(
    key: SigningKey,
    cert: Certificate,
    uuid: str,
    *,
    attached: bool = False,
    percent_encoded: bool = False,
) -> str:
    """The identification-key (api-key UUID) signature: a CMS over the UUID's
    text, base64url. ``attached=True`` puts the UUID inside (as the guide's
    example does); ``percent_encoded=True`` gives percent-encoded standard
    base64 (also the guide's example) instead of base64url."""
    return _esia.uuid_signature(key, cert, uuid, attached=attached, percent_encoded=percent_encoded)


def cert_hash(cert: Union[Certificate, bytes, str]) -> str:
    """``client_certificate_hash``: Streebog-256 of the certificate's DER,
    64 upper-case hex characters."""
    return _esia.cert_hash(cert)


def pkce(method: str = "GOST3411") -> Tuple[str, str]:
    """A fresh PKCE pair ``(code_verifier, code_challenge)``. ``method`` is
    ``"GOST3411"`` (Streebog-256), ``"GOST3411-512"`` or ``"S256"``; send
    ``code_challenge_method=GOST3411`` (or ``S256``). Keep the verifier
    secret until the token request."""
    verifier, challenge = _esia.pkce(method)
    return verifier, challenge


def pkce_challenge(code_verifier: str, method: str = "GOST3411") -> str:
    """The ``code_challenge`` of a given ``code_verifier``."""
    return _esia.pkce_challenge(code_verifier, method)


def verify_jwt(
    token: str,
    trust: Union[Sequence[Union[Certificate, bytes, str]], Certificate],
    *,
    client_id: Optional[str] = None,
    issuers: Union[Iterable[str], str, None] = None,
    now: Union[int, float, datetime, None] = None,
    leeway: int = 60,
) -> dict:
    """Verifies a token ESIA issued (access, id or refresh; GOST3410_2012_256,
    GOST3410_2012_512 or RS256) against the trusted ESIA certificates and
    returns its claims.

    ``issuers`` defaults to ESIA production's; ``client_id``, when given, must
    be the token's ``client_id`` (access tokens) or ``aud`` (id tokens);
    ``exp``/``nbf``/``iat`` are checked at ``now`` (default: the clock) with
    ``leeway`` seconds of skew. Raises ``JwtError`` naming the reason.
    """
    return _esia.verify_jwt(
        token, trust, client_id=client_id, issuers=issuers, now=now, leeway=leeway
    )

