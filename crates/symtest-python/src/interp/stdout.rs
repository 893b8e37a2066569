//! A whole program's standard output: what `print` and `sys.stdout.write`
//! write, kept in order.

use super::args::Args;
use super::repr::strip_shadows;
use super::state::{Interp, R, type_error};
use crate::value::{Opaque, Val};

impl Interp<'_> {
    /// `print(*args, sep=' ', end='\\n', file=sys.stdout, flush=False)`:
    /// kept only in a whole-program run, and never for `sys.stderr`.
    pub(crate) fn print(&mut self, mut a: Args) -> R<Val> {
        let sep = a.kw("sep");
        let end = a.kw("end");
        let file = a.kw("file");
        let _ = a.kw("flush");
        a.check(0, usize::MAX)?;
        let to_err =
            matches!(&file, Some(Val::Opaque(o)) if matches!(&**o, Opaque::Stdout { err: true }));
        if self.io.is_none() || to_err {
            return Ok(Val::None);
        }
        let text_arg = |v: Option<Val>, default: &str, what: &str| -> R<String> {
            match v {
                None | Some(Val::None) => Ok(default.to_string()),
                Some(Val::Str(s, _)) => Ok(s.to_string()),
                Some(other) => Err(type_error(format!(
                    "{what} must be None or a string, not {}",
                    other.type_name()
                ))),
            }
        };
        let sep = text_arg(sep, " ", "sep")?;
        let end = text_arg(end, "\n", "end")?;
        let mut out = String::new();
        for (k, v) in a.pos.iter().enumerate() {
            if k > 0 {
                out.push_str(&sep);
            }
            match self.str_of(&strip_shadows(v))? {
                Val::Str(t, _) => out.push_str(&t),
                other => out.push_str(&super::repr(&other)),
            }
        }
        out.push_str(&end);
        self.write_stdout(&out);
        Ok(Val::None)
    }

    /// Writes `text` to standard output (kept only in a whole-program run).
    pub(crate) fn write_stdout(&mut self, text: &str) {
        if let Some(io) = self.io.as_deref_mut() {
            io.out.push_str(text);
        }
    }
}
