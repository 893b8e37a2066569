//! Builtins about objects rather than values: `isinstance`, `type`,
//! `callable`, `hasattr`, `hash`, `eval`.

use crate::builtins::{Builtin, ExcType};
use crate::interp::args::Args;
use crate::interp::modules::instance_test;
use crate::interp::repr::strip_shadows;
use crate::interp::state::{Flow, Interp, R, exc, type_error, unsupported};
use crate::interp::types::type_of;
use crate::ir::Stmt;
use crate::lower::lower_source;
use crate::sites::SiteId;
use crate::value::{Opaque, Val};

pub(super) fn callable(a: &Args) -> R<Val> {
    a.check(1, 1)?;
    Ok(Val::bool(matches!(
        a.arg(0)?,
        Val::Func(_) | Val::Builtin(_) | Val::Method(_)
    )))
}

/// `hash(x)` of ints and bools (CPython's hash of anything else is salted).
pub(super) fn hash(a: &Args) -> R<Val> {
    a.check(1, 1)?;
    match a.arg(0)? {
        Val::Int(i, _) => Ok(Val::Int(i.clone(), None)),
        Val::Bool(x, _) => Ok(Val::int(i64::from(*x))),
        _ => Err(unsupported("hash() of a non-int (CPython's is salted)")),
    }
}

pub(super) fn isinstance(a: &Args) -> R<Val> {
    a.check(2, 2)?;
    let classes: Vec<Val> = match a.arg(1)? {
        Val::Tuple(t) => t.items.clone(),
        other => vec![other.clone()],
    };
    let v = a.arg(0)?;
    let mut r = false;
    for c in &classes {
        r |= is_instance(v, c)?;
    }
    Ok(Val::bool(r))
}

/// `type(x)` of the plain types and exceptions.
pub(super) fn type_(a: &Args) -> R<Val> {
    a.check(1, 1)?;
    match type_of(a.arg(0)?) {
        Some(t) => Ok(Val::Builtin(t)),
        None => match a.arg(0)? {
            Val::Exc(e) => Ok(Val::Builtin(Builtin::Exc(e.kind))),
            other => Err(unsupported(format!("type() of {}", other.type_name()))),
        },
    }
}

/// `hasattr(x, name)`: whether reading `x.name` succeeds, from the same
/// tables reading it does; only an `AttributeError` means no.
pub(super) fn hasattr(it: &mut Interp<'_>, a: &Args, site: SiteId) -> R<Val> {
    a.check(2, 2)?;
    let name = match a.arg(1)? {
        Val::Str(s, _) => s.clone(),
        other => {
            return Err(type_error(format!(
                "attribute name must be string, not '{}'",
                other.type_name()
            )));
        }
    };
    if a.arg(1)?.is_symbolic() {
        it.concretise("hasattr of a symbolic name");
        it.pin_value(site, a.arg(1)?);
    }
    match it.get_attr(a.arg(0)?.clone(), &name) {
        Ok(_) => Ok(Val::bool(true)),
        Err(Flow::Exc(e)) if e.kind == ExcType::AttributeError => Ok(Val::bool(false)),
        Err(e) => Err(e),
    }
}

/// `eval(text)` of an expression, without the program's names.
pub(super) fn eval(it: &mut Interp<'_>, a: &Args) -> R<Val> {
    a.check(1, 1)?;
    it.eval_string(a.arg(0)?)
}

impl Interp<'_> {
    /// Evaluates `v`'s text as an expression in a fresh interpreter that
    /// shares this one's tracer and pays its steps from this one's budget.
    fn eval_string(&mut self, v: &Val) -> R<Val> {
        let Val::Str(s, sh) = v else {
            return Err(type_error("eval() arg 1 must be a string"));
        };
        if sh.is_some() {
            self.concretise("eval() of a symbolic string");
        }
        let lowered = lower_source(s.trim())
            .map_err(|e| exc(ExcType::ValueError, format!("eval: invalid syntax ({e})")))?;
        let [Stmt::Expr(e)] = lowered.module.body.as_slice() else {
            return Err(unsupported("eval() of statements"));
        };
        // The expression is evaluated without access to the program's names.
        let env = self.empty_env();
        let mut nested = Interp::new(&lowered.module, &mut *self.tracer, self.limits.clone());
        let r = nested.eval(e, &env);
        let steps = nested.steps_taken();
        drop(nested);
        for _ in 0..steps.min(1000) {
            self.step()?;
        }
        match r {
            Ok(v) => Ok(strip_shadows(&v)),
            Err(Flow::Exc(e)) => Err(Flow::Exc(e)),
            Err(Flow::Stop(s)) => Err(Flow::Stop(s)),
        }
    }
}

fn is_instance(v: &Val, class: &Val) -> R<bool> {
    let Val::Builtin(c) = class else {
        if let Val::Opaque(o) = class
            && let Opaque::Unsupported(what) = &**o
        {
            return Err(unsupported(what));
        }
        return Err(type_error(
            "isinstance() arg 2 must be a type, a tuple of types, or a union",
        ));
    };
    Ok(match c {
        Builtin::Int => matches!(v, Val::Int(..) | Val::Bool(..)),
        Builtin::Bool => matches!(v, Val::Bool(..)),
        Builtin::Float => matches!(v, Val::Float(..)),
        Builtin::Str => matches!(v, Val::Str(..)),
        Builtin::List => matches!(v, Val::List(l) if !l.borrow().deque),
        Builtin::Tuple => matches!(v, Val::Tuple(_)),
        Builtin::Dict => matches!(v, Val::Dict(_)),
        Builtin::Set => matches!(v, Val::Set(s) if !s.borrow().frozen),
        Builtin::FrozenSet => matches!(v, Val::Set(s) if s.borrow().frozen),
        Builtin::Range => matches!(v, Val::Range(_)),
        Builtin::Bytes => matches!(v, Val::Bytes(_)),
        Builtin::NoneType => matches!(v, Val::None),
        Builtin::Object => true,
        Builtin::Exc(k) => matches!(v, Val::Exc(e) if e.kind.is_a(*k)),
        Builtin::Stdlib { module, name } => match instance_test(*module, name) {
            Some(test) => test(v),
            None => return Err(unsupported(format!("isinstance(x, {c})"))),
        },
        other => return Err(unsupported(format!("isinstance(x, {other})"))),
    })
}
