//! CMS detached signing of a client_secret-sized message and its
//! verification, per curve. `cargo bench --bench cms`.

use criterion::{Criterion, criterion_group, criterion_main};
use gostcms::cms::{self, CmsSigner, Content, SignOptions};
use gostcms::{CurveId, SigningKey, keys};
use std::hint::black_box;

/// The 150-byte string of an ESIA client_secret (the guide's example fields).
const MESSAGE: &[u8] = b"TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300bbf0aef5-5237-41bc-8cba-291e29a3ade8https://test.application.ru/auth/api/v1/esia/return";

fn bench_cms(c: &mut Criterion) {
    for curve in [
        CurveId::CryptoProA,
        CurveId::Tc26_256A,
        CurveId::Tc26_512A,
        CurveId::Tc26_512C,
    ] {
        let key = SigningKey::generate(curve).unwrap();
        let cert = keys::self_signed(&key, "CN=bench", 2, None).unwrap();
        let signer = CmsSigner::new(key, cert).unwrap();
        let options = SignOptions::default();
        let sig = signer.sign(MESSAGE, &options).unwrap();
        let mut group = c.benchmark_group(format!("cms/{}", curve.name()));
        group.bench_function("sign-detached", |b| {
            b.iter(|| signer.sign(black_box(MESSAGE), &options).unwrap())
        });
        group.bench_function("verify-detached", |b| {
            b.iter(|| {
                assert!(
                    cms::verify(black_box(&sig), Content::Bytes(MESSAGE), &[])
                        .unwrap()
                        .all_valid()
                )
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = bench_cms
}
criterion_main!(benches);
