"""Shared helpers of the gostcms pytest suite.

The suite runs against the installed package (run pytest from outside the
source tree). OpenSSL with Debian's gost engine is the independent oracle:
without it the interop tests skip loudly, or fail when the environment
variable CI is set (as the Rust tests do). OPENSSL_CONF is set on each
openssl child process only, never for this process.
"""

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import gostcms

DATA = Path(__file__).resolve().parent / "data"
OSSL_CNF = DATA / "ossl.cnf"

# OpenSSL gost engine parameter sets and the matching gostcms curve names.
OSSL_CURVES = [
    (256, "A", "cryptopro-a"),
    (256, "B", "cryptopro-b"),
    (256, "XA", "cryptopro-xcha"),
    (256, "TCA", "tc26-256-a"),
    (512, "A", "tc26-512-a"),
    (512, "C", "tc26-512-c"),
]


class Ossl:
    """openssl with the gost engine configured for the child process only."""

    def __init__(self, conf):
        self.env = dict(os.environ, OPENSSL_CONF=str(conf))

    def run(self, *args, input=None):
        return subprocess.run(
            ["openssl", *map(str, args)], env=self.env, input=input, capture_output=True
        )

    def ok(self, *args, input=None):
        out = self.run(*args, input=input)
        assert out.returncode == 0, (
            f"openssl {' '.join(map(str, args))}\nexit {out.returncode}\n"
            f"stdout: {out.stdout.decode(errors='replace')}\nstderr: {out.stderr.decode(errors='replace')}"
        )
        return out

    def keycert(self, tmp, bits, paramset):
        """A fresh OpenSSL key and self-signed certificate (PEM files)."""
        key = Path(tmp) / f"ossl-{bits}-{paramset}.key.pem"
        cert = Path(tmp) / f"ossl-{bits}-{paramset}.cert.pem"
        self.ok(
            "req", "-x509", "-newkey", f"gost2012_{bits}", "-pkeyopt", f"paramset:{paramset}",
            "-nodes", "-keyout", key, "-out", cert,
            "-subj", f"/CN=OpenSSL {bits} {paramset}/O=gostcms python", "-days", "30",
        )
        return key, cert

    def cms_verify(self, sig_der, content=None, tmp=None):
        """`openssl cms -verify -noverify` of DER bytes; returns (ok, stdout)."""
        sig = Path(tmp) / "sig.der"
        sig.write_bytes(sig_der)
        args = ["cms", "-verify", "-binary", "-noverify", "-inform", "DER", "-in", sig]
        if content is not None:
            c = Path(tmp) / "content.bin"
            c.write_bytes(content)
            args += ["-content", c]
        out = self.run(*args)
        return out.returncode == 0, out.stdout


def _engine_works(o):
    if shutil.which("openssl") is None:
        return False
    try:
        out = o.run("genpkey", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A")
    except OSError:
        return False
    return out.returncode == 0


@pytest.fixture(scope="session")
def ossl():
    o = Ossl(OSSL_CNF)
    if not _engine_works(o):
        hint = "apt-get install -y openssl libengine-gost-openssl"
        if os.environ.get("CI"):
            pytest.fail(f"openssl with the gost engine is required in CI ({hint})")
        pytest.skip(f"!!!!!!!! SKIPPED: openssl with the gost engine not available ({hint})")
    return o


@pytest.fixture(scope="session")
def key256():
    return gostcms.load_key(DATA / "sender256_key.pem")


@pytest.fixture(scope="session")
def cert256():
    return gostcms.load_certificate(DATA / "sender256_cert.pem")


@pytest.fixture(scope="session")
def key512():
    return gostcms.load_key(DATA / "sender512_key.pem")


@pytest.fixture(scope="session")
def cert512():
    return gostcms.load_certificate(DATA / "sender512_cert.pem")


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_jwt(key, claims, alg=None, header_extra=None):
    """A compact JWS signed with a GOST key the way ESIA signs (s||r, Streebog
    of the key's size over the ASCII signing input)."""
    alg = alg or ("GOST3410_2012_512" if key.bits == 512 else "GOST3410_2012_256")
    header = {"alg": alg, "typ": "JWT", "sbt": "access", "ver": 1}
    header.update(header_extra or {})
    signing_input = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode())
    return signing_input + "." + b64u(key.sign(signing_input.encode()))
