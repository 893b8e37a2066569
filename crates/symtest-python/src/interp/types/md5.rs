//! The hash object `hashlib.md5(data)` returns.

use std::rc::Rc;

use super::bytes::hex_digits;
use crate::interp::args::Args;
use crate::interp::state::{Interp, R};
use crate::interp::tables::Member::Method;
use crate::interp::tables::table;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::md5::md5;
use crate::sites::SiteId;
use crate::value::{Opaque, Val};

/// The hash object's methods.
pub(crate) static TYPE: PyType = PyType {
    label: "method",
    members: table![
        Method;
        digest, hexdigest,
    ],
    base: None,
};

fn data(recv: &Val) -> R<&[u8]> {
    match recv {
        Val::Opaque(o) => match &**o {
            Opaque::Md5(d) => Ok(d),
            _ => Err(wrong_receiver("hash object")),
        },
        _ => Err(wrong_receiver("hash object")),
    }
}

fn hexdigest(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    Ok(Val::str(&hex_digits(&md5(data(recv)?))))
}

fn digest(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    Ok(Val::Bytes(Rc::from(md5(data(recv)?).to_vec())))
}
