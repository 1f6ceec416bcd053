"""Signatures per second from Python, to hold beside `gostcms speed`.

    python bench/speed.py [--curve cryptopro-a] [--seconds 2] [--batch 256]

Prints one line per measurement: curve, what, signatures/s, one thread
(`--parallel` adds a batch over every core). `sign` hashes a 32-byte
message first; `sign_digest` signs a fixed digest, as `gostcms speed --op
sign` does; `cms_sign` signs 150 bytes, as `--op cms` does.
"""

import argparse
import time

import gostcms


def rate(fn, arg, per_call, seconds):
    """Calls fn(arg) for about `seconds`; the clock is read every 64 calls."""
    fn(arg)  # warm up
    n = 0
    start = time.perf_counter()
    while True:
        for _ in range(64):
            fn(arg)
        n += 64 * per_call
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--curve", default="cryptopro-a")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--parallel", action="store_true", help="also sign_batch(parallel=True)")
    a = ap.parse_args()
    key = gostcms.SigningKey.generate(a.curve)
    msg = b"client_id scope timestamp state!"
    batch = [msg] * a.batch
    digest = (gostcms.streebog512 if key.bits == 512 else gostcms.streebog256)(msg)
    print(f"{a.curve} sign {rate(key.sign, msg, 1, a.seconds):.0f}/s")
    print(f"{a.curve} sign_digest {rate(key.sign_digest, digest, 1, a.seconds):.0f}/s")
    print(f"{a.curve} sign_batch({a.batch}) {rate(key.sign_batch, batch, a.batch, a.seconds):.0f}/s")
    if a.parallel:
        print(f"{a.curve} sign_batch({a.batch}, parallel) "
              f"{rate(lambda b: key.sign_batch(b, parallel=True), batch, a.batch, a.seconds):.0f}/s")
    cert = gostcms.Certificate.self_signed(key, "CN=bench")
    text = b"x" * 150
    print(f"{a.curve} cms_sign(150 bytes) {rate(lambda t: gostcms.cms_sign(key, cert, t), text, 1, a.seconds):.0f}/s")


if __name__ == "__main__":
    main()
