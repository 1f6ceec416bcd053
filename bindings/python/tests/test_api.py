"""The contract of docs/bindings.md: every name exists, with the documented
shape; the package ships its stubs and marker."""

import inspect
import pathlib

import pytest

import gostcms
from gostcms import esia


def test_version():
    assert isinstance(gostcms.__version__, str) and gostcms.__version__[0].isdigit()


def test_exception_hierarchy():
    for name in ("InvalidSignature", "WrongPassword", "FormatError", "JwtError"):
        cls = getattr(gostcms, name)
        assert issubclass(cls, gostcms.Error)
    assert issubclass(gostcms.Error, Exception)
    assert issubclass(gostcms.FormatError, ValueError)


def test_contract_names_exist():
    for name in ("load_key", "load_certificate", "SigningKey", "VerifyingKey", "Certificate",
                 "cms_sign", "cms_verify", "VerifyReport", "esia"):
        assert hasattr(gostcms, name), name
    for name in ("generate", "curve", "sign", "sign_batch", "verifying_key", "to_pem"):
        assert hasattr(gostcms.SigningKey, name), name
    assert hasattr(gostcms.VerifyingKey, "verify")
    for name in ("der", "subject", "verifying_key", "not_before", "not_after"):
        assert hasattr(gostcms.Certificate, name), name
    for name in ("valid", "signers"):
        assert hasattr(gostcms.VerifyReport, name), name
    for name in ("valid", "subject", "curve", "signing_time", "reason"):
        assert hasattr(gostcms.Signer, name), name
    for name in ("client_secret", "request_data_sign", "uuid_signature", "cert_hash", "pkce", "verify_jwt"):
        assert callable(getattr(esia, name)), name
    for name in ("client_secret", "state", "timestamp", "client_certificate_hash", "signed_string"):
        assert hasattr(esia.ClientSecret, name), name


def test_esia_signatures():
    sig = inspect.signature(esia.client_secret)
    for kw, default in (("flow", "v2/ac"), ("code", None), ("refresh_token", None), ("scope_org", None),
                        ("state", None), ("timestamp", None)):
        assert sig.parameters[kw].default == default
        assert sig.parameters[kw].kind is inspect.Parameter.KEYWORD_ONLY
    for kw in ("client_id", "scope", "redirect_uri"):
        assert sig.parameters[kw].kind is inspect.Parameter.KEYWORD_ONLY
    assert inspect.signature(esia.pkce).parameters["method"].default == "GOST3411"
    v = inspect.signature(esia.verify_jwt).parameters
    assert v["leeway"].default == 60 and v["client_id"].default is None


def test_keyword_arguments(key256, cert256):
    sig = gostcms.cms_sign(key=key256, cert=cert256, content=b"x", attached=False, signed_attributes=True)
    assert gostcms.cms_verify(signature=sig, content=b"x", trust=None).valid
    assert gostcms.load_key(source=key256.to_pem(), password=None).curve == key256.curve
    assert esia.uuid_signature(key256, cert256, "bbf0aef5-5237-41bc-8cba-291e29a3ade8", attached=False)


def test_package_ships_stubs_and_docstrings():
    pkg = pathlib.Path(gostcms.__file__).parent
    assert (pkg / "py.typed").is_file()
    assert (pkg / "_gostcms.pyi").is_file()
    for obj in (gostcms.load_key, gostcms.load_certificate, gostcms.cms_sign, gostcms.cms_verify,
                gostcms.SigningKey.sign, gostcms.SigningKey.sign_batch, gostcms.VerifyingKey.verify,
                esia.client_secret, esia.verify_jwt, esia.pkce):
        assert obj.__doc__ and len(obj.__doc__) > 20, obj
    assert inspect.signature(gostcms.cms_verify).parameters["trust"].kind is inspect.Parameter.KEYWORD_ONLY
