#!/usr/bin/env python3
"""Builds the hostile key files of docs/limits.md (iteration counts).

  pfx-mac-10m.pfx        vectors/pfx/r50.1.112-2016_example.pfx with its
                         MacData (HMAC-Streebog-512) asking for 10^7 iterations
  pkcs8-pbkdf2-10m.der   EncryptedPrivateKeyInfo, PBES2 with
                         PBKDF2-HMAC-Streebog-512 at 10^7 iterations, AES-256-CBC
                         (the ciphertext is random: the file must be refused
                         before any decryption is tried)

Run from the repository root: python3 tests/data/hostile/make.py
"""
import os

COUNT = 10_000_000


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + length(len(content)) + content


def integer(n):
    b = n.to_bytes((n.bit_length() + 8) // 8, "big")
    return tlv(0x02, b)


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    out = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(enc))
    return tlv(0x06, out)


def read(buf):
    """(tag, content, rest) of the first DER element of buf (definite lengths)."""
    tag = buf[0]
    n = buf[1]
    pos = 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[2:2 + k], "big")
        pos = 2 + k
    return tag, buf[pos:pos + n], buf[pos + n:]


def pfx():
    src = open("vectors/pfx/r50.1.112-2016_example.pfx", "rb").read()
    tag, outer, _ = read(src)
    assert tag == 0x30
    items = []
    rest = outer
    while rest:
        t, c, nxt = read(rest)
        items.append(rest[: len(rest) - len(nxt)])
        rest = nxt
    version, auth_safe, mac_data = items
    _, mac, _ = read(mac_data)
    t1, digest_info, r = read(mac)
    t2, salt, r = read(r)
    mac_data = tlv(0x30, tlv(t1, digest_info) + tlv(t2, salt) + integer(COUNT))
    return tlv(0x30, version + auth_safe + mac_data)


def pkcs8():
    salt = os.urandom(16)
    pbkdf2 = tlv(0x30, oid("1.2.840.113549.1.5.12") + tlv(
        0x30,
        tlv(0x04, salt) + integer(COUNT) + tlv(0x30, oid("1.2.643.7.1.1.4.2") + b"\x05\x00"),
    ))
    aes = tlv(0x30, oid("2.16.840.1.101.3.4.1.42") + tlv(0x04, os.urandom(16)))
    alg = tlv(0x30, oid("1.2.840.113549.1.5.13") + tlv(0x30, pbkdf2 + aes))
    return tlv(0x30, alg + tlv(0x04, os.urandom(80)))


here = "tests/data/hostile"
open(f"{here}/pfx-mac-10m.pfx", "wb").write(pfx())
open(f"{here}/pkcs8-pbkdf2-10m.der", "wb").write(pkcs8())
