"""gostcms: GOST R 34.10-2012 signatures, Streebog, CMS and ESIA (Gosuslugi) signing.

A native extension (Rust): no OpenSSL gost engine, no CryptoPro CSP, no
temporary files or external processes.

    import gostcms
    key = gostcms.load_key("key.pem")                  # or a PFX, or a CryptoPro folder + password=
    cert = gostcms.load_certificate("cert.pem")
    cms = gostcms.cms_sign(key, cert, b"data")         # detached CMS, DER
    assert gostcms.cms_verify(cms, b"data").valid

Every object is immutable and may be shared between threads; signing,
verification and CMS work run without the GIL.
"""

from ._errors import Error, FormatError, InvalidSignature, JwtError, WrongPassword
from ._gostcms import (
    CURVES,
    Certificate,
    Signer,
    SigningKey,
    VerifyingKey,
    VerifyReport,
    __version__,
    cms_sign,
    cms_verify,
    load_certificate,
    load_key,
    streebog256,
    streebog512,
)
from . import esia

__all__ = [
    "__version__",
    "CURVES",
    "Certificate",
    "Error",
    "FormatError",
    "InvalidSignature",
    "JwtError",
    "Signer",
    "SigningKey",
    "VerifyReport",
    "VerifyingKey",
    "WrongPassword",
    "cms_sign",
    "cms_verify",
    "esia",
    "load_certificate",
    "load_key",
    "streebog256",
    "streebog512",
]
