//! Signing many digests with one key.
//!
//! Each signature still gets its own hedged nonce k_i (SHA-512 of the
//! key, fresh randomness, the message's position and its digest), its own
//! constant-time k_i*G, and its own s_i. What a batch shares:
//!
//! * the field inversion that turns each k_i*G's x-coordinate num_i/den_i
//!   into an integer: Montgomery's trick inverts the product of all den_i
//!   once (constant-time safegcd inversion) and recovers every 1/den_i with
//!   three multiplications, so a chunk of 64 pays one inversion instead of
//!   64;
//! * the key's block of the nonce hash and the draw of OS randomness (one
//!   per chunk).
//!
//! The trick only multiplies, so it is as constant-time as the rest of
//! signing; no den_i is zero because every k_i is in (0, q).
//! [`SigningKey::par_sign_prehash_batch`] spreads chunks over rayon's
//! thread pool.

use rayon::prelude::*;
use zeroize::Zeroize;

use super::{Secret, Signature, SigningKey, dsa, os_random, sign_generic};
use crate::curve::{AnyCurve, Curve};
use crate::error::{Error, Result};
use crate::field::{Fe, limbs};

/// Signatures per shared inversion.
const CHUNK: usize = 64;

/// Signs one chunk; `first_index` numbers its messages within the batch.
fn sign_chunk<const N: usize>(
    c: &Curve<N>,
    d: &[u64; N],
    keyed: &dsa::NonceKey,
    digests: &[&[u8]],
    first_index: u64,
) -> Result<Vec<([u64; N], [u64; N])>> {
    let f = &c.fp;
    let randomness = os_random::<{ dsa::NONCE_RANDOMNESS }>()?;
    let mut es = Vec::with_capacity(digests.len());
    let mut nonces = Vec::with_capacity(digests.len());
    let mut nums = Vec::with_capacity(digests.len());
    let mut dens = Vec::with_capacity(digests.len());
    for (i, digest) in digests.iter().enumerate() {
        let e = dsa::digest_to_e(c, digest).ok_or(Error::DigestLength {
            bits: 64 * N,
            got: digest.len(),
        })?;
        let k = dsa::hedged_nonce_keyed(
            c,
            keyed,
            digest,
            &randomness,
            0,
            Some(first_index + i as u64),
        );
        // k = 0 has probability about 2^-255; such a message is signed
        // alone below, and 1 stands in for it here so the chunk goes on.
        let k_is_zero = limbs::is_zero_mask(&k) != 0;
        let (num, den) = if k_is_zero {
            (f.one(), f.one())
        } else {
            c.mul_base_x_fraction(&k)
        };
        es.push(e);
        nonces.push((k, k_is_zero));
        nums.push(num);
        dens.push(den);
    }
    // Montgomery's trick: prefix products, one inversion, walk back.
    let mut prefix: Vec<Fe<N>> = Vec::with_capacity(dens.len());
    let mut acc = f.one();
    for den in &dens {
        prefix.push(acc);
        acc = f.mul(&acc, den);
    }
    let mut inv = f.invert(&acc);
    let mut xs = vec![[0u64; N]; dens.len()];
    for i in (0..dens.len()).rev() {
        let den_inv = f.mul(&inv, &prefix[i]);
        inv = f.mul(&inv, &dens[i]);
        xs[i] = f.to_int(&f.mul(&nums[i], &den_inv));
    }
    let mut out = Vec::with_capacity(digests.len());
    for i in 0..digests.len() {
        let (k, k_is_zero) = &nonces[i];
        let rs = if *k_is_zero {
            None
        } else {
            dsa::finish_signature(c, d, &es[i], k, &xs[i])
        };
        match rs {
            Some(rs) => out.push(rs),
            // r = 0, s = 0 or k = 0: retry this one with the single path.
            None => out.push(sign_generic(c, d, keyed, digests[i])?),
        }
    }
    for (k, _) in nonces.iter_mut() {
        k.zeroize();
    }
    for v in prefix
        .iter_mut()
        .chain(nums.iter_mut())
        .chain(dens.iter_mut())
    {
        v.zeroize();
    }
    for x in xs.iter_mut() {
        x.zeroize();
    }
    inv.zeroize();
    acc.zeroize();
    Ok(out)
}

impl SigningKey {
    fn check_digest_lengths(&self, digests: &[&[u8]]) -> Result<()> {
        let len = self.curve.key_size().coordinate_len();
        match digests.iter().find(|d| d.len() != len) {
            Some(bad) => Err(Error::DigestLength {
                bits: 8 * len,
                got: bad.len(),
            }),
            None => Ok(()),
        }
    }

    fn sign_chunk_any(&self, digests: &[&[u8]], first_index: u64) -> Result<Vec<Signature>> {
        let size = self.curve.key_size();
        match (&self.secret, self.curve.curve()) {
            (Secret::W4(d), AnyCurve::W4(c)) => {
                Ok(sign_chunk(c, d, &self.nonce_key, digests, first_index)?
                    .iter()
                    .map(|(r, s)| Signature::from_limbs(size, r, s))
                    .collect())
            }
            (Secret::W8(d), AnyCurve::W8(c)) => {
                Ok(sign_chunk(c, d, &self.nonce_key, digests, first_index)?
                    .iter()
                    .map(|(r, s)| Signature::from_limbs(size, r, s))
                    .collect())
            }
            _ => Err(Error::KeyMismatch(
                "key width does not match its curve".into(),
            )),
        }
    }

    /// Signs many digests (each as long as [`Self::sign_prehash`] wants) on
    /// the calling thread, sharing one field inversion per 64 signatures.
    /// Every signature has its own hedged nonce; the result is in input
    /// order. Fails as a whole on the first digest of the wrong length.
    pub fn sign_prehash_batch(&self, digests: &[&[u8]]) -> Result<Vec<Signature>> {
        self.check_digest_lengths(digests)?;
        let mut out = Vec::with_capacity(digests.len());
        for (n, chunk) in digests.chunks(CHUNK).enumerate() {
            out.extend(self.sign_chunk_any(chunk, (n * CHUNK) as u64)?);
        }
        Ok(out)
    }

    /// [`Self::sign_prehash_batch`] with the chunks spread over rayon's
    /// global thread pool (or the pool the caller installed).
    pub fn par_sign_prehash_batch(&self, digests: &[&[u8]]) -> Result<Vec<Signature>> {
        self.check_digest_lengths(digests)?;
        let chunks: Vec<Vec<Signature>> = digests
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(n, chunk)| self.sign_chunk_any(chunk, (n * CHUNK) as u64))
            .collect::<Result<_>>()?;
        Ok(chunks.into_iter().flatten().collect())
    }

    /// Hashes each message with [`Self::hash_alg`] and signs them as a batch.
    pub fn sign_batch(&self, messages: &[&[u8]]) -> Result<Vec<Signature>> {
        let digests: Vec<Vec<u8>> = messages.iter().map(|m| self.hash_alg().digest(m)).collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        self.sign_prehash_batch(&refs)
    }

    /// [`Self::sign_batch`] with hashing and signing spread over rayon.
    pub fn par_sign_batch(&self, messages: &[&[u8]]) -> Result<Vec<Signature>> {
        let digests: Vec<Vec<u8>> = messages
            .par_iter()
            .map(|m| self.hash_alg().digest(m))
            .collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        self.par_sign_prehash_batch(&refs)
    }
}
