//! `sys.stdin` and `sys.stdout`/`sys.stderr`: reading lines of the
//! run's standard input (`interp/stdin.rs`) and writing its output.

use std::rc::Rc;

use crate::interp::args::Args;
use crate::interp::state::{Interp, R, type_error};
use crate::interp::tables::Member::{Attr, Method};
use crate::interp::tables::PyType;
use crate::interp::tables::table;
use crate::sites::SiteId;
use crate::value::{Opaque, Val};

/// `sys.stdin`'s members.
pub(crate) static STDIN: PyType = PyType {
    label: "stdin method",
    members: table![
        Method;
        "buffer" => Attr(|_| Val::Opaque(Rc::new(Opaque::Stdin))),
        read, readline, readlines,
    ],
    base: None,
};

/// `sys.stdout`'s and `sys.stderr`'s members.
pub(crate) static STDOUT: PyType = PyType {
    label: "stdout method",
    members: &[("flush", Method(flush)), ("write", Method(write))],
    base: None,
};

fn read(it: &mut Interp<'_>, _: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 1)?;
    it.read_all(site)
}

fn readline(it: &mut Interp<'_>, _: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 1)?;
    it.readline(site)
}

fn readlines(it: &mut Interp<'_>, _: &Val, a: Args, site: SiteId) -> R<Val> {
    a.check(0, 1)?;
    it.read_lines(site)
}

fn flush(_: &mut Interp<'_>, _: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(0, 0)?;
    Ok(Val::None)
}

fn write(it: &mut Interp<'_>, recv: &Val, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let Val::Str(s, _) = a.arg(0)? else {
        return Err(type_error(format!(
            "write() argument must be str, not {}",
            a.arg(0)?.type_name()
        )));
    };
    if matches!(recv, Val::Opaque(o) if matches!(&**o, Opaque::Stdout { err: false })) {
        it.write_stdout(s);
    }
    Ok(Val::int(s.chars().count() as i64))
}
