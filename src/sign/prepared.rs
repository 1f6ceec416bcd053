//! Public keys with precomputed tables, for keys that verify many
//! signatures (ESIA's certificate verifying every token, a CMS signer's
//! certificate).
//!
//! [`VerifyingKey::prepare`] builds, once, wNAF tables of 2^(dj) * Q for
//! eight chunks j of the scalar (a comb; see `curve::scalar_mul::comb_vartime`), so a
//! verification needs d = 32 (256-bit keys) or 64 (512-bit keys) doublings
//! instead of 256 or 512. Building costs about one and a half plain
//! verifications; the tables take 8-24 KiB.
//!
//! [`VerifyingKey::verify_prehash_cached`] keeps prepared keys in a global
//! least-recently-used cache of [`CACHE_CAPACITY`] keys, shared by all
//! threads, keyed by the public key itself.

use std::sync::{Arc, Mutex};

use signature::Verifier;
use signature::hazmat::PrehashVerifier;

use super::{PublicPoint, Signature, VerifyingKey, to_sig_err};
use crate::curve::AnyCurve;
use crate::curve::scalar_mul::comb_vartime::PreparedTables;
use crate::error::{Error, Result};

/// Keys held by the global cache (at most about 1.5 MiB of tables).
pub const CACHE_CAPACITY: usize = 64;

enum Tables {
    W4(PreparedTables<4>),
    W8(PreparedTables<8>),
}

/// A verifying key with its precomputed tables.
pub struct PreparedVerifyingKey {
    key: VerifyingKey,
    tables: Tables,
}

impl core::fmt::Debug for PreparedVerifyingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PreparedVerifyingKey")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

pub(crate) static CACHE: Mutex<Vec<(VerifyingKey, Arc<PreparedVerifyingKey>)>> =
    Mutex::new(Vec::new());

impl VerifyingKey {
    /// Precomputes this key's verification tables.
    pub fn prepare(&self) -> Result<PreparedVerifyingKey> {
        let tables = match (&self.point, self.curve.curve()) {
            (PublicPoint::W4(p), AnyCurve::W4(c)) => Tables::W4(PreparedTables::new(c, p)),
            (PublicPoint::W8(p), AnyCurve::W8(c)) => Tables::W8(PreparedTables::new(c, p)),
            _ => {
                return Err(Error::KeyMismatch(
                    "key width does not match its curve".into(),
                ));
            }
        };
        Ok(PreparedVerifyingKey { key: *self, tables })
    }

    /// This key's prepared form from the global cache, built and inserted
    /// (evicting the least recently used key) on a miss.
    pub fn prepared_cached(&self) -> Result<Arc<PreparedVerifyingKey>> {
        {
            let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(pos) = cache.iter().position(|(k, _)| k == self) {
                let entry = cache.remove(pos);
                let prepared = Arc::clone(&entry.1);
                cache.insert(0, entry);
                return Ok(prepared);
            }
        }
        // Built outside the lock; two threads may both build a new key once.
        let prepared = Arc::new(self.prepare()?);
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if !cache.iter().any(|(k, _)| k == self) {
            cache.insert(0, (*self, Arc::clone(&prepared)));
            cache.truncate(CACHE_CAPACITY);
        }
        Ok(prepared)
    }

    /// [`Self::verify_prehash`] through the global cache of prepared keys:
    /// the first call for a key builds its tables, later ones are about
    /// twice as fast as an uncached verification.
    pub fn verify_prehash_cached(&self, digest: &[u8], signature: &Signature) -> Result<()> {
        self.check_sizes(digest, signature)?;
        self.prepared_cached()?.verify_prehash(digest, signature)
    }
}

impl PreparedVerifyingKey {
    /// The key these tables belong to.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Bytes held by the precomputed tables.
    pub fn table_bytes(&self) -> usize {
        match &self.tables {
            Tables::W4(t) => t.size_bytes(),
            Tables::W8(t) => t.size_bytes(),
        }
    }

    /// Verifies a signature over a digest computed by the caller.
    pub fn verify_prehash(&self, digest: &[u8], signature: &Signature) -> Result<()> {
        self.key.check_sizes(digest, signature)?;
        let ok = match (&self.tables, self.key.curve.curve()) {
            (Tables::W4(t), AnyCurve::W4(c)) => {
                let (e, r, s) = VerifyingKey::verification_inputs(c, digest, signature)?;
                let (z1, z2) = super::dsa::verification_scalars(c, &e, &r, &s);
                t.verify_combination(c, &z1, &z2, &r)
            }
            (Tables::W8(t), AnyCurve::W8(c)) => {
                let (e, r, s) = VerifyingKey::verification_inputs(c, digest, signature)?;
                let (z1, z2) = super::dsa::verification_scalars(c, &e, &r, &s);
                t.verify_combination(c, &z1, &z2, &r)
            }
            _ => {
                return Err(Error::KeyMismatch(
                    "key width does not match its curve".into(),
                ));
            }
        };
        if ok {
            Ok(())
        } else {
            Err(Error::SignatureMismatch)
        }
    }

    /// Verifies a signature over a message hashed with the key's Streebog.
    pub fn verify_message(&self, msg: &[u8], signature: &Signature) -> Result<()> {
        self.verify_prehash(&self.key.hash_alg().digest(msg), signature)
    }
}

impl Verifier<Signature> for PreparedVerifyingKey {
    fn verify(
        &self,
        msg: &[u8],
        signature: &Signature,
    ) -> core::result::Result<(), signature::Error> {
        self.verify_message(msg, signature).map_err(to_sig_err)
    }
}

impl PrehashVerifier<Signature> for PreparedVerifyingKey {
    fn verify_prehash(
        &self,
        prehash: &[u8],
        signature: &Signature,
    ) -> core::result::Result<(), signature::Error> {
        PreparedVerifyingKey::verify_prehash(self, prehash, signature).map_err(to_sig_err)
    }
}
