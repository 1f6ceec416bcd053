"""A thin ctypes binding of libgostcms (the gostcms C ABI).

Every call checks its gostcms_status and raises GostcmsError with the
library's message; buffers are copied to bytes and freed at once; handles
are freed by close() or a with-block.
"""

import ctypes
from ctypes import POINTER, Structure, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_void_p

OK = 0
ERR_VERIFY_FAILED = 7
ERR_JWT_REJECTED = 8

FLOW_AUTHORIZE, FLOW_TOKEN, FLOW_REFRESH = 0, 1, 2
FLOW_LEGACY_AUTHORIZE, FLOW_LEGACY_TOKEN, FLOW_LEGACY_CLIENT_CREDENTIALS = 3, 4, 5
CMS_ATTACHED, CMS_NO_ATTRIBUTES, CMS_CADES = 1, 2, 4
OUT_BASE64, OUT_BASE64URL, OUT_PEM = 64, 128, 256


class Buffer(Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t)]


class ClientSecretOut(Structure):
    _fields_ = [
        ("client_secret", Buffer),
        ("state", Buffer),
        ("timestamp", Buffer),
        ("client_certificate_hash", Buffer),
        ("signed_string", Buffer),
    ]


class GostcmsError(Exception):
    def __init__(self, status, message):
        super().__init__(f"gostcms status {status}: {message}")
        self.status = status


def _declare(lib):
    P = c_void_p
    sigs = {
        "gostcms_version": ([], c_char_p),
        "gostcms_last_error": ([], c_char_p),
        "gostcms_buffer_free": ([POINTER(Buffer)], None),
        "gostcms_key_load": ([c_char_p, c_size_t, c_char_p, POINTER(P)], c_int),
        "gostcms_key_public_key_pem": ([P, POINTER(Buffer)], c_int),
        "gostcms_key_free": ([P], c_int),
        "gostcms_cert_load": ([c_char_p, c_size_t, POINTER(P)], c_int),
        "gostcms_cert_hash": ([P, POINTER(Buffer)], c_int),
        "gostcms_cert_free": ([P], c_int),
        "gostcms_signer_new": ([P, P, POINTER(P)], c_int),
        "gostcms_signer_free": ([P], c_int),
        "gostcms_raw_sign": ([P, c_char_p, c_size_t, c_uint32, POINTER(Buffer)], c_int),
        "gostcms_cms_sign": ([P, c_char_p, c_size_t, c_uint32, c_int64, POINTER(Buffer)], c_int),
        "gostcms_cms_verify": ([c_char_p, c_size_t, c_char_p, c_size_t, P, c_int64, POINTER(P)], c_int),
        "gostcms_verify_result_json": ([P, POINTER(Buffer)], c_int),
        "gostcms_verify_result_free": ([P], c_int),
        "gostcms_esia_client_secret": (
            [P, c_uint32] + [c_char_p] * 8 + [c_uint32, POINTER(ClientSecretOut)],
            c_int,
        ),
        "gostcms_client_secret_free": ([POINTER(ClientSecretOut)], None),
    }
    for name, (args, res) in sigs.items():
        f = getattr(lib, name)
        f.argtypes, f.restype = args, res


def _text(s):
    return None if s is None else s.encode("utf-8")


class Gostcms:
    """The library: `Gostcms("libgostcms.so")`."""

    def __init__(self, path="libgostcms.so"):
        self.lib = ctypes.CDLL(path)
        _declare(self.lib)

    def version(self):
        return self.lib.gostcms_version().decode()

    def check(self, status):
        if status != OK:
            raise GostcmsError(status, self.lib.gostcms_last_error().decode("utf-8", "replace"))

    def take(self, buf):
        """Copies a gostcms_buffer to bytes and frees it."""
        data = ctypes.string_at(buf.data, buf.len) if buf.data else b""
        self.lib.gostcms_buffer_free(byref(buf))
        return data

    def _handle(self, fn, *args):
        h = c_void_p()
        self.check(fn(*args, byref(h)))
        return h

    def load_key(self, pem, password=None):
        return self._handle(self.lib.gostcms_key_load, pem, len(pem), _text(password))

    def load_cert(self, pem):
        return self._handle(self.lib.gostcms_cert_load, pem, len(pem))

    def signer(self, key, cert):
        return self._handle(self.lib.gostcms_signer_new, key, cert)

    def public_key_pem(self, key):
        buf = Buffer()
        self.check(self.lib.gostcms_key_public_key_pem(key, byref(buf)))
        return self.take(buf)

    def cms_sign(self, signer, data, flags=0, signing_time=0):
        buf = Buffer()
        self.check(self.lib.gostcms_cms_sign(signer, data, len(data), flags, signing_time, byref(buf)))
        return self.take(buf)

    def cms_verify(self, signature, content=None, trust=None, at=0):
        """Returns (valid, report dict); raises on unparsable input."""
        import json

        result = c_void_p()
        status = self.lib.gostcms_cms_verify(
            signature, len(signature), content, 0 if content is None else len(content), trust, at, byref(result)
        )
        if status not in (OK, ERR_VERIFY_FAILED):
            self.check(status)
        buf = Buffer()
        self.check(self.lib.gostcms_verify_result_json(result, byref(buf)))
        report = json.loads(self.take(buf))
        self.check(self.lib.gostcms_verify_result_free(result))
        return status == OK, report

    def client_secret(self, signer, flow, client_id, scope, redirect_uri=None, code=None,
                      refresh_token=None, scope_org=None, state=None, timestamp=None, flags=0):
        """Returns a dict: client_secret, state, timestamp, client_certificate_hash, signed_string."""
        out = ClientSecretOut()
        self.check(self.lib.gostcms_esia_client_secret(
            signer, flow, _text(client_id), _text(scope), _text(scope_org), _text(redirect_uri),
            _text(code), _text(refresh_token), _text(state), _text(timestamp), flags, byref(out)))
        result = {name: ctypes.string_at(getattr(out, name).data, getattr(out, name).len).decode()
                  for name, _ in ClientSecretOut._fields_}
        self.lib.gostcms_client_secret_free(byref(out))
        return result

    def free(self, kind, handle):
        self.check(getattr(self.lib, f"gostcms_{kind}_free")(handle))
