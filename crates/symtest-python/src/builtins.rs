//! The builtins the interpreter knows, by name, the builtin exception
//! classes, and the modules `import` can bring in (whose members are in the
//! modules' tables, `interp/modules/`).
//!
//! Support follows what real solutions use (ARCHITECTURE.md, symtest-python,
//! gives HumanEval's counts); a name missing here is a `NameError` / `AttributeError` in the
//! run, which stops that path rather than the tool.

use std::fmt;

/// Python's builtin exception classes (the ones programs raise and catch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExcType {
    BaseException,
    Exception,
    ArithmeticError,
    ZeroDivisionError,
    OverflowError,
    LookupError,
    IndexError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    NameError,
    UnboundLocalError,
    StopIteration,
    RuntimeError,
    RecursionError,
    NotImplementedError,
    AssertionError,
    EOFError,
    SystemExit,
}

impl ExcType {
    pub const ALL: [ExcType; 20] = [
        ExcType::BaseException,
        ExcType::Exception,
        ExcType::ArithmeticError,
        ExcType::ZeroDivisionError,
        ExcType::OverflowError,
        ExcType::LookupError,
        ExcType::IndexError,
        ExcType::KeyError,
        ExcType::ValueError,
        ExcType::TypeError,
        ExcType::AttributeError,
        ExcType::NameError,
        ExcType::UnboundLocalError,
        ExcType::StopIteration,
        ExcType::RuntimeError,
        ExcType::RecursionError,
        ExcType::NotImplementedError,
        ExcType::AssertionError,
        ExcType::EOFError,
        ExcType::SystemExit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ExcType::BaseException => "BaseException",
            ExcType::Exception => "Exception",
            ExcType::ArithmeticError => "ArithmeticError",
            ExcType::ZeroDivisionError => "ZeroDivisionError",
            ExcType::OverflowError => "OverflowError",
            ExcType::LookupError => "LookupError",
            ExcType::IndexError => "IndexError",
            ExcType::KeyError => "KeyError",
            ExcType::ValueError => "ValueError",
            ExcType::TypeError => "TypeError",
            ExcType::AttributeError => "AttributeError",
            ExcType::NameError => "NameError",
            ExcType::UnboundLocalError => "UnboundLocalError",
            ExcType::StopIteration => "StopIteration",
            ExcType::RuntimeError => "RuntimeError",
            ExcType::RecursionError => "RecursionError",
            ExcType::NotImplementedError => "NotImplementedError",
            ExcType::AssertionError => "AssertionError",
            ExcType::EOFError => "EOFError",
            ExcType::SystemExit => "SystemExit",
        }
    }

    pub fn parent(self) -> Option<ExcType> {
        Some(match self {
            ExcType::BaseException => return None,
            ExcType::SystemExit => ExcType::BaseException,
            ExcType::Exception => ExcType::BaseException,
            ExcType::ArithmeticError
            | ExcType::LookupError
            | ExcType::ValueError
            | ExcType::TypeError
            | ExcType::AttributeError
            | ExcType::NameError
            | ExcType::StopIteration
            | ExcType::RuntimeError
            | ExcType::AssertionError
            | ExcType::EOFError => ExcType::Exception,
            ExcType::ZeroDivisionError | ExcType::OverflowError => ExcType::ArithmeticError,
            ExcType::IndexError | ExcType::KeyError => ExcType::LookupError,
            ExcType::UnboundLocalError => ExcType::NameError,
            ExcType::RecursionError | ExcType::NotImplementedError => ExcType::RuntimeError,
        })
    }

    /// `self` is `other` or a subclass of it.
    pub fn is_a(self, other: ExcType) -> bool {
        let mut t = Some(self);
        while let Some(x) = t {
            if x == other {
                return true;
            }
            t = x.parent();
        }
        false
    }
}

macro_rules! builtins {
    ($($variant:ident => $name:literal,)*) => {
        /// A callable (or type) the interpreter implements natively.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Builtin {
            $($variant,)*
            Exc(ExcType),
            /// A function or class of a standard-library module; its code
            /// and its name's one entry are in the module's table.
            Stdlib { module: ModuleId, name: &'static str },
        }

        impl Builtin {
            pub fn name(self) -> &'static str {
                match self {
                    $(Builtin::$variant => $name,)*
                    Builtin::Exc(e) => e.name(),
                    Builtin::Stdlib { name, .. } => name,
                }
            }

            const TABLE: &'static [(&'static str, Builtin)] = &[$(($name, Builtin::$variant),)*];
        }
    };
}

builtins! {
    Abs => "abs",
    All => "all",
    Any => "any",
    Bin => "bin",
    Bool => "bool",
    Callable => "callable",
    Chr => "chr",
    Dict => "dict",
    Divmod => "divmod",
    Enumerate => "enumerate",
    Eval => "eval",
    Exit => "exit",
    Filter => "filter",
    Float => "float",
    Format => "format",
    FrozenSet => "frozenset",
    Hasattr => "hasattr",
    Hash => "hash",
    Hex => "hex",
    Input => "input",
    Int => "int",
    Isinstance => "isinstance",
    Iter => "iter",
    Len => "len",
    List => "list",
    Map => "map",
    Max => "max",
    Min => "min",
    Next => "next",
    Object => "object",
    Oct => "oct",
    Open => "open",
    Ord => "ord",
    Pow => "pow",
    Quit => "quit",
    Print => "print",
    Range => "range",
    Repr => "repr",
    Reversed => "reversed",
    Round => "round",
    Set => "set",
    Sorted => "sorted",
    Str => "str",
    Sum => "sum",
    Tuple => "tuple",
    Type => "type",
    Zip => "zip",
    NoneType => "NoneType",
    Bytes => "bytes",
}

impl fmt::Display for Builtin {
    /// The name as Python code reaches it: `len`, `math.sqrt`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Builtin::Stdlib { module, name } => write!(f, "{}.{name}", module.name()),
            other => f.write_str(other.name()),
        }
    }
}

/// Modules `import` can bring in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModuleId {
    Math,
    Collections,
    Functools,
    Itertools,
    Re,
    Hashlib,
    String,
    Typing,
    Sys,
    Os,
}

impl ModuleId {
    /// Every module.
    pub const ALL: [ModuleId; 10] = [
        ModuleId::Math,
        ModuleId::Collections,
        ModuleId::Functools,
        ModuleId::Itertools,
        ModuleId::Re,
        ModuleId::Hashlib,
        ModuleId::String,
        ModuleId::Typing,
        ModuleId::Sys,
        ModuleId::Os,
    ];

    pub fn by_name(name: &str) -> Option<ModuleId> {
        Some(match name {
            "math" => ModuleId::Math,
            "collections" => ModuleId::Collections,
            "functools" => ModuleId::Functools,
            "itertools" => ModuleId::Itertools,
            "re" => ModuleId::Re,
            "hashlib" => ModuleId::Hashlib,
            "string" => ModuleId::String,
            "typing" => ModuleId::Typing,
            "sys" => ModuleId::Sys,
            "os" => ModuleId::Os,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ModuleId::Math => "math",
            ModuleId::Collections => "collections",
            ModuleId::Functools => "functools",
            ModuleId::Itertools => "itertools",
            ModuleId::Re => "re",
            ModuleId::Hashlib => "hashlib",
            ModuleId::String => "string",
            ModuleId::Typing => "typing",
            ModuleId::Sys => "sys",
            ModuleId::Os => "os",
        }
    }
}

/// A plain builtin by its name (`len`, `ValueError`, ...).
pub fn lookup(name: &str) -> Option<Builtin> {
    if let Some(e) = ExcType::ALL.iter().find(|e| e.name() == name) {
        return Some(Builtin::Exc(*e));
    }
    Builtin::TABLE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve() {
        assert_eq!(lookup("len"), Some(Builtin::Len));
        assert_eq!(lookup("KeyError"), Some(Builtin::Exc(ExcType::KeyError)));
        assert_eq!(lookup("math.sqrt"), None);
        assert_eq!(
            Builtin::Stdlib {
                module: ModuleId::Math,
                name: "sqrt"
            }
            .to_string(),
            "math.sqrt"
        );
        assert!(ExcType::KeyError.is_a(ExcType::LookupError));
        assert!(ExcType::ZeroDivisionError.is_a(ExcType::Exception));
        assert!(!ExcType::ValueError.is_a(ExcType::LookupError));
    }
}
