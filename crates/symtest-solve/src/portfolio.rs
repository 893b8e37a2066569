//! Gradient descent first (cheap on smooth numeric constraints), Z3 when it
//! finds nothing.

use symtest_term::satisfies;

use crate::answer::{Answer, Backend, Query};
use crate::gd::{GdBackend, GdOptions};
use crate::z3::Z3Backend;

/// Gradient descent first, Z3 for every query gd does not answer with a
/// model that checks; counts which of the two answered.
pub struct Portfolio {
    gd: GdBackend,
    z3: Z3Backend,
    gd_answers: u64,
    z3_answers: u64,
}

impl Portfolio {
    /// A portfolio whose gd part has the given knobs (Z3 has its own defaults).
    pub fn new(gd: GdOptions) -> Portfolio {
        Portfolio {
            gd: GdBackend::new(gd),
            z3: Z3Backend::new(),
            gd_answers: 0,
            z3_answers: 0,
        }
    }
}

impl Backend for Portfolio {
    fn name(&self) -> &'static str {
        "portfolio"
    }

    fn set_interrupt(&mut self, flag: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>) {
        self.z3.set_interrupt(flag);
    }

    fn solve(&mut self, query: &Query<'_>) -> Answer {
        match self.gd.solve(query) {
            // A gd model is only taken when it checks; the front checks it again.
            Answer::Sat(m) if satisfies(&m, query.constraints) => {
                self.gd_answers += 1;
                return Answer::Sat(m);
            }
            // gd proves UNSAT only from a contradictory Boolean skeleton.
            Answer::Unsat => {
                self.gd_answers += 1;
                return Answer::Unsat;
            }
            _ => {}
        }
        self.z3_answers += 1;
        self.z3.solve(query)
    }

    fn counters(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("answered_by_gd", self.gd_answers),
            ("answered_by_z3", self.z3_answers),
        ]
    }
}
