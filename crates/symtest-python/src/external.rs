//! External calls: what the interpreter does not model is computed by
//! CPython, concretely, and the exploration goes on (KLEE's external calls).
//!
//! The interpreter describes what it needs as a [`Recipe`], a Python
//! expression over the module under test as CPython imports it: a module
//! (`import m`, relative ones too), a global of the module (a value its top
//! level binds in a way the interpreter cannot run), an attribute, a call
//! with plain arguments, and an object after the method calls made on it so
//! far (each recipe is evaluated in a fresh CPython, so an object's history
//! is replayed). An [`External`] evaluates recipes; this crate never runs
//! CPython itself (the sandbox is the caller's).

use std::fmt::Write as _;
use std::rc::Rc;

use symtest_pyvalue::PyValue;

/// An argument of an external call: a plain value, or another recipe (an
/// object that lives in CPython, a function of the module).
#[derive(Clone, Debug)]
pub enum Arg {
    /// A plain value, sent as it is.
    Value(PyValue),
    /// What another recipe evaluates to.
    Ref(Rc<Recipe>),
}

/// A value CPython computes, as an expression over the module under test.
#[derive(Clone, Debug)]
pub enum Recipe {
    /// `import name` (a name starting with dots is relative to the module's package).
    Module(Rc<str>),
    /// The module's global `name` once CPython has imported it.
    Global(Rc<str>),
    /// `base.name`.
    Attr(Rc<Recipe>, Rc<str>),
    /// `f(*args, **kwargs)`.
    Call(Rc<Recipe>, Vec<Arg>, Vec<(Rc<str>, Arg)>),
    /// An object after what was done to it, in order: calls of its methods,
    /// calls it was passed to, each naming the object [`Recipe::This`].
    After(Rc<Recipe>, Vec<Rc<Recipe>>),
    /// The object of the innermost [`Recipe::After`].
    This,
    /// `list(base)`: an iterable's items.
    Items(Rc<Recipe>),
    /// `raise base` (its answer is the exception).
    Raise(Rc<Recipe>),
    /// A tuple, list or set display of arguments (`"("`, `"["` or `"{"`).
    Display(&'static str, Vec<Arg>),
    /// A dict display.
    Dict(Vec<(Arg, Arg)>),
}

/// What CPython answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A plain value.
    Value(PyValue),
    /// A value that is not plain data: it stays in CPython, named by the recipe.
    Object {
        /// Its class's name.
        type_name: String,
    },
    /// CPython raised.
    Raised {
        /// The exception's class.
        type_name: String,
        /// `str()` of the exception.
        message: String,
        /// The builtin classes among its bases, nearest first.
        bases: Vec<String>,
    },
    /// No answer (the budget of external calls, a timeout, the module does
    /// not load in CPython): why.
    Failed(String),
}

/// Evaluates recipes in CPython. Implementations cache answers: the same
/// recipe always gets the same answer within an exploration.
pub trait External {
    /// CPython's value of `recipe`.
    fn eval(&self, recipe: &Recipe) -> Answer;
}

/// The name the program built for CPython gives the module under test.
pub const SELF: &str = "_symtest_self";
/// The function the program built for CPython defines; its arguments are
/// the plain values of the recipe, in the order [`Recipe::to_python`] lists them.
pub const ENTRY: &str = "_symtest_external";

impl Recipe {
    /// What it names, for reports: `humanize.i18n.gettext(...)`.
    pub fn describe(&self) -> String {
        match self {
            Recipe::Module(m) => m.to_string(),
            Recipe::Global(g) => g.to_string(),
            Recipe::Attr(b, n) => format!("{}.{n}", b.describe()),
            Recipe::Call(f, ..) => format!("{}(...)", f.describe()),
            Recipe::After(b, _) => b.describe(),
            Recipe::This => "it".into(),
            Recipe::Items(b) => format!("list({})", b.describe()),
            Recipe::Raise(b) => format!("raise {}", b.describe()),
            Recipe::Display(open, _) => format!("{open}...{}", close(open)),
            Recipe::Dict(_) => "{...}".into(),
        }
    }

    /// Whether an object it names was made by a call (and so may change
    /// when its methods are called).
    pub fn made_by_call(&self) -> bool {
        match self {
            Recipe::Call(..) | Recipe::After(..) | Recipe::Items(..) | Recipe::Raise(..) => true,
            Recipe::Attr(b, _) => b.made_by_call(),
            Recipe::Module(_) | Recipe::Global(_) | Recipe::This => false,
            Recipe::Display(..) | Recipe::Dict(_) => true,
        }
    }

    /// The Python expression, its plain values pushed onto `values` and
    /// read from the entry's arguments (`_a[i]`).
    pub fn to_python(&self, values: &mut Vec<PyValue>) -> String {
        let mut out = String::new();
        let mut fresh = 0;
        self.write(&mut out, values, &mut fresh, "");
        out
    }

    fn write(&self, out: &mut String, values: &mut Vec<PyValue>, fresh: &mut u32, this: &str) {
        match self {
            Recipe::Module(m) => {
                let _ = write!(
                    out,
                    "__import__('importlib').import_module({}, {SELF}.__package__)",
                    PyValue::Str(m.to_string()).repr()
                );
            }
            Recipe::Global(g) => {
                let _ = write!(
                    out,
                    "getattr({SELF}, {})",
                    PyValue::Str(g.to_string()).repr()
                );
            }
            Recipe::Attr(b, n) => {
                out.push_str("getattr(");
                b.write(out, values, fresh, this);
                let _ = write!(out, ", {})", PyValue::Str(n.to_string()).repr());
            }
            Recipe::Call(f, args, kwargs) => {
                out.push('(');
                f.write(out, values, fresh, this);
                out.push(')');
                write_args(out, args, kwargs, values, fresh, this);
            }
            Recipe::After(b, effects) => {
                let name = format!("_o{fresh}");
                *fresh += 1;
                let _ = write!(out, "[({name} := ");
                b.write(out, values, fresh, this);
                out.push(')');
                for e in effects {
                    out.push_str(", ");
                    e.write(out, values, fresh, &name);
                }
                out.push_str("][0]");
            }
            Recipe::This => out.push_str(this),
            Recipe::Items(b) => {
                out.push_str("list(");
                b.write(out, values, fresh, this);
                out.push(')');
            }
            Recipe::Raise(b) => {
                out.push_str("_symtest_raise(");
                b.write(out, values, fresh, this);
                out.push(')');
            }
            Recipe::Display(open, items) => {
                // `{}` is a dict: an empty set is `set()`.
                if items.is_empty() && *open == "{" {
                    out.push_str("set()");
                    return;
                }
                out.push_str(open);
                for a in items {
                    write_arg(out, a, values, fresh, this);
                    out.push_str(", ");
                }
                out.push_str(close(open));
            }
            Recipe::Dict(items) => {
                out.push('{');
                for (k, v) in items {
                    write_arg(out, k, values, fresh, this);
                    out.push_str(": ");
                    write_arg(out, v, values, fresh, this);
                    out.push_str(", ");
                }
                out.push('}');
            }
        }
    }
}

fn close(open: &str) -> &'static str {
    match open {
        "[" => "]",
        "{" => "}",
        _ => ")",
    }
}

fn write_args(
    out: &mut String,
    args: &[Arg],
    kwargs: &[(Rc<str>, Arg)],
    values: &mut Vec<PyValue>,
    fresh: &mut u32,
    this: &str,
) {
    out.push('(');
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push_str(", ");
        }
    };
    for a in args {
        sep(out);
        write_arg(out, a, values, fresh, this);
    }
    for (k, a) in kwargs {
        sep(out);
        let _ = write!(out, "**{{{}: ", PyValue::Str(k.to_string()).repr());
        write_arg(out, a, values, fresh, this);
        out.push('}');
    }
    out.push(')');
}

fn write_arg(out: &mut String, a: &Arg, values: &mut Vec<PyValue>, fresh: &mut u32, this: &str) {
    match a {
        Arg::Value(v) => {
            let _ = write!(out, "_a[{}]", values.len());
            values.push(v.clone());
        }
        Arg::Ref(r) => r.write(out, values, fresh, this),
    }
}

/// The program CPython runs for a recipe: imports the module under test by
/// its dotted name (its import root first on `sys.path` when given) and
/// defines [`ENTRY`] returning the expression.
pub fn program(module: &str, root: Option<&str>, expression: &str) -> String {
    let mut src = String::from("import importlib as _il, sys as _sys\n");
    if let Some(root) = root {
        let _ = writeln!(
            src,
            "_sys.path.insert(0, {})",
            PyValue::Str(root.into()).repr()
        );
    }
    // A module of the same name the worker imported already (a file named
    // `dis.py`) must not stand for it.
    let name = PyValue::Str(module.into()).repr();
    let _ = writeln!(src, "_sys.modules.pop({name}, None)");
    let _ = writeln!(src, "{SELF} = _il.import_module({name})");
    with_entry(src, expression)
}

/// [`program`] for a module given as text (a dataset's reference, which is
/// no file): the text runs as a fresh module's code.
pub fn program_from_source(source: &str, expression: &str) -> String {
    let mut src = String::from("import importlib as _il, sys as _sys, types as _types\n");
    let _ = writeln!(src, "{SELF} = _types.ModuleType('__symtest_reference__')");
    let _ = writeln!(
        src,
        "exec(compile({}, '<reference>', 'exec'), {SELF}.__dict__)",
        PyValue::Str(source.into()).repr()
    );
    with_entry(src, expression)
}

fn with_entry(mut src: String, expression: &str) -> String {
    src.push_str("def _symtest_raise(e):\n    raise e\n");
    let _ = write!(src, "def {ENTRY}(*_a):\n    return {expression}\n");
    src
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_read_as_python_with_their_values_apart() {
        let f = Rc::new(Recipe::Attr(
            Rc::new(Recipe::Module(".i18n".into())),
            "gettext".into(),
        ));
        let call = Recipe::Call(
            f,
            vec![Arg::Value(PyValue::Str("x".into()))],
            vec![("n".into(), Arg::Value(PyValue::Int(3.into())))],
        );
        let mut values = Vec::new();
        let text = call.to_python(&mut values);
        assert_eq!(
            text,
            "(getattr(__import__('importlib').import_module('.i18n', _symtest_self.__package__), \
             'gettext'))(_a[0], **{'n': _a[1]})"
        );
        assert_eq!(values.len(), 2);
        assert_eq!(call.describe(), ".i18n.gettext(...)");
        assert!(call.made_by_call());
    }

    #[test]
    fn an_object_replays_the_calls_of_its_methods() {
        let obj = Rc::new(Recipe::Call(
            Rc::new(Recipe::Global("Box".into())),
            vec![],
            vec![],
        ));
        let add = Rc::new(Recipe::Attr(Rc::new(Recipe::This), "add".into()));
        let effect = Recipe::Call(add, vec![Arg::Value(PyValue::Int(1.into()))], vec![]);
        let after = Recipe::After(obj, vec![Rc::new(effect)]);
        let mut values = Vec::new();
        assert_eq!(
            after.to_python(&mut values),
            "[(_o0 := (getattr(_symtest_self, 'Box'))()), (getattr(_o0, 'add'))(_a[0])][0]"
        );
    }
}
