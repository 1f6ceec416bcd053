//! KDF_GOSTR3411_2012_256 and KDF_TREE_GOSTR3411_2012_256 (RFC 7836
//! section 4.5 / R 1323565.1.022-2018), shared by EnvelopedData (KEG) and
//! the key-import formats:
//! `K(i) = HMAC-Streebog-256(K_in, [i] || label || 0x00 || seed || [L])`.

use digest::{KeyInit, Mac};
use zeroize::{Zeroize, Zeroizing};

/// KDF_GOSTR3411_2012_256(K, label, seed) = HMAC-Streebog-256(K,
/// 0x01 || label || 0x00 || seed || 0x01 0x00).
pub(crate) fn kdf_gostr3411_2012_256(key: &[u8], label: &[u8], seed: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac = <crate::hash::HmacStreebog256 as KeyInit>::new_from_slice(key)
        .expect("HMAC takes keys of any length");
    mac.update(&[0x01]);
    mac.update(label);
    mac.update(&[0x00]);
    mac.update(seed);
    mac.update(&[0x01, 0x00]);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// KDF_TREE_GOSTR3411_2012_256(K, label, seed, R = 1) producing `count`
/// 32-byte keys: K(i) = HMAC-Streebog-256(K, [i]_1 || label || 0x00 ||
/// seed || [L]), L = 256 * count bits as a minimal big-endian number.
pub(crate) fn kdf_tree_gostr3411_2012_256(
    key: &[u8],
    label: &[u8],
    seed: &[u8],
    count: u8,
) -> Zeroizing<Vec<u8>> {
    let bits = 256u32 * u32::from(count);
    let bits_be = bits.to_be_bytes();
    let skip = bits_be.iter().take_while(|&&b| b == 0).count();
    let mut out = Zeroizing::new(Vec::with_capacity(32 * usize::from(count)));
    for i in 1..=count {
        let mut mac = <crate::hash::HmacStreebog256 as KeyInit>::new_from_slice(key)
            .expect("HMAC takes keys of any length");
        mac.update(&[i]);
        mac.update(label);
        mac.update(&[0x00]);
        mac.update(seed);
        mac.update(&bits_be[skip..]);
        let mut block: [u8; 32] = mac.finalize().into_bytes().into();
        out.extend_from_slice(&block);
        block.zeroize();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // vectors/cryptopro/li0ard-kat/meta.json (li0ard/gost kdf.spec.ts).
    #[test]
    fn kdf_gostr3411_2012_256_known_answer() {
        let key: Vec<u8> = (0u8..32).collect();
        let out = kdf_gostr3411_2012_256(
            &key,
            &hex::decode("26bdb878").unwrap(),
            &hex::decode("af21434145656378").unwrap(),
        );
        assert_eq!(
            hex::encode(out.as_ref()),
            "a1aa5f7de402d7b3d323f2991c8d4534013137010a83754fd0af6d7cd4922ed9"
        );
    }

    // KDF_TREE example of R 1323565.1.022-2018 as pygost tests it (key 00..1f,
    // label 26bdb878, seed af21434145656378, two keys).
    #[test]
    fn kdf_tree_known_answer() {
        let key: Vec<u8> = (0u8..32).collect();
        let label = hex::decode("26bdb878").unwrap();
        let seed = hex::decode("af21434145656378").unwrap();
        let tree = kdf_tree_gostr3411_2012_256(&key, &label, &seed, 2);
        assert_eq!(
            hex::encode(&tree[..]),
            "22b6837845c6bef65ea71672b265831086d3c76aebe6dae91cad51d83f79d16b\
             074c9330599d7f8d712fca54392f4ddde93751206b3584c8f43f9e6dc51531f9"
        );
    }
}
