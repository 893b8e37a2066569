//! The standard-library modules a program can import, one file each. A
//! module's members are one table in its file; `import`, `from m import n`,
//! `m.n`, calls and `hasattr(m, "n")` all read it. Its functions run
//! concretely unless their file says otherwise (a symbolic argument is
//! concretised and counted).

mod collections;
mod functools;
mod hashlib;
mod itertools;
mod math;
mod os;
pub(crate) mod re;
mod string;
mod sys;
mod typing;

use super::args::Args;
use super::state::{Interp, R, exc, unsupported};
use super::tables::{ModuleMember, PyModule, Unknown};
use crate::builtins::{Builtin, ExcType, ModuleId};
use crate::ir::Name;
use crate::sites::SiteId;
use crate::value::Val;

pub(crate) use functools::memoised;

/// The table of module `m`.
pub(crate) fn module(m: ModuleId) -> &'static PyModule {
    match m {
        ModuleId::Math => &math::MODULE,
        ModuleId::Collections => &collections::MODULE,
        ModuleId::Functools => &functools::MODULE,
        ModuleId::Itertools => &itertools::MODULE,
        ModuleId::Re => &re::MODULE,
        ModuleId::Hashlib => &hashlib::MODULE,
        ModuleId::String => &string::MODULE,
        ModuleId::Typing => &typing::MODULE,
        ModuleId::Sys => &sys::MODULE,
        ModuleId::Os => &os::MODULE,
    }
}

/// `m.name`: a function or class as a callable builtin, a constant's value.
pub(crate) fn attr(m: ModuleId, name: &str) -> R<Val> {
    let table = module(m);
    match table.member(name) {
        Some((name, ModuleMember::Function(_) | ModuleMember::Class { .. })) => {
            Ok(Val::Builtin(Builtin::Stdlib { module: m, name }))
        }
        Some((_, ModuleMember::Value(value))) => Ok(value()),
        None => match table.unknown {
            Unknown::Annotation => Ok(Val::Builtin(Builtin::Object)),
            Unknown::Unsupported => Err(unsupported(format!("{}.{name}", m.name()))),
            Unknown::AttributeError => Err(exc(
                ExcType::AttributeError,
                format!("module '{}' has no attribute '{name}'", m.name()),
            )),
        },
    }
}

/// Which values are instances of class `name` of module `m`: `None` when it
/// is no class or `isinstance` with it is not modelled.
pub(crate) fn instance_test(m: ModuleId, name: &str) -> Option<fn(&Val) -> bool> {
    match module(m).member(name) {
        Some((_, ModuleMember::Class { instance, .. })) => instance,
        _ => None,
    }
}

impl Interp<'_> {
    /// Calls function (or class) `name` of module `m`.
    pub(crate) fn call_stdlib(
        &mut self,
        m: ModuleId,
        name: &'static str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        site: SiteId,
    ) -> R<Val> {
        let run = match module(m).member(name) {
            Some((_, ModuleMember::Function(run) | ModuleMember::Class { new: run, .. })) => run,
            _ => return Err(unsupported(format!("{}.{name}()", m.name()))),
        };
        let mut args = Args::new(pos, kw, name);
        args.module = Some(m.name());
        run(self, args, site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::state::{Flow, Limits, Silent};
    use crate::lower::lower_source;
    use crate::sites::PIN_SITE;

    /// Every name in a module's table reads, once; calling a function or
    /// class reaches its code (which may refuse the missing arguments, but
    /// never as a name it does not know).
    #[test]
    fn every_name_in_a_module_table_dispatches() {
        let lowered = lower_source("").expect("parses");
        let mut tracer = Silent;
        let mut it = Interp::new(&lowered.module, &mut tracer, Limits::default());
        let mut checked = 0;
        for m in ModuleId::ALL {
            let table = module(m);
            let mut names: Vec<&str> = table.members.iter().map(|(n, _)| *n).collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "a name twice in {}", m.name());
            for (name, member) in table.members {
                let v = attr(m, name).expect("a member reads");
                if let ModuleMember::Function(_) | ModuleMember::Class { .. } = member {
                    assert!(matches!(v, Val::Builtin(Builtin::Stdlib { .. })), "{v:?}");
                    match it.call(&v, Vec::new(), Vec::new(), Some(PIN_SITE)) {
                        Err(Flow::Exc(e)) => assert_ne!(e.kind, ExcType::AttributeError),
                        Err(Flow::Stop(s)) => {
                            assert!(!s.contains(name), "{}.{name}: {s}", m.name())
                        }
                        Ok(_) => {}
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} names");
    }

    #[test]
    fn unknown_names_follow_the_module() {
        let is_attribute_error =
            |r: R<Val>| matches!(r, Err(Flow::Exc(e)) if e.kind == ExcType::AttributeError);
        assert!(is_attribute_error(attr(ModuleId::Re, "nope")));
        assert!(matches!(attr(ModuleId::Math, "nope"), Err(Flow::Stop(_))));
        assert!(matches!(
            attr(ModuleId::Typing, "List"),
            Ok(Val::Builtin(Builtin::Object))
        ));
    }
}
