//! Builtin functions and types called as functions. Each builtin's name is
//! in the `builtins!` table (`crate::builtins`) and its code is one arm of
//! `call_builtin`'s match, which names every builtin (no wildcard): a
//! builtin without code does not compile. Stdlib modules' functions are
//! dispatched to their modules' tables.

mod containers;
mod convert;
mod iteration;
mod numbers;
mod objects;

use std::rc::Rc;

use super::args::Args;
use super::state::{Flow, Interp, R, unsupported};
use crate::builtins::Builtin;
use crate::ir::Name;
use crate::sites::SiteId;
use crate::value::{DictFlavor, ExcObj, Val};

impl Interp<'_> {
    /// Calls builtin `b` with the arguments a call site passed.
    pub(crate) fn call_builtin(
        &mut self,
        b: Builtin,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let a = Args::new(pos, kw, b.name());
        match b {
            Builtin::Abs => numbers::abs(self, &a),
            Builtin::All | Builtin::Any => iteration::all_any(self, &a, site, b),
            Builtin::Bin | Builtin::Hex | Builtin::Oct => convert::radix(self, &a, b),
            Builtin::Bool => convert::bool(self, &a),
            Builtin::Bytes => convert::bytes(self, &a),
            Builtin::Callable => objects::callable(&a),
            Builtin::Chr => convert::chr(self, &a),
            Builtin::Dict => self.make_dict(a, DictFlavor::Plain, site),
            Builtin::Divmod => numbers::divmod(self, &a, site),
            Builtin::Enumerate => iteration::enumerate(self, a),
            Builtin::Eval => objects::eval(self, &a),
            Builtin::Exc(kind) => Ok(Val::Exc(Rc::new(ExcObj {
                kind,
                args: a.pos,
                class: None,
            }))),
            Builtin::Filter => iteration::filter(self, &a, site),
            Builtin::Float => convert::float(self, &a),
            Builtin::Format => convert::format(self, &a),
            Builtin::FrozenSet | Builtin::Set => containers::set(self, &a, site, b),
            Builtin::Hasattr => objects::hasattr(self, &a, site),
            Builtin::Hash => objects::hash(&a),
            Builtin::Int => convert::int(self, a, site),
            Builtin::Isinstance => objects::isinstance(&a),
            Builtin::Iter => iteration::iter(self, &a),
            Builtin::Len => containers::len(self, &a),
            Builtin::List | Builtin::Tuple => containers::list_or_tuple(self, &a, b),
            Builtin::Map => iteration::map(self, &a),
            Builtin::Max | Builtin::Min => self.min_max(a, b == Builtin::Max, site),
            Builtin::Next => iteration::next(self, &a, site),
            Builtin::Object | Builtin::NoneType => Err(unsupported(format!("{b}()"))),
            Builtin::Ord => convert::ord(self, &a, site),
            Builtin::Pow => numbers::pow(self, &a, site),
            Builtin::Print => self.print(a),
            Builtin::Input => {
                if let Some(prompt) = a.get(0) {
                    let p = self.str_of(prompt)?;
                    if let Val::Str(t, _) = p {
                        self.write_stdout(&t);
                    }
                }
                self.input_line(site)
            }
            Builtin::Open => match a.get(0) {
                // `open(0)`: standard input, as competitive programs read it.
                Some(Val::Int(i, _)) if i.is_zero() && self.io.is_some() => {
                    Ok(Val::Opaque(Rc::new(crate::value::Opaque::Stdin)))
                }
                _ => Err(unsupported("open() of a file")),
            },
            Builtin::Exit | Builtin::Quit => Err(Flow::Exc(Rc::new(ExcObj {
                kind: crate::builtins::ExcType::SystemExit,
                args: a.pos,
                class: None,
            }))),
            Builtin::Range => self.make_range(a, site),
            Builtin::Repr => convert::repr(self, &a),
            Builtin::Reversed => iteration::reversed(self, &a),
            Builtin::Round => numbers::round(self, a),
            Builtin::Sorted => iteration::sorted(self, a, site),
            Builtin::Str => convert::str(self, &a, site),
            Builtin::Sum => iteration::sum(self, a, site),
            Builtin::Type => objects::type_(&a),
            Builtin::Zip => iteration::zip(self, &a),
            Builtin::Stdlib { module, name } => self.call_stdlib(module, name, a.pos, a.kw, site),
        }
    }
}
