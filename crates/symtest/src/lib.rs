//! symtest: path-covering tests by symbolic execution, and the pipelines
//! that put them to work. The binary `symtest` (and the Python package's
//! `symtest` command) is [`run_cli`] and nothing else.
#![warn(missing_docs)]

mod cli;
mod cmd;
pub mod explore;
pub mod report;
pub mod sysinfo;

use std::ffi::OsString;

use clap::Parser;

use cli::{Cli, Command};

/// Runs the `symtest` command line on `args` (the program's name first, as
/// `std::env::args_os` gives them) and returns its exit status: 0 on
/// success, 1 on an error (printed on standard error), 2 for a usage error,
/// and the statuses each command documents (130 when interrupted, 3 when
/// the sandbox could not judge some samples). `--help` and `--version` print
/// and return 0; nothing here exits the process, except a second Ctrl-C
/// while a command runs (the first asks it to stop and report).
pub fn run_cli(args: Vec<OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // A closed standard stream is not worth a panic.
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    let result = match &cli.command {
        Command::Explore(args) => cmd::explore::run(args),
        Command::Gen(args) => cmd::testgen::run(args),
        Command::Grade(args) => cmd::grade::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Pairs(args) => cmd::train::pairs(args),
        Command::CriticData(args) => cmd::train::critic(args),
        Command::Prob(args) => cmd::prob::run(args),
        Command::Adversarial(args) => cmd::adversarial::run(args),
        Command::Fix(args) => cmd::fix::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}
