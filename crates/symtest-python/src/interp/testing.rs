//! What the interpreter's unit tests share: running a snippet and reading
//! back its global `r`.

use crate::interp::repr::repr;
use crate::interp::state::{Flow, Interp, Limits, Silent};
use crate::lower::lower_source;

/// The repr of global `r` after running `src`, or why the run stopped.
pub(crate) fn try_result_of(src: &str) -> Result<String, String> {
    let lowered = lower_source(src).expect("parses");
    let mut tracer = Silent;
    let mut it = Interp::new(&lowered.module, &mut tracer, Limits::default());
    match it.run_module() {
        Ok(_) => Ok(repr(&it.global("r").expect("r is set"))),
        Err(Flow::Stop(why)) => Err(why),
        Err(Flow::Exc(e)) => Err(format!("{e:?}")),
    }
}

/// The repr of global `r` after running `src`, which must run.
pub(crate) fn result_of(src: &str) -> String {
    try_result_of(src).unwrap_or_else(|why| panic!("runs: {why}"))
}

/// Each case's snippet leaves in `r` what the case says (as CPython 3.11
/// prints it).
pub(crate) fn assert_results(cases: &[(&str, &str)]) {
    for (src, want) in cases {
        assert_eq!(result_of(src), *want, "{src}");
    }
}
