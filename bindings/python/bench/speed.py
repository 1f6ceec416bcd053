"""Signatures per second from Python, to hold beside `gostcms speed`.

    python bench/speed.py [--curve cryptopro-a] [--seconds 2] [--batch 256]

Prints one line per measurement: curve, what, signatures/s. Single thread;
the message is 32 bytes (an ESIA client_secret string is ~150: Streebog of
either is a small part of a signature).
"""

import argparse
import time

import gostcms


def rate(fn, per_call, seconds):
    fn()  # warm up
    n = 0
    start = time.perf_counter()
    while True:
        fn()
        n += per_call
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--curve", default="cryptopro-a")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--batch", type=int, default=256)
    a = ap.parse_args()
    key = gostcms.SigningKey.generate(a.curve)
    msg = b"client_id scope timestamp state!"
    batch = [msg] * a.batch
    sign = key.sign
    print(f"{a.curve} sign {rate(lambda: sign(msg), 1, a.seconds):.0f}/s")
    print(f"{a.curve} sign_batch({a.batch}) {rate(lambda: key.sign_batch(batch), a.batch, a.seconds):.0f}/s")
    print(f"{a.curve} sign_batch({a.batch}, parallel) "
          f"{rate(lambda: key.sign_batch(batch, parallel=True), a.batch, a.seconds):.0f}/s")


if __name__ == "__main__":
    main()
