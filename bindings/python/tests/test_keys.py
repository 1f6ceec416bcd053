"""Keys and certificates: generation, loading from every source, raw
signatures checked by OpenSSL and back, errors, repr, threads."""

import datetime
import os
import pathlib
import threading

import pytest

import gostcms
from conftest import DATA, OSSL_CURVES

CONTAINER_PIN = "1xqoyc4e"  # vectors/cryptopro/ilimurzin-esia/meta.json
PFX_PASSWORD = "Пароль для PFX"  # vectors/pfx/password.txt


@pytest.mark.parametrize("curve", gostcms.CURVES)
def test_generate_sign_verify_every_curve(curve):
    key = gostcms.SigningKey.generate(curve)
    assert key.curve == curve
    sig = key.sign(b"client_id scope timestamp state")
    assert len(sig) == key.bits // 4
    vk = key.verifying_key()
    assert vk.curve == curve
    assert vk.verify(b"client_id scope timestamp state", sig) is None
    with pytest.raises(gostcms.InvalidSignature):
        vk.verify(b"client_id scope timestamp statE", sig)
    bad = bytearray(sig)
    bad[5] ^= 1
    with pytest.raises(gostcms.InvalidSignature):
        vk.verify(b"client_id scope timestamp state", bytes(bad))
    with pytest.raises(gostcms.InvalidSignature):
        vk.verify(b"x", sig[:-1])


def test_generate_accepts_oid_and_rejects_unknown():
    assert gostcms.SigningKey.generate("1.2.643.7.1.2.1.1.1").curve == "tc26-256-a"
    with pytest.raises(gostcms.FormatError, match="curve"):
        gostcms.SigningKey.generate("secp256r1")


def test_pem_round_trip_and_inputs(tmp_path, key256):
    pem = key256.to_pem()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    again = gostcms.load_key(pem.encode())
    assert again.verifying_key() == key256.verifying_key()
    # PEM text given as str, a str path, a PathLike and bytearray / memoryview.
    assert gostcms.load_key(pem).verifying_key() == key256.verifying_key()
    p = tmp_path / "k.pem"
    p.write_text(pem)
    assert gostcms.load_key(str(p)).verifying_key() == key256.verifying_key()
    assert gostcms.load_key(p).verifying_key() == key256.verifying_key()
    assert gostcms.load_key(bytearray(pem.encode())).verifying_key() == key256.verifying_key()
    assert gostcms.load_key(memoryview(pem.encode())).verifying_key() == key256.verifying_key()
    # Signing takes bytes-like messages.
    sig = key256.sign(bytearray(b"abc"))
    key256.verifying_key().verify(memoryview(b"abc"), sig)


def test_cryptopro_container_with_pin():
    folder = DATA / "otvconba.000"
    key = gostcms.load_key(folder, password=CONTAINER_PIN)
    cert = gostcms.load_certificate(DATA / "otvconba.cer")
    assert key.verifying_key() == cert.verifying_key()
    assert key.certificate is None or key.certificate == cert
    # The same key as an encrypted PKCS#8 (password "test").
    enc = gostcms.load_key(DATA / "otvconba_encrypted.pem", password="test")
    assert enc.verifying_key() == cert.verifying_key()
    # str path to the folder, PIN as bytes.
    assert gostcms.load_key(str(folder), password=CONTAINER_PIN.encode()).verifying_key() == cert.verifying_key()
    sig = key.sign(b"container")
    cert.verifying_key().verify(b"container", sig)


def test_wrong_and_missing_password():
    with pytest.raises(gostcms.WrongPassword) as e:
        gostcms.load_key(DATA / "otvconba.000", password="wrong")
    assert "PIN" in str(e.value) or "pin" in str(e.value)
    with pytest.raises(gostcms.WrongPassword, match="no password"):
        gostcms.load_key(DATA / "otvconba.000")
    with pytest.raises(gostcms.WrongPassword):
        gostcms.load_key(DATA / "otvconba_encrypted.pem", password="nope")
    with pytest.raises(gostcms.WrongPassword, match="no password"):
        gostcms.load_key(DATA / "otvconba_encrypted.pem")
    with pytest.raises(gostcms.WrongPassword):
        gostcms.load_key(DATA / "r50.1.112-2016_example.pfx", password="wrong")
    assert issubclass(gostcms.WrongPassword, gostcms.Error)


def test_pfx():
    key = gostcms.load_key((DATA / "r50.1.112-2016_example.pfx").read_bytes(), password=PFX_PASSWORD)
    assert key.bits == 256
    assert key.certificate is not None
    assert key.certificate.verifying_key() == key.verifying_key()


def test_garbage_is_a_format_error(tmp_path):
    for junk in [b"", b"garbage", b"\x30\x03\x02\x01\x05", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"]:
        with pytest.raises(gostcms.FormatError):
            gostcms.load_key(junk)
        with pytest.raises(gostcms.FormatError):
            gostcms.load_certificate(junk)
    with pytest.raises(gostcms.FormatError):
        gostcms.load_key(tmp_path / "missing.pem")
    with pytest.raises(TypeError):
        gostcms.load_key(12345)
    # FormatError is also a ValueError.
    with pytest.raises(ValueError):
        gostcms.load_certificate(b"junk")
    # A certificate is not a key and vice versa.
    with pytest.raises(gostcms.FormatError):
        gostcms.load_key(DATA / "sender256_cert.pem")


def test_certificate_fields(cert256, key256):
    assert cert256.subject == "CN=ORIGINATOR: GOST 34.10-12 256-bit,O=TK26" or "ORIGINATOR" in cert256.subject
    assert cert256.der[0] == 0x30
    assert gostcms.load_certificate(cert256.der) == cert256
    assert gostcms.load_certificate(cert256.to_pem()) == cert256
    nb, na = cert256.not_before, cert256.not_after
    assert nb.tzinfo is not None and nb.utcoffset() == datetime.timedelta(0)
    assert nb == datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
    assert na == datetime.datetime(2049, 12, 31, tzinfo=datetime.timezone.utc)
    assert cert256.verifying_key() == key256.verifying_key()
    assert "ORIGINATOR" in repr(cert256)
    assert isinstance(cert256.serial, str) and isinstance(cert256.issuer, str)


def test_self_signed():
    key = gostcms.SigningKey.generate("tc26-512-a")
    cert = gostcms.Certificate.self_signed(key, "CN=Python test,O=gostcms", days=10)
    assert cert.subject == "CN=Python test,O=gostcms"
    assert cert.verifying_key() == key.verifying_key()
    assert (cert.not_after - cert.not_before).days in (9, 10)


def test_repr_shows_no_secret(key256):
    text = repr(key256)
    assert "cryptopro-a" in text or key256.curve in text
    assert key256.verifying_key().fingerprint in text
    scalar_pem = key256.to_pem()
    body = "".join(scalar_pem.splitlines()[1:-1])
    for chunk in (body[i : i + 12] for i in range(0, len(body) - 12, 12)):
        assert chunk not in text
    assert "PRIVATE" not in text
    assert str(key256) == text
    import pickle

    with pytest.raises(Exception):
        pickle.dumps(key256)


def test_verifying_key_bytes(key256):
    vk = key256.verifying_key()
    raw = vk.to_bytes()
    assert len(raw) == 64
    assert gostcms.VerifyingKey.from_bytes(vk.curve, raw) == vk
    assert hash(gostcms.VerifyingKey.from_bytes(vk.curve, raw)) == hash(vk)
    with pytest.raises(gostcms.FormatError):
        gostcms.VerifyingKey.from_bytes(vk.curve, b"\x01" * 64)


def test_sign_batch(key256, key512):
    for key in (key256, key512):
        msgs = [bytes([i]) * i for i in range(100)]
        sigs = key.sign_batch(msgs)
        assert len(sigs) == 100
        vk = key.verifying_key()
        for m, s in zip(msgs, sigs):
            vk.verify(m, s)
        assert len(set(sigs)) == 100
        par = key.sign_batch(iter(msgs), parallel=True)
        for m, s in zip(msgs, par):
            vk.verify(m, s)
    assert key256.sign_batch([]) == []
    with pytest.raises(TypeError):
        key256.sign_batch([b"ok", 5])


def test_sign_digest(key256):
    digest = gostcms.streebog256(b"abc")
    sig = key256.sign_digest(digest)
    key256.verifying_key().verify(b"abc", sig)
    with pytest.raises(gostcms.FormatError):
        key256.sign_digest(b"short")


def test_streebog_vectors():
    # GOST R 34.11-2012 M1 and the empty string (vectors/streebog).
    m1 = b"012345678901234567890123456789012345678901234567890123456789012"
    assert gostcms.streebog256(m1).hex() == "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"
    assert gostcms.streebog256(b"").hex() == "3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb"
    assert gostcms.streebog512(m1).hex().startswith("1b54d01a4af5b9d5cc3d86d68d285462")


def test_threads_share_one_key(key256):
    """Eight threads sign with one key at once; every signature verifies."""
    vk = key256.verifying_key()
    results = {}
    errors = []
    barrier = threading.Barrier(8)

    def work(n):
        try:
            barrier.wait()
            out = []
            for i in range(40):
                msg = f"thread {n} message {i}".encode()
                out.append((msg, key256.sign(msg)))
            out.append((b"batch", key256.sign_batch([b"batch"] * 8)[n % 8]))
            results[n] = out
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 8
    sigs = set()
    for out in results.values():
        for msg, sig in out:
            vk.verify(msg, sig)
            sigs.add(sig)
    assert len(sigs) == 8 * 41


@pytest.mark.parametrize("bits,paramset,curve", OSSL_CURVES)
def test_raw_signatures_against_openssl(ossl, tmp_path, bits, paramset, curve):
    key_path, cert_path = ossl.keycert(tmp_path, bits, paramset)
    key = gostcms.load_key(key_path)
    cert = gostcms.load_certificate(cert_path)
    assert key.curve == curve
    assert key.verifying_key() == cert.verifying_key()
    pub = tmp_path / "pub.pem"
    pub.write_bytes(ossl.ok("x509", "-in", cert_path, "-pubkey", "-noout").stdout)
    md = f"-md_gost12_{bits}"
    msg = tmp_path / "msg"
    msg.write_bytes(b"gostcms python \x00\xff" * 7)
    # Ours, checked by OpenSSL.
    sig = tmp_path / "sig"
    sig.write_bytes(key.sign(msg.read_bytes()))
    out = ossl.run("dgst", md, "-verify", pub, "-signature", sig, msg)
    assert out.returncode == 0 and b"Verified OK" in out.stdout, out
    # OpenSSL's, checked by us.
    theirs = tmp_path / "theirs"
    ossl.ok("dgst", md, "-sign", key_path, "-out", theirs, msg)
    cert.verifying_key().verify(msg.read_bytes(), theirs.read_bytes())
    with pytest.raises(gostcms.InvalidSignature):
        cert.verifying_key().verify(msg.read_bytes() + b"!", theirs.read_bytes())
