"""gostcms.esia: client_secret (raw and CMS), Request-Data-Sign and the UUID
signature checked by OpenSSL, cert_hash, PKCE, and JWT verification."""

import base64
import datetime
import json
import re
import time
import uuid as uuidlib

import pytest

import gostcms
from gostcms import esia
from conftest import DATA, make_jwt, unb64u

REDIRECT = "https://test.application.ru/auth/api/v1/esia/return"
STATE = "bbf0aef5-5237-41bc-8cba-291e29a3ade8"
TS = "2021.11.10 12:28:46 +0300"


def test_client_secret_v2_guide_string(key256, cert256):
    s = esia.client_secret(key256, cert256, client_id="TESTAPPLICATION", scope="openid",
                           redirect_uri=REDIRECT, state=STATE, timestamp=TS)
    # The guide's v2 example string (ESIA guide L13318).
    assert s.signed_string == "TESTAPPLICATIONopenid" + TS + STATE + REDIRECT
    assert s.state == STATE and s.timestamp == TS and s.flow == "v2/ac"
    assert s.client_certificate_hash == esia.cert_hash(cert256)
    raw = unb64u(s.client_secret)
    assert len(raw) == 64
    cert256.verifying_key().verify(s.signed_string.encode(), raw)
    assert set(s.to_dict()) == {"client_secret", "state", "timestamp", "client_certificate_hash", "signed_string"}
    assert s.client_secret not in repr(s)


def test_client_secret_defaults_and_flows(key512, cert512):
    s = esia.client_secret(key512, cert512, client_id="SYS", scope="openid fullname", redirect_uri=REDIRECT)
    uuidlib.UUID(s.state)
    assert re.fullmatch(r"\d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d [+-]\d{4}", s.timestamp)
    cert512.verifying_key().verify(s.signed_string.encode(), unb64u(s.client_secret))
    t = esia.client_secret(key512, cert512, client_id="SYS", scope="openid", redirect_uri=REDIRECT,
                           flow="v3/te", code="CODE123", state=STATE, timestamp=TS)
    assert t.signed_string.endswith(REDIRECT + "CODE123")
    r = esia.client_secret(key512, cert512, client_id="SYS", scope="openid", redirect_uri=REDIRECT,
                           flow="refresh", refresh_token="RT", state=STATE, timestamp=TS)
    assert r.signed_string.endswith("RT")
    o = esia.client_secret(key512, cert512, client_id="SYS", scope="org_emps", scope_org="org_inf",
                           redirect_uri=REDIRECT, state=STATE, timestamp=TS)
    assert o.signed_string == "SYSorg_empsorg_inf" + TS + STATE + REDIRECT
    rev = esia.client_secret(key512, cert512, client_id="SYS", scope="openid", redirect_uri=REDIRECT,
                             reverse=True, state=STATE, timestamp=TS)
    cert512.verifying_key().verify(rev.signed_string.encode(), unb64u(rev.client_secret)[::-1])
    # An aware datetime as timestamp: written in its own offset.
    msk = datetime.timezone(datetime.timedelta(hours=3))
    d = esia.client_secret(key512, cert512, client_id="SYS", scope="openid", redirect_uri=REDIRECT,
                           timestamp=datetime.datetime(2021, 11, 10, 12, 28, 46, tzinfo=msk))
    assert d.timestamp == TS


def test_client_secret_errors(key256, cert256, cert512):
    kw = dict(client_id="SYS", scope="openid", redirect_uri=REDIRECT)
    with pytest.raises(gostcms.FormatError, match="flow"):
        esia.client_secret(key256, cert256, flow="v9/xx", **kw)
    with pytest.raises(gostcms.FormatError, match="code"):
        esia.client_secret(key256, cert256, flow="v3/te", **kw)
    with pytest.raises(gostcms.FormatError, match="code"):
        esia.client_secret(key256, cert256, code="C", **kw)
    with pytest.raises(gostcms.FormatError, match="state"):
        esia.client_secret(key256, cert256, state="not-a-uuid", **kw)
    with pytest.raises(gostcms.FormatError, match="timestamp"):
        esia.client_secret(key256, cert256, timestamp="2021-11-10T12:28:46+03:00", **kw)
    with pytest.raises(gostcms.FormatError, match="naive"):
        esia.client_secret(key256, cert256, timestamp=datetime.datetime(2021, 1, 1), **kw)
    with pytest.raises(gostcms.FormatError):
        esia.client_secret(key256, cert512, **kw)
    with pytest.raises(TypeError):
        esia.client_secret(key256, cert256, "SYS", "openid")
    assert set(esia.FLOWS) == {"v2/ac", "v3/te", "refresh", "ac", "te", "client-credentials"}


@pytest.mark.parametrize("flow,extra", [("ac", {}), ("te", {"code": "C0DE"}), ("client-credentials", {})])
def test_legacy_client_secret_verifies_in_openssl(ossl, tmp_path, key256, cert256, flow, extra):
    s = esia.client_secret(key256, cert256, client_id="TESTAPPLICATION", scope="openid",
                           redirect_uri=REDIRECT, flow=flow, state=STATE, timestamp=TS, **extra)
    assert s.signed_string.startswith("openid" + TS + "TESTAPPLICATION" + STATE)
    der = unb64u(s.client_secret)
    ok, out = ossl.cms_verify(der, s.signed_string.encode(), tmp=tmp_path)
    assert ok and out == s.signed_string.encode()
    ok, _ = ossl.cms_verify(der, s.signed_string.encode() + b"x", tmp=tmp_path)
    assert not ok
    assert gostcms.cms_verify(s.client_secret, s.signed_string.encode()).valid


def test_raw_client_secret_verifies_in_openssl(ossl, tmp_path, key512, cert512):
    s = esia.client_secret(key512, cert512, client_id="TESTAPPLICATION", scope="openid",
                           redirect_uri=REDIRECT)
    pub = tmp_path / "pub.pem"
    cert = tmp_path / "cert.pem"
    cert.write_text(cert512.to_pem())
    pub.write_bytes(ossl.ok("x509", "-in", cert, "-pubkey", "-noout").stdout)
    msg = tmp_path / "msg"
    msg.write_bytes(s.signed_string.encode())
    sig = tmp_path / "sig"
    sig.write_bytes(unb64u(s.client_secret))
    out = ossl.run("dgst", "-md_gost12_512", "-verify", pub, "-signature", sig, msg)
    assert out.returncode == 0 and b"Verified OK" in out.stdout, out


def test_request_data_sign_verifies_in_openssl(ossl, tmp_path, key256, cert256):
    body = json.dumps({"firstName": "Иван", "snils": "000-000-600 06"}, ensure_ascii=False).encode()
    header = esia.request_data_sign(key256, cert256, body)
    assert "=" not in header and "+" not in header and "/" not in header
    ok, out = ossl.cms_verify(unb64u(header), body, tmp=tmp_path)
    assert ok and out == body
    assert gostcms.cms_verify(header, body).valid
    assert esia.request_data(body) == base64.urlsafe_b64encode(body).rstrip(b"=").decode()
    # A str body is signed as its UTF-8 bytes.
    assert gostcms.cms_verify(esia.request_data_sign(key256, cert256, body.decode()), body).valid


def test_uuid_signature(ossl, tmp_path, key256, cert256):
    u = str(uuidlib.uuid4())
    sig = esia.uuid_signature(key256, cert256, u)
    ok, out = ossl.cms_verify(unb64u(sig), u.encode(), tmp=tmp_path)
    assert ok and out == u.encode()
    att = esia.uuid_signature(key256, cert256, u, attached=True, percent_encoded=True)
    assert "%" in att or "+" not in att
    from urllib.parse import unquote

    report = gostcms.cms_verify(unquote(att))
    assert report.valid and report.content == u.encode()
    with pytest.raises(gostcms.FormatError):
        esia.uuid_signature(key256, cert256, "not-a-uuid")


def test_cert_hash_matches_reference():
    ref = json.loads((DATA / "esia_cert_hash.json").read_text())
    for name, want in ref.items():
        cert = gostcms.load_certificate(DATA / name)
        assert esia.cert_hash(cert) == want
        assert esia.cert_hash(cert.der) == want
        assert esia.cert_hash(str(DATA / name)) == want


def test_pkce():
    v, c = esia.pkce()
    assert 43 <= len(v) <= 128 and re.fullmatch(r"[A-Za-z0-9_-]+", v)
    assert c == esia.pkce_challenge(v)
    assert c == base64.urlsafe_b64encode(gostcms.streebog256(v.encode())).rstrip(b"=").decode()
    v2, c2 = esia.pkce("S256")
    assert v2 != v
    # RFC 7636 appendix B.
    assert esia.pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "S256") == \
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    with pytest.raises(gostcms.FormatError):
        esia.pkce("MD5")


ISS = "http://esia.gosuslugi.ru/"


def _claims(**over):
    now = int(time.time())
    c = {"iss": ISS, "client_id": "MYSYSTEM", "sub": 1000299654, "iat": now - 10, "nbf": now - 10,
         "exp": now + 3600, "scope": "openid"}
    c.update(over)
    return c


def test_verify_jwt(key256, cert256, key512, cert512):
    for key, cert in ((key256, cert256), (key512, cert512)):
        token = make_jwt(key, _claims())
        claims = esia.verify_jwt(token, [cert], client_id="MYSYSTEM")
        assert claims["sub"] == 1000299654 and claims["scope"] == "openid"
        assert esia.verify_jwt(token, cert)["iss"] == ISS
    other = gostcms.Certificate.self_signed(gostcms.SigningKey.generate("cryptopro-a"), "CN=not ESIA")
    token = make_jwt(key256, _claims())
    # Either trusted certificate may have signed (ESIA rotates its keys).
    assert esia.verify_jwt(token, [other, cert256])["sub"] == 1000299654
    cases = [
        (make_jwt(key256, _claims()), [other], {}, "signature"),
        (make_jwt(key256, _claims(exp=int(time.time()) - 3600)), [cert256], {}, "expired"),
        (make_jwt(key256, _claims(iss="https://evil.example/")), [cert256], {}, "issuer"),
        (make_jwt(key256, _claims()), [cert256], {"client_id": "OTHER"}, "audience"),
        (make_jwt(key256, _claims(), alg="none"), [cert256], {}, "alg"),
        (make_jwt(key256, _claims(), alg="GOST3410_2012_512"), [cert256], {}, "alg"),
        ("a.b", [cert256], {}, "malformed"),
    ]
    for tok, trust, kw, reason in cases:
        with pytest.raises(gostcms.JwtError, match=f"(?i){reason}"):
            esia.verify_jwt(tok, trust, **kw)
    # Tampered payload.
    h, p, s = make_jwt(key256, _claims()).split(".")
    p2 = base64.urlsafe_b64encode(json.dumps(_claims(sub=1)).encode()).rstrip(b"=").decode()
    with pytest.raises(gostcms.JwtError):
        esia.verify_jwt(f"{h}.{p2}.{s}", [cert256])
    # issuers, now, leeway.
    old = make_jwt(key256, _claims(iss="https://esia-portal1.test.gosuslugi.ru/", exp=1_000_000_000, iat=999_990_000, nbf=999_990_000))
    with pytest.raises(gostcms.JwtError):
        esia.verify_jwt(old, [cert256], issuers=["https://esia-portal1.test.gosuslugi.ru/"])
    at = datetime.datetime.fromtimestamp(999_999_000, datetime.timezone.utc)
    assert esia.verify_jwt(old, [cert256], issuers="https://esia-portal1.test.gosuslugi.ru", now=at)["exp"] == 1_000_000_000
    assert esia.verify_jwt(old, [cert256], issuers=["https://esia-portal1.test.gosuslugi.ru/"], now=1_000_000_050, leeway=60)
    with pytest.raises(gostcms.JwtError, match="expired"):
        esia.verify_jwt(old, [cert256], issuers=["https://esia-portal1.test.gosuslugi.ru/"], now=1_000_000_050, leeway=10)
    with pytest.raises(gostcms.FormatError):
        esia.verify_jwt(token, [])
    assert issubclass(gostcms.JwtError, gostcms.Error)


def test_cert_hash_against_openssl(ossl, tmp_path):
    for name in ("otvconba.cer", "sender512_cert.pem"):
        cert = gostcms.load_certificate(DATA / name)
        der = tmp_path / "c.der"
        der.write_bytes(cert.der)
        out = ossl.ok("dgst", "-md_gost12_256", "-r", der).stdout.decode().split()[0]
        assert esia.cert_hash(cert) == out.upper()
