//! `bytes`: only what `str.encode` and `hashlib` results are used for.

use std::rc::Rc;

use crate::interp::args::Args;
use crate::interp::state::{Interp, R, value_error};
use crate::interp::tables::Member::Method;
use crate::interp::tables::table;
use crate::interp::tables::{PyType, wrong_receiver};
use crate::sites::SiteId;
use crate::value::Val;

/// `bytes`' methods.
pub(crate) static TYPE: PyType = PyType {
    label: "method",
    members: table![
        Method;
        decode, hex,
    ],
    base: None,
};

fn data(recv: &Val) -> R<&Rc<[u8]>> {
    match recv {
        Val::Bytes(b) => Ok(b),
        _ => Err(wrong_receiver("bytes")),
    }
}

/// UTF-8 decoding (the codec argument is not looked at).
fn decode(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    String::from_utf8(data(recv)?.to_vec())
        .map(|s| Val::str(&s))
        .map_err(|_| value_error("'utf-8' codec can't decode bytes"))
}

fn hex(_: &mut Interp<'_>, recv: &Val, _: Args, _: SiteId) -> R<Val> {
    Ok(Val::str(&hex_digits(data(recv)?)))
}

/// Two lowercase hex digits a byte.
pub(super) fn hex_digits(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
