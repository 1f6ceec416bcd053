#!/usr/bin/env python3
"""Writes vectors/gost3410/small_order.json: points of order 2 and 4, and a
generator plus an order-2 point (order 2q), on the two cofactor-4 curves
(tc26-256-A, tc26-512-C), computed from the twisted Edwards parameters e, d
in vectors/gost3410/curves.json (RFC 7836 / TC26), not from gostcms.

Edwards (0, -1) has order 2 and maps to the Weierstrass point (t, 0);
with e = 1, Edwards (1, 0) has order 4 and maps to (s + t, s), where
s = (e - d) / 4, t = (e + d) / 6 (the map given in curves.json)."""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
curves = json.loads((root / "vectors/gost3410/curves.json").read_text())["curves"]
out = {
    "description": __doc__.strip(),
    "byte_convention": "public_key_le_hex is LE(X) || LE(Y), the SubjectPublicKeyInfo octets",
    "points": [],
}
for c in curves:
    if c["cofactor"] != 4:
        continue
    p, a, b = (int(c[k], 16) for k in ("p", "a", "b"))
    e, d = int(c["edwards"]["e"], 16), int(c["edwards"]["d"], 16)
    assert e == 1
    inv = lambda x: pow(x, p - 2, p)
    s, t = (e - d) * inv(4) % p, (e + d) * inv(6) % p
    assert (s * s - 3 * t * t) % p == a and (2 * t**3 - t * s * s) % p == b
    on_curve = lambda x, y: (y * y - (x**3 + a * x + b)) % p == 0

    def add(P, Q):
        (x1, y1), (x2, y2) = P, Q
        if P == Q:
            lam = (3 * x1 * x1 + a) * inv(2 * y1) % p
        else:
            lam = (y2 - y1) * inv(x2 - x1) % p
        x3 = (lam * lam - x1 - x2) % p
        return x3, (lam * (x1 - x3) - y1) % p

    order2 = (t, 0)
    order4 = ((s + t) % p, s)
    assert add(order4, order4) == order2
    g = (int(c["Gx"], 16), int(c["Gy"], 16))
    mixed = add(g, order2)
    n = 32 if p.bit_length() <= 256 else 64
    le = lambda P: P[0].to_bytes(n, "little").hex() + P[1].to_bytes(n, "little").hex()
    for name, P in (("order 2", order2), ("order 4", order4), ("G + order-2 point (order 2q)", mixed)):
        assert on_curve(*P)
        out["points"].append({"curve_oid": c["oid"], "curve": c["name"], "what": name, "public_key_le_hex": le(P)})
(root / "vectors/gost3410/small_order.json").write_text(json.dumps(out, indent=1) + "\n")
print(f"{len(out['points'])} points")
