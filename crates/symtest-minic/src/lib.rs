//! Gymbo's C-like language, extended with `!`, `%`, `while` and comments,
//! and run concolically for symtest's explorer.
//!
//! ```
//! use symtest_minic::{Config, MiniC, parse};
//! let program = parse("if (a < 3) if (a > 4) return 1;").unwrap();
//! let subject = MiniC::new(program, Config::default());
//! assert_eq!(subject.program().sites.len(), 2);
//! ```

#![warn(missing_docs)]

pub mod ast;
mod error;
mod interp;
mod lexer;
mod parser;

pub use error::{ParseError, Pos};
pub use interp::{Config, MiniC};
pub use lexer::{Tok, Token, tokenize};
pub use parser::parse;
