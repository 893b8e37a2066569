//! The arguments of a call to something the interpreter implements natively,
//! checked the way CPython's builtins check theirs.

use super::state::{Interp, R, type_error};
use crate::int::PyInt;
use crate::ir::Name;
use crate::value::Val;

/// Arguments as a call site passed them.
pub(crate) struct Args {
    /// Positional arguments, `*args` spread.
    pub pos: Vec<Val>,
    /// Keyword arguments in order, `**kwargs` spread; a callee takes out the
    /// ones it knows (`kw`) before `check` refuses the rest.
    pub kw: Vec<(Name, Val)>,
    /// What error messages call the callee (`len`, `str method`).
    pub name: &'static str,
    /// The module of a module's function (`math` for `math.sqrt`), which
    /// messages put before the name.
    pub module: Option<&'static str>,
}

impl Args {
    /// Arguments for a callee messages call `name`.
    pub(crate) fn new(pos: Vec<Val>, kw: Vec<(Name, Val)>, name: &'static str) -> Args {
        Args {
            pos,
            kw,
            name,
            module: None,
        }
    }

    /// The callee as messages name it: `math.sqrt`, `len`.
    fn callee(&self) -> String {
        match self.module {
            Some(m) => format!("{m}.{}", self.name),
            None => self.name.to_string(),
        }
    }

    /// Removes keyword `k`, if given.
    pub(crate) fn kw(&mut self, k: &str) -> Option<Val> {
        let i = self.kw.iter().position(|(n, _)| &**n == k)?;
        Some(self.kw.remove(i).1)
    }

    /// Positional arguments between `min` and `max`, no keywords left over.
    pub(crate) fn check(&self, min: usize, max: usize) -> R<()> {
        if let Some((k, _)) = self.kw.first() {
            return Err(type_error(format!(
                "{}() got an unexpected keyword argument '{k}'",
                self.callee()
            )));
        }
        let n = self.pos.len();
        if n < min || n > max {
            let bound = if min == max {
                format!("exactly {min}")
            } else if n < min {
                format!("at least {min}")
            } else {
                format!("at most {max}")
            };
            return Err(type_error(format!(
                "{}() takes {bound} argument(s) ({n} given)",
                self.callee()
            )));
        }
        Ok(())
    }

    /// Positional argument `i`, if given.
    pub(crate) fn get(&self, i: usize) -> Option<&Val> {
        self.pos.get(i)
    }

    /// Positional argument `i`; `TypeError` when missing.
    pub(crate) fn arg(&self, i: usize) -> R<&Val> {
        self.pos
            .get(i)
            .ok_or_else(|| type_error(format!("{}() missing argument {}", self.callee(), i + 1)))
    }
}

impl Interp<'_> {
    /// Reports that a function runs concretely on symbolic arguments.
    pub(crate) fn note_concrete(&mut self, a: &Args, what: &str) {
        if a.pos.iter().any(Val::is_symbolic) {
            self.concretise(what);
        }
    }

    /// One value used concretely: reported and pinned when symbolic.
    pub(crate) fn note_concrete_value(&mut self, v: &Val, what: &str) {
        if v.is_symbolic() {
            self.concretise(what);
            self.pin_value(crate::sites::PIN_SITE, v);
        }
    }

    /// An argument that must be an int (a bool counts as one).
    pub(crate) fn int_arg(&mut self, v: &Val, fname: &str) -> R<PyInt> {
        match v {
            Val::Int(i, _) => Ok(i.clone()),
            Val::Bool(b, _) => Ok(PyInt::Small(i64::from(*b))),
            other => Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer (in {fname})",
                other.type_name()
            ))),
        }
    }
}
