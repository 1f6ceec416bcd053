pub use crate::curve::id::oids;
