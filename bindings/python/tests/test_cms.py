"""CMS SignedData: ours checked by OpenSSL, OpenSSL's checked by ours,
every accepted encoding, and reports that never raise."""

import base64
import datetime

import pytest

import gostcms
from conftest import DATA, OSSL_CURVES

CONTENT = b"gostcms python\r\n\x00 \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82" * 20


def test_round_trip_detached_and_attached(key256, cert256):
    sig = gostcms.cms_sign(key256, cert256, CONTENT)
    assert sig[0] == 0x30
    report = gostcms.cms_verify(sig, CONTENT)
    assert report.valid and bool(report)
    assert report.error is None
    assert report.content is None
    [s] = report.signers
    assert s.valid and s.reason is None
    assert s.subject == cert256.subject
    assert s.curve == key256.curve
    assert isinstance(s.signing_time, datetime.datetime)
    assert s.signing_time.utcoffset() == datetime.timedelta(0)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - s.signing_time).total_seconds()) < 600
    assert s.certificate == cert256
    assert report.certificates == [cert256]

    att = gostcms.cms_sign(key256, cert256, CONTENT, attached=True)
    report = gostcms.cms_verify(att)
    assert report.valid and report.content == CONTENT


def test_without_signed_attributes(key512, cert512):
    sig = gostcms.cms_sign(key512, cert512, CONTENT, signed_attributes=False)
    report = gostcms.cms_verify(sig, content=CONTENT)
    assert report.valid
    assert report.signers[0].signing_time is None
    assert report.signers[0].curve == key512.curve
    cades = gostcms.cms_sign(key512, cert512, CONTENT, cades=True)
    assert gostcms.cms_verify(cades, CONTENT).valid


def test_every_encoding(key256, cert256):
    der = gostcms.cms_sign(key256, cert256, CONTENT)
    b64 = base64.b64encode(der)
    url = base64.urlsafe_b64encode(der).rstrip(b"=")
    pem = b"-----BEGIN CMS-----\n" + b"\n".join(b64[i : i + 64] for i in range(0, len(b64), 64)) + b"\n-----END CMS-----\n"
    for form in (der, b64, url, pem, b64.decode(), url.decode(), pem.decode()):
        assert gostcms.cms_verify(form, CONTENT).valid, form[:20]


def test_invalid_never_raises(key256, cert256):
    sig = gostcms.cms_sign(key256, cert256, CONTENT)
    report = gostcms.cms_verify(sig, CONTENT + b"x")
    assert not report.valid and not bool(report)
    assert report.signers[0].valid is False
    assert "digest" in report.signers[0].reason
    # Detached without content.
    report = gostcms.cms_verify(sig)
    assert not report.valid
    assert "content" in report.signers[0].reason
    # Tampered signature value: every byte of the tail.
    for i in range(1, 40):
        bad = bytearray(sig)
        bad[-i] ^= 0x01
        assert not gostcms.cms_verify(bytes(bad), CONTENT).valid
    # Garbage of every kind gives a report, not an exception.
    for junk in (b"", b"garbage", b"\x30\x80", "%%%", b"\x30\x03\x02\x01\x05", sig[:100]):
        report = gostcms.cms_verify(junk, CONTENT)
        assert report.valid is False
        assert report.error
        assert report.signers == []


def test_key_must_match_certificate(key256, cert512):
    with pytest.raises(gostcms.FormatError, match="key"):
        gostcms.cms_sign(key256, cert512, b"x")


def test_trust_anchors(key256, cert256):
    other_key = gostcms.SigningKey.generate("cryptopro-a")
    other = gostcms.Certificate.self_signed(other_key, "CN=Other")
    sig = gostcms.cms_sign(key256, cert256, CONTENT)
    # The test certificate is signed by the TK26 root (not here): trusting
    # itself makes it an anchor.
    assert gostcms.cms_verify(sig, CONTENT, trust=[cert256]).valid
    assert gostcms.cms_verify(sig, CONTENT, trust=cert256).valid
    report = gostcms.cms_verify(sig, CONTENT, trust=[other])
    assert not report.valid and report.signers[0].reason
    mine = gostcms.Certificate.self_signed(other_key, "CN=Mine", days=1)
    sig2 = gostcms.cms_sign(other_key, mine, CONTENT)
    assert gostcms.cms_verify(sig2, CONTENT, trust=[mine]).valid
    far = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)
    report = gostcms.cms_verify(sig2, CONTENT, trust=[mine], at=far)
    assert not report.valid and "not valid at" in report.signers[0].reason


def test_guide_request_data_sign_ber():
    """The ESIA guide's Request-Data-Sign: BER, RSA, an expired certificate."""
    sig = (DATA / "request_data_sign.ber").read_bytes()
    content = (DATA / "request_data.json").read_bytes()
    report = gostcms.cms_verify(sig, content)
    assert report.valid, report.signers
    assert "Test Rest System" in report.signers[0].subject
    assert report.signers[0].signing_time == datetime.datetime(2017, 6, 20, 15, 50, 55, tzinfo=datetime.timezone.utc)
    assert not gostcms.cms_verify(sig, content[:-1]).valid


@pytest.mark.parametrize("bits,paramset,curve", OSSL_CURVES)
def test_openssl_verifies_ours(ossl, tmp_path, bits, paramset, curve):
    key = gostcms.SigningKey.generate(curve)
    cert = gostcms.Certificate.self_signed(key, f"CN=gostcms python {curve}")
    for attached in (False, True):
        for attrs in (True, False):
            sig = gostcms.cms_sign(key, cert, CONTENT, attached=attached, signed_attributes=attrs)
            ok, out = ossl.cms_verify(sig, None if attached else CONTENT, tmp=tmp_path)
            assert ok, f"{curve} attached={attached} attrs={attrs}: openssl rejects our SignedData"
            assert out == CONTENT
            if not attached:
                ok, _ = ossl.cms_verify(sig, CONTENT + b"!", tmp=tmp_path)
                assert not ok, f"{curve}: openssl accepted altered content"


@pytest.mark.parametrize("bits,paramset,curve", OSSL_CURVES)
def test_we_verify_openssl(ossl, tmp_path, bits, paramset, curve):
    key_path, cert_path = ossl.keycert(tmp_path, bits, paramset)
    content = tmp_path / "content"
    content.write_bytes(CONTENT)
    cert = gostcms.load_certificate(cert_path)
    for extra, attached in (([], False), (["-nodetach"], True), (["-noattr"], False)):
        out = tmp_path / "sig.der"
        ossl.ok("cms", "-sign", "-binary", "-signer", cert_path, "-inkey", key_path,
                "-in", content, "-out", out, "-outform", "DER", *extra)
        sig = out.read_bytes()
        report = gostcms.cms_verify(sig, None if attached else CONTENT)
        assert report.valid, (curve, extra, report.signers)
        assert report.signers[0].curve == curve
        assert report.signers[0].certificate == cert
        if attached:
            assert report.content == CONTENT
        else:
            assert not gostcms.cms_verify(sig, CONTENT[:-1]).valid
    # PEM output of openssl, streamed BER.
    out = tmp_path / "sig.pem"
    ossl.ok("cms", "-sign", "-binary", "-signer", cert_path, "-inkey", key_path,
            "-in", content, "-out", out, "-outform", "PEM")
    assert gostcms.cms_verify(out.read_text(), CONTENT).valid
    out = tmp_path / "sig.ber"
    ossl.ok("cms", "-sign", "-binary", "-nodetach", "-stream", "-signer", cert_path, "-inkey", key_path,
            "-in", content, "-out", out, "-outform", "DER")
    report = gostcms.cms_verify(out.read_bytes())
    assert report.valid and report.content == CONTENT


def test_one_key_with_two_certificates(key256, cert256):
    """A key keeps the signer of its last certificate; another one is used as given."""
    other = gostcms.Certificate.self_signed(key256, "CN=Second certificate of the same key")
    for cert in (cert256, other, cert256, other):
        report = gostcms.cms_verify(gostcms.cms_sign(key256, cert, CONTENT), CONTENT)
        assert report.valid and report.signers[0].certificate == cert
