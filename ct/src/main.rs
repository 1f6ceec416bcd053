//! The constant-time check: run under `valgrind --tool=memcheck` (see
//! `scripts/ct-check.sh`), this program marks every secret byte as
//! *undefined*, then runs key generation, signing, repeated signing, CMS
//! signing and PKCS#8 loading (plain and CryptoPro-masked). Memcheck
//! tracks undefinedness through every computation and reports a
//! conditional jump or a memory address that depends on it: exactly a
//! secret-dependent branch or table index.
//!
//! Public outputs derived from secrets (a signature, a public key) are
//! re-marked defined before anything branches on them: that is the
//! declassification the protocol makes anyway. Branches inside gostcms on
//! values that become public (rejection of a zero scalar or nonce, r = 0 or
//! s = 0) are declassified by name in `ct/declassify.supp`.
//!
//! `--leaky` runs deliberately variable-time code instead (a secret branch,
//! a secret table index, variable-time verification fed a secret), to show
//! the check can fail (the CI script requires it to).
//!
//! This is test tooling, not library code: `unsafe` is needed for the
//! extern calls into the C client-request shim and for getrandom's custom
//! backend, and stays in this file.

use std::sync::atomic::{AtomicU64, Ordering};

use gostcms::cms::{AttributeMode, CmsSigner, SignOptions};
use gostcms::keys;
use gostcms::{CurveId, Signature, SigningKey, VerifyingKey, VkoHash};
use signature::Signer;

unsafe extern "C" {
    fn ct_mark_secret(p: *mut u8, n: usize);
    fn ct_mark_public(p: *mut u8, n: usize);
    fn ct_running_on_valgrind() -> u32;
    fn ct_error_count() -> u32;
}

/// From here on, memcheck treats `bytes` as secret. (`&mut`: the compiler
/// must not keep copies in registers across the request, whose shadow
/// state would not change.)
fn secret(bytes: &mut [u8]) {
    // SAFETY: the shim only passes the range to a valgrind client request.
    unsafe { ct_mark_secret(bytes.as_mut_ptr(), bytes.len()) }
}

/// Declassifies `bytes`: they are public output.
fn public(bytes: &mut [u8]) {
    // SAFETY: as above.
    unsafe { ct_mark_public(bytes.as_mut_ptr(), bytes.len()) }
}

fn errors() -> u32 {
    // SAFETY: a client request without arguments.
    unsafe { ct_error_count() }
}

static RNG_STATE: AtomicU64 = AtomicU64::new(0x6a09_e667_f3bc_c908);

/// getrandom's custom backend: deterministic bytes (splitmix64), every one
/// of them marked secret. Key generation and the nonce's fresh randomness
/// both come from here.
///
/// # Safety
/// `dest` must be valid for writes of `len` bytes (getrandom's contract).
#[unsafe(no_mangle)]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    for i in 0..len {
        let mut z = RNG_STATE
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        // SAFETY: i < len, within the caller's buffer.
        unsafe { dest.add(i).write((z ^ (z >> 31)) as u8) };
    }
    // SAFETY: the buffer was just fully written.
    secret(unsafe { std::slice::from_raw_parts_mut(dest, len) });
    Ok(())
}

/// Runs one step and prints how many memcheck errors it caused.
fn step(total: &mut u32, name: &str, f: impl FnOnce()) {
    let before = errors();
    f();
    let new = errors() - before;
    *total += new;
    println!(
        "{:<48} {}",
        name,
        if new == 0 {
            "ok".into()
        } else {
            format!("{new} ERRORS")
        }
    );
}

/// The public key, declassified, as a key built from public bytes only.
fn public_key(key: &SigningKey) -> VerifyingKey {
    let mut bytes = key.verifying_key().to_le_bytes();
    public(&mut bytes);
    VerifyingKey::from_le_bytes(key.curve(), &bytes).expect("a valid public key")
}

/// Signs, declassifies the signature and checks it with public code.
fn sign_and_check(key: &SigningKey, public_key: &VerifyingKey, msg: &[u8]) {
    let sig = key.sign(msg);
    let mut bytes = sig.as_bytes().to_vec();
    public(&mut bytes);
    let sig = Signature::from_slice(&bytes).expect("signature length");
    public_key
        .verify_message(msg, &sig)
        .expect("signature verifies");
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.extend_from_slice(&[0x81, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// PKCS#8 with the given privateKey octets; only those octets are secret
/// (the DER structure around them is public).
fn pkcs8_with(template: &[u8], scalar_len: usize, private_key: &[u8]) -> (Vec<u8>, usize) {
    // template: SEQUENCE { INTEGER 0, alg, OCTET STRING { raw d } }, short lengths.
    let head = &template[2..template.len() - scalar_len - 2];
    let octets = tlv(0x04, private_key);
    let der = tlv(0x30, &[head, &octets].concat());
    let offset = der.len() - private_key.len();
    (der, offset)
}

fn load_pkcs8(der: &[u8], secret_at: usize) -> SigningKey {
    let mut der = der.to_vec();
    secret(&mut der[secret_at..]);
    let (key, _) = keys::decode_private_key_der(&der).expect("PKCS#8 loads");
    key
}

fn check_curve(total: &mut u32, curve: CurveId) {
    let n = curve.key_size().coordinate_len();
    let mut key = None;
    step(total, &format!("{curve}: keygen"), || {
        key = Some(SigningKey::generate(curve).expect("keygen"));
    });
    let key = key.expect("keygen ran");
    let mut vk = None;
    step(
        total,
        &format!("{curve}: public key (declassified)"),
        || {
            vk = Some(public_key(&key));
        },
    );
    let vk = vk.expect("public key");
    step(
        total,
        &format!("{curve}: sign x3 (repeated signing)"),
        || {
            for msg in [&b"first"[..], b"second", &[0u8; 200]] {
                sign_and_check(&key, &vk, msg);
            }
        },
    );

    step(
        total,
        &format!("{curve}: batch sign x3 (shared inversion)"),
        || {
            let msgs: [&[u8]; 3] = [b"one", b"", &[7u8; 100]];
            let sigs = key.sign_batch(&msgs).expect("batch signs");
            for (msg, sig) in msgs.iter().zip(sigs) {
                let mut bytes = sig.as_bytes().to_vec();
                public(&mut bytes);
                let sig = Signature::from_slice(&bytes).expect("signature length");
                vk.verify_message(msg, &sig)
                    .expect("batch signature verifies");
            }
        },
    );

    step(
        total,
        &format!("{curve}: VKO key agreement (secret d times a peer point)"),
        || {
            let peer = public_key(&SigningKey::generate(curve).expect("peer keygen"));
            let kek = key
                .vko(&peer, &[0x5a; 16], VkoHash::Streebog256)
                .expect("agreement");
            assert_eq!(kek.len(), 32);
        },
    );

    // Loading keys: the scalar bytes are secret from the start.
    let scalar = key.to_scalar_le().to_vec();
    step(total, &format!("{curve}: from_scalar_le + sign"), || {
        let mut bytes = scalar.clone();
        secret(&mut bytes);
        let loaded = SigningKey::from_scalar_le(curve, &bytes).expect("scalar loads");
        assert_eq!(public_key(&loaded), vk);
        sign_and_check(&loaded, &vk, b"loaded");
    });
    let form1 = key.to_pkcs8_der().to_vec();
    step(total, &format!("{curve}: PKCS#8 raw LE(d) + sign"), || {
        let loaded = load_pkcs8(&form1, form1.len() - n);
        assert_eq!(public_key(&loaded), vk);
        sign_and_check(&loaded, &vk, b"pkcs8");
    });
    step(total, &format!("{curve}: PKCS#8 OCTET STRING(d)"), || {
        let (der, at) = pkcs8_with(&form1, n, &tlv(0x04, &scalar));
        let loaded = load_pkcs8(&der, at + 2);
        assert_eq!(public_key(&loaded), vk);
    });
    // Masked: d = k * m mod q; with k = d and m = 1 the key is known.
    let mut one = vec![0u8; n];
    one[0] = 1;
    let masked = [&scalar[..], &one].concat();
    step(
        total,
        &format!("{curve}: PKCS#8 masked k||m (unmasking)"),
        || {
            let (der, at) = pkcs8_with(&form1, n, &masked);
            let loaded = load_pkcs8(&der, at);
            assert_eq!(public_key(&loaded), vk);
        },
    );
    step(
        total,
        &format!("{curve}: PKCS#8 masked SEQUENCE {{k, m}}"),
        || {
            let seq = tlv(0x30, &[tlv(0x04, &scalar), tlv(0x04, &one)].concat());
            let (mut der, at) = pkcs8_with(&form1, n, &seq);
            // Secret: the two components, not the tags and lengths around them.
            let seq_header = seq.len() - 2 * (n + 2);
            let k_at = at + seq_header + 2;
            secret(&mut der[k_at..k_at + n]);
            secret(&mut der[k_at + n + 2..]);
            let (loaded, _) = keys::decode_private_key_der(&der).expect("masked sequence");
            assert_eq!(public_key(&loaded), vk);
        },
    );
}

fn check_cms(total: &mut u32) {
    step(total, "cms: self-signed certificate + CmsSigner x2", || {
        // The key is loaded from a public scalar: its public key must be
        // public for the certificate, and the library has no way to
        // declassify it internally. d's own handling is covered by the
        // per-curve steps; here the nonce (fresh randomness, secret) and
        // the CMS encoding of the resulting signature are checked.
        let key = SigningKey::from_scalar_le(CurveId::Tc26_256A, &[7u8; 32]).expect("key");
        let cert =
            keys::self_signed(&key, "CN=ct,O=gostcms", 30, Some(&[1, 2, 3])).expect("certificate");
        // A certificate is public: declassify its signature.
        let mut der = cert.der().to_vec();
        public(&mut der);
        let cert = keys::Certificate::from_der(&der).expect("certificate parses");
        let signer = CmsSigner::new(key, cert).expect("signer");
        for attributes in [AttributeMode::Standard, AttributeMode::Cades] {
            let options = SignOptions {
                attached: true,
                attributes,
                ..SignOptions::default()
            };
            let mut der = signer.sign(b"cms content", &options).expect("cms sign");
            public(&mut der);
            let report = gostcms::cms::verify(&der, gostcms::cms::Content::Attached, &[])
                .expect("cms parses");
            assert!(report.all_valid());
        }
    });
}

/// A branch on a secret bit: what the check must catch.
#[inline(never)]
fn leaky_branch(secret_bytes: &[u8]) -> u64 {
    let mut acc = 0u64;
    for &b in secret_bytes {
        if b & 1 == 1 {
            acc = std::hint::black_box(acc.wrapping_mul(31).wrapping_add(u64::from(b)));
        } else {
            acc = std::hint::black_box(acc ^ 0x55);
        }
    }
    acc
}

/// A table lookup indexed by a secret byte (the cache-timing pattern of
/// table-based ciphers and hashes).
#[inline(never)]
fn leaky_table_index(secret_bytes: &[u8]) -> u64 {
    static TABLE: [u64; 256] = {
        let mut t = [0u64; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            i += 1;
        }
        t
    };
    let mut acc = 0u64;
    for &b in secret_bytes {
        acc ^= std::hint::black_box(&TABLE)[usize::from(b)];
    }
    acc
}

fn main() {
    // SAFETY: a client request without arguments.
    let on_valgrind = unsafe { ct_running_on_valgrind() } != 0;
    if !on_valgrind {
        eprintln!(
            "ct-check: not running under valgrind: client requests are no-ops, nothing is checked"
        );
    }
    let leaky = std::env::args().any(|a| a == "--leaky");
    let mut total = 0;
    if leaky {
        let data = [0x5au8, 0xa5, 0x01, 0xfe];
        step(&mut total, "leaky: branch on a secret bit", || {
            let mut d = data;
            secret(&mut d);
            let mut out = leaky_branch(&d).to_le_bytes();
            public(&mut out);
            std::hint::black_box(out);
        });
        step(&mut total, "leaky: table indexed by a secret byte", || {
            let mut d = data;
            secret(&mut d);
            let mut out = leaky_table_index(&d).to_le_bytes();
            public(&mut out);
            std::hint::black_box(out);
        });
        step(
            &mut total,
            "leaky: library verification fed a secret",
            || {
                // Verification is variable-time by design (public inputs only);
                // given a secret signature it must light up.
                let key = SigningKey::from_scalar_le(CurveId::CryptoProA, &[7u8; 32]).expect("key");
                let mut sig = key.sign(b"leaky").as_bytes().to_vec();
                secret(&mut sig);
                let sig = Signature::from_slice(&sig).expect("length");
                let result = key.verifying_key().verify_message(b"leaky", &sig).is_ok();
                std::hint::black_box(result);
            },
        );
    } else {
        for curve in CurveId::ALL {
            check_curve(&mut total, curve);
        }
        check_cms(&mut total);
    }
    println!("ct-check: {total} secret-dependent branches or indices reported");
    std::process::exit(if total == 0 { 0 } else { 1 });
}
