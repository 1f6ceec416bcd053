//! A fixed workload for instruction-count profiling:
//! `valgrind --tool=callgrind target/release/examples/profile_sign cryptopro-a 200`.

use gostcms::{CurveId, SigningKey};

fn main() {
    let mut args = std::env::args().skip(1);
    let curve: CurveId = args
        .next()
        .unwrap_or_else(|| "cryptopro-a".into())
        .parse()
        .unwrap_or(CurveId::CryptoProA);
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100);
    let op = args.next().unwrap_or_else(|| "sign".into());
    let key = SigningKey::from_scalar_le(curve, &[0x17; 32]).expect("key");
    let digest = vec![0x5a; curve.key_size().coordinate_len()];
    let sig = key.sign_prehash(&digest).expect("sign");
    // Warm-up: builds the per-curve tables outside the measured rounds.
    key.verifying_key()
        .verify_prehash(&digest, &sig)
        .expect("verify");
    for _ in 0..rounds {
        if op == "verify" {
            key.verifying_key()
                .verify_prehash(&digest, &sig)
                .expect("verify");
        } else {
            std::hint::black_box(key.sign_prehash(&digest).expect("sign"));
        }
    }
}
