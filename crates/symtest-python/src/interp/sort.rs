//! Sorting: a stable merge sort whose comparisons are decisions, so the
//! explorer sees every order the inputs could have (`sorted`, `list.sort`).

use symtest_term::Term;

use super::state::{Interp, R};
use crate::sites::SiteId;
use crate::value::{Opaque, Val};

impl Interp<'_> {
    /// A stable merge sort whose comparisons are decisions at `site`.
    pub(crate) fn sort_values(
        &mut self,
        items: Vec<Val>,
        key: Option<&Val>,
        reverse: bool,
        site: SiteId,
    ) -> R<Vec<Val>> {
        let mut keyed = Vec::with_capacity(items.len());
        for x in items {
            let k = match key {
                Some(f) if !matches!(f, Val::None) => {
                    self.call(f, vec![x.clone()], Vec::new(), Some(site))?
                }
                _ => x.clone(),
            };
            keyed.push((k, x));
        }
        let sorted = self.merge_sort(keyed, reverse, site)?;
        Ok(sorted.into_iter().map(|(_, x)| x).collect())
    }

    fn merge_sort(
        &mut self,
        v: Vec<(Val, Val)>,
        reverse: bool,
        site: SiteId,
    ) -> R<Vec<(Val, Val)>> {
        if v.len() <= 1 {
            return Ok(v);
        }
        let mut left = v;
        let right = left.split_off(left.len() / 2);
        let left = self.merge_sort(left, reverse, site)?;
        let right = self.merge_sort(right, reverse, site)?;
        let mut out = Vec::with_capacity(left.len() + right.len());
        let mut li = left.into_iter().peekable();
        let mut ri = right.into_iter().peekable();
        while let (Some(l), Some(r)) = (li.peek(), ri.peek()) {
            self.step()?;
            // Take the right one only when it must come first (stability).
            let (right_first, t) = if reverse {
                self.key_less(&l.0, &r.0)?
            } else {
                self.key_less(&r.0, &l.0)?
            };
            self.decide(site, t.as_ref(), right_first);
            let next = if right_first { ri.next() } else { li.next() };
            out.extend(next);
        }
        out.extend(li);
        out.extend(ri);
        Ok(out)
    }

    /// `a < b` for sort keys (`cmp_to_key` wrappers call their function).
    fn key_less(&mut self, a: &Val, b: &Val) -> R<(bool, Option<Term>)> {
        if let (Val::Opaque(x), Val::Opaque(y)) = (a, b)
            && let (Opaque::KeyWrapper { cmp, value: va }, Opaque::KeyWrapper { value: vb, .. }) =
                (&**x, &**y)
        {
            let r = self.call(cmp, vec![va.clone(), vb.clone()], Vec::new(), None)?;
            return self.less(&r, &Val::int(0), false);
        }
        self.less(a, b, false)
    }
}
