//! Keys brought in from the formats people have, above CMS because PFX
//! carries SignedData and EnvelopedData: CryptoPro containers
//! ([`Container`]), PFX / PKCS#12 ([`Pfx`], including CryptoPro's own key
//! bags), encrypted and plain PKCS#8, their ciphers and key derivations,
//! behind one entry point ([`load`] for bytes, [`open`] for a path).
//!
//! ```no_run
//! use gostcms::import;
//!
//! // A container folder, a PFX, or a (possibly encrypted) PKCS#8 file.
//! let imported = import::open("otvconba.000".as_ref(), b"1xqoyc4e")?;
//! std::fs::write("key.pem", imported.to_pkcs8_pem().as_bytes()).unwrap();
//! # Ok::<(), gostcms::Error>(())
//! ```
//!
//! Every file is untrusted: iteration counts are bounded by
//! [`ImportOptions::max_iterations`], reads by a size cap, and a wrong
//! PIN or password is [`Error::WrongSecret`](crate::Error::WrongSecret).

mod container;
mod cpkdf;
mod cryptopro_pfx;
mod encrypted_pkcs8;
mod kdf;
mod load;
mod options;
mod pbe;
mod pfx;

pub use container::{Container, FILE_NAMES, Slot};
pub use encrypted_pkcs8::{decode_encrypted_private_key, decrypt_der, decrypt_der_with};
pub use kdf::DEFAULT_MAX_ITERATIONS;
pub use load::{
    LoadOptions, SourceKind, detect, detect_bytes, from_bytes, from_bytes_with, load, load_path,
    open, open_with,
};
pub use options::{ImportOptions, ImportedKey, read_secret};
pub use pfx::{Pfx, PfxContents};
