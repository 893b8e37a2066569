//! `hashlib`: `md5` (what solutions hash with).

use std::rc::Rc;

use crate::interp::args::Args;
use crate::interp::state::{Interp, R, type_error};
use crate::interp::tables::ModuleMember::Function;
use crate::interp::tables::{PyModule, Unknown};
use crate::sites::SiteId;
use crate::value::{Opaque, Val};

/// `hashlib`'s functions.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[("md5", Function(md5))],
    unknown: Unknown::AttributeError,
};

/// `md5(data=b"")`: a hash object over the bytes (the digest is computed
/// when asked for).
fn md5(_: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 1)?;
    let data = match a.get(0) {
        None => Vec::new(),
        Some(Val::Bytes(b)) => b.to_vec(),
        Some(other) => {
            return Err(type_error(format!(
                "object supporting the buffer API required, not {}",
                other.type_name()
            )));
        }
    };
    Ok(Val::Opaque(Rc::new(Opaque::Md5(data))))
}
