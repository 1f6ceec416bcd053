"""gostcms from Python (ctypes): sign an ESIA client_secret, sign a document
as CMS, verify a CMS made by someone else (OpenSSL in the tests).

usage: esia_example.py LIBGOSTCMS KEY.pem CERT.pem SIGNATURE.cms CONTENT OUT_DIR

Writes to OUT_DIR: client_secret.txt, signed_string.txt, pub.pem (for
`openssl dgst -verify`), signature.der over document.txt (for
`openssl cms -verify`). run-tests.sh checks them with OpenSSL.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gostcms import FLOW_AUTHORIZE, Gostcms, GostcmsError  # noqa: E402


def main(lib_path, key_path, cert_path, cms_path, content_path, out_dir):
    g = Gostcms(lib_path)
    print("gostcms", g.version())
    key = g.load_key(open(key_path, "rb").read())
    cert = g.load_cert(open(cert_path, "rb").read())
    signer = g.signer(key, cert)

    secret = g.client_secret(
        signer, FLOW_AUTHORIZE, "TESTAPPLICATION", "openid",
        redirect_uri="https://test.application.ru/auth/api/v1/esia/return",
    )
    print("client_secret:", secret["client_secret"])
    print("state:", secret["state"], "timestamp:", secret["timestamp"])
    print("client_certificate_hash:", secret["client_certificate_hash"])
    assert len(secret["state"]) == 36 and len(secret["client_certificate_hash"]) == 64
    assert secret["signed_string"].startswith("TESTAPPLICATIONopenid" + secret["timestamp"] + secret["state"])

    document = "Заявление №1: подписано gostcms через ctypes.\n".encode()
    signature = g.cms_sign(signer, document)
    valid, _ = g.cms_verify(signature, document)
    assert valid

    cms = open(cms_path, "rb").read()
    content = open(content_path, "rb").read()
    valid, report = g.cms_verify(cms, content)
    print("verify OpenSSL's CMS:", report)
    assert valid and report["signers"][0]["valid"]
    valid, report = g.cms_verify(cms, content + b"tampered")
    assert not valid and "digest mismatch" in report["signers"][0]["error"]
    try:
        g.cms_verify(b"not a signature")
        raise AssertionError("garbage verified")
    except GostcmsError as e:
        print("garbage rejected:", e)

    files = {
        "client_secret.txt": secret["client_secret"].encode(),
        "signed_string.txt": secret["signed_string"].encode(),
        "pub.pem": g.public_key_pem(key),
        "signature.der": signature,
        "document.txt": document,
    }
    for name, data in files.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    g.free("signer", signer)
    g.free("cert", cert)
    g.free("key", key)
    print("python example: OK")


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    main(*sys.argv[1:])
