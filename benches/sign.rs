//! Sign, verify, verify with a prepared (cached) key, and batch signing per
//! curve (criterion). `cargo bench --bench sign`; on a CPU with AVX-512
//! IFMA, `GOSTCMS_PORTABLE=1 cargo bench --bench sign -- batch` measures
//! batch signing with the scalar comb instead of the eight-lane one (and
//! every other fast path off too).

use criterion::{Criterion, criterion_group, criterion_main};
use gostcms::{CurveId, SigningKey};
use std::hint::black_box;

const CURVES: [CurveId; 7] = [
    CurveId::CryptoProA,
    CurveId::CryptoProB,
    CurveId::CryptoProC,
    CurveId::Tc26_256A,
    CurveId::Tc26_512A,
    CurveId::Tc26_512B,
    CurveId::Tc26_512C,
];

fn bench_sign_verify(c: &mut Criterion) {
    for curve in CURVES {
        let key = SigningKey::generate(curve).unwrap();
        let digest = vec![0x5a; curve.key_size().coordinate_len()];
        let sig = key.sign_prehash(&digest).unwrap();
        let vk = *key.verifying_key();
        let mut group = c.benchmark_group(curve.name());
        group.bench_function("sign", |b| {
            b.iter(|| key.sign_prehash(black_box(&digest)).unwrap())
        });
        group.bench_function("verify", |b| {
            b.iter(|| vk.verify_prehash(black_box(&digest), &sig).unwrap())
        });
        let prepared = vk.prepare().unwrap();
        group.bench_function("verify-prepared", |b| {
            b.iter(|| prepared.verify_prehash(black_box(&digest), &sig).unwrap())
        });
        group.bench_function("verify-cached", |b| {
            b.iter(|| vk.verify_prehash_cached(black_box(&digest), &sig).unwrap())
        });
        group.bench_function("prepare", |b| b.iter(|| vk.prepare().unwrap()));
        // 64 digests: one shared inversion; time per batch.
        let digests: Vec<Vec<u8>> = (0..64u8)
            .map(|i| vec![i; curve.key_size().coordinate_len()])
            .collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        group.bench_function("batch64", |b| {
            b.iter(|| key.sign_prehash_batch(black_box(&refs)).unwrap())
        });
        group.bench_function("batch64-rayon", |b| {
            b.iter(|| key.par_sign_prehash_batch(black_box(&refs)).unwrap())
        });
        group.bench_function("keygen", |b| {
            b.iter(|| SigningKey::generate(curve).unwrap())
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = bench_sign_verify
}
criterion_main!(benches);
