//! Generator functions, run eagerly: calling one runs its body to the end,
//! `yield` collecting values, and returns an iterator over them. What its
//! consumer would meet after the last value is kept for then: an exception
//! the body raised, or, past [`MAX_YIELDS`] values (an endless generator
//! consumed lazily), a stop. For bodies without side effects a consumer can
//! see between values, the values and the exception are CPython's; the
//! branches the body takes are reported where it runs.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::state::{Flow, Interp, R};
use crate::value::{GenEnd, IterObj, Val};

/// Values one generator call computes ahead at most.
pub(crate) const MAX_YIELDS: usize = 4096;

fn cut_reason() -> String {
    format!("unsupported: a generator consumed past {MAX_YIELDS} values (generators run eagerly)")
}

impl Interp<'_> {
    /// `yield v`: `v` joins the running generator's values (`send` is not
    /// modelled: the expression's value is `None`).
    pub(crate) fn yield_value(&mut self, v: Val) -> R<Val> {
        let Some(buf) = self.gen_buffers.last_mut() else {
            return Err(Flow::Stop(
                "unsupported: yield outside a generator function".into(),
            ));
        };
        buf.push(v);
        if buf.len() > MAX_YIELDS {
            return Err(Flow::Stop(cut_reason()));
        }
        Ok(Val::None)
    }

    /// `yield from it`: every value of `it`.
    pub(crate) fn yield_from(&mut self, it: &Val) -> R<Val> {
        let iter = self.iter_of(it)?;
        while let Some(v) = self.next(&iter, crate::sites::PIN_SITE)? {
            self.yield_value(v)?;
            self.step()?;
        }
        Ok(Val::None)
    }

    /// The generator object of a body that ran to `result`.
    pub(crate) fn generated(&mut self, result: R<Val>) -> R<Val> {
        let items: VecDeque<Val> = self.gen_buffers.pop().unwrap_or_default().into();
        let then = match result {
            Ok(_) => None,
            Err(Flow::Exc(e)) => Some(GenEnd::Raise(e)),
            Err(Flow::Stop(why)) if why == cut_reason() => Some(GenEnd::Cut(why)),
            Err(stop) => return Err(stop),
        };
        Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Generated {
            items,
            then,
        }))))
    }
}
