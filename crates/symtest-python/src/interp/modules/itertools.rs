//! `itertools`: the iterators solutions use, computed ahead (bounded by the
//! run's size limit).

use crate::interp::args::Args;
use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::ExcType;
use crate::interp::state::{Flow, Interp, R, exc};
use crate::interp::tables::ModuleMember::Function;
use crate::interp::tables::{PyModule, Unknown};
use crate::ir::BinOp;
use crate::sites::SiteId;
use crate::value::{IterObj, Val};

/// `itertools`' functions.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[
        ("accumulate", Function(accumulate)),
        ("chain", Function(chain)),
        (
            "combinations",
            Function(|it, a, _| arrangements(it, &a, false)),
        ),
        (
            "permutations",
            Function(|it, a, _| arrangements(it, &a, true)),
        ),
        ("islice", Function(islice)),
        ("product", Function(product)),
    ],
    unknown: Unknown::Unsupported,
};

/// `islice(it, stop)` or `islice(it, start, stop[, step])`, lazily: it reads
/// from `it` only as it is read, as CPython's does. Symbolic bounds are pinned.
fn islice(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(2, 4)?;
    let bound = |it: &mut Interp<'_>, v: Option<&Val>, what: &str| -> R<Option<usize>> {
        match v {
            None | Some(Val::None) => Ok(None),
            Some(v) => {
                let v = v.clone();
                it.note_concrete_value(&v, "itertools.islice");
                let n = it.int_arg(&v, "islice")?;
                if n.is_negative() {
                    return Err(exc(
                        ExcType::ValueError,
                        format!(
                            "{what} for islice() must be None or an integer: 0 <= x <= sys.maxsize."
                        ),
                    ));
                }
                Ok(Some(n.to_usize().unwrap_or(usize::MAX)))
            }
        }
    };
    let (start, stop, step) = if a.pos.len() == 2 {
        (None, bound(it, a.get(1), "Stop argument")?, None)
    } else {
        (
            bound(it, a.get(1), "Indices")?,
            bound(it, a.get(2), "Stop argument")?,
            bound(it, a.get(3), "Indices")?,
        )
    };
    if step == Some(0) {
        return Err(exc(
            ExcType::ValueError,
            "Step for islice() must be a positive integer or None.",
        ));
    }
    let inner = it.iter_of(&a.pos[0].clone())?;
    Ok(Val::Iter(Rc::new(RefCell::new(IterObj::Islice {
        inner,
        cnt: 0,
        next: start.unwrap_or(0),
        stop,
        step: step.unwrap_or(1),
    }))))
}

/// `permutations(xs[, r])` or `combinations(xs, r)`, in CPython's order.
fn arrangements(it: &mut Interp<'_>, a: &Args, ordered: bool) -> R<Val> {
    a.check(1, 2)?;
    let items = it.collect(&a.pos[0].clone())?;
    let n = items.len();
    let r = match a.get(1) {
        Some(Val::None) | None => n,
        Some(v) => it
            .int_arg(&v.clone(), "permutations")?
            .to_usize()
            .unwrap_or(0),
    };
    let idx = if ordered {
        permutations(n, r, it.limits.max_len)?
    } else {
        combinations(n, r, it.limits.max_len)?
    };
    let out = idx
        .into_iter()
        .map(|ix| Val::tuple(ix.into_iter().map(|i| items[i].clone()).collect()))
        .collect();
    Ok(it.items_iter(out))
}

fn product(it: &mut Interp<'_>, mut a: Args, _: SiteId) -> R<Val> {
    let repeat = a.kw("repeat");
    let repeat = match repeat {
        Some(v) => it.int_arg(&v, "product")?.to_usize().unwrap_or(1),
        None => 1,
    };
    let mut pools = Vec::new();
    for v in a.pos.clone() {
        pools.push(it.collect(&v)?);
    }
    let pools: Vec<Vec<Val>> = (0..repeat).flat_map(|_| pools.clone()).collect();
    let mut acc: Vec<Vec<Val>> = vec![Vec::new()];
    for pool in pools {
        let mut next = Vec::new();
        for prefix in &acc {
            for x in &pool {
                let mut p = prefix.clone();
                p.push(x.clone());
                next.push(p);
            }
        }
        if next.len() > it.limits.max_len {
            return Err(Flow::Stop("itertools.product too large".into()));
        }
        acc = next;
    }
    Ok(it.items_iter(acc.into_iter().map(Val::tuple).collect()))
}

fn accumulate(it: &mut Interp<'_>, mut a: Args, site: SiteId) -> R<Val> {
    let initial = a.kw("initial");
    let func = a.kw("func");
    a.check(1, 2)?;
    let func = func.or_else(|| a.get(1).cloned());
    let mut out = Vec::new();
    let mut acc = initial;
    if let Some(x) = &acc {
        out.push(x.clone());
    }
    for x in it.collect(&a.pos[0].clone())? {
        let next = match acc.take() {
            None => x,
            Some(cur) => match &func {
                Some(f) if !matches!(f, Val::None) => {
                    it.call(f, vec![cur, x], Vec::new(), Some(site))?
                }
                _ => it.binop(BinOp::Add, cur, x, site)?,
            },
        };
        out.push(next.clone());
        acc = Some(next);
    }
    Ok(it.items_iter(out))
}

fn chain(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    let mut out = Vec::new();
    for v in a.pos.clone() {
        out.extend(it.collect(&v)?);
    }
    Ok(it.items_iter(out))
}

/// The index tuples of `permutations(range(n), r)`, in order; stops the run
/// past `max` of them.
fn permutations(n: usize, r: usize, max: usize) -> R<Vec<Vec<usize>>> {
    let mut out = Vec::new();
    if r > n {
        return Ok(out);
    }
    let mut cur = Vec::with_capacity(r);
    let mut used = vec![false; n];
    fn go(
        n: usize,
        r: usize,
        cur: &mut Vec<usize>,
        used: &mut [bool],
        out: &mut Vec<Vec<usize>>,
        max: usize,
    ) -> R<()> {
        if cur.len() == r {
            out.push(cur.clone());
            if out.len() > max {
                return Err(Flow::Stop("itertools.permutations too large".into()));
            }
            return Ok(());
        }
        for i in 0..n {
            if !used[i] {
                used[i] = true;
                cur.push(i);
                go(n, r, cur, used, out, max)?;
                cur.pop();
                used[i] = false;
            }
        }
        Ok(())
    }
    go(n, r, &mut cur, &mut used, &mut out, max)?;
    Ok(out)
}

/// The index tuples of `combinations(range(n), r)`, in order; stops the
/// run past `max` of them.
fn combinations(n: usize, r: usize, max: usize) -> R<Vec<Vec<usize>>> {
    let mut out = Vec::new();
    if r > n {
        return Ok(out);
    }
    let mut idx: Vec<usize> = (0..r).collect();
    loop {
        out.push(idx.clone());
        if out.len() > max {
            return Err(Flow::Stop("itertools.combinations too large".into()));
        }
        let mut i = r;
        loop {
            if i == 0 {
                return Ok(out);
            }
            i -= 1;
            if idx[i] != i + n - r {
                break;
            }
            if i == 0 && idx[0] == n - r {
                return Ok(out);
            }
        }
        idx[i] += 1;
        for j in i + 1..r {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itertools_orders() {
        assert_eq!(
            combinations(4, 2, 100).expect("small"),
            [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
        );
        assert_eq!(permutations(3, 2, 100).expect("small").len(), 6);
        assert_eq!(permutations(3, 2, 100).expect("small")[1], [0, 2]);
    }
}
