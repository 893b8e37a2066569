//! The `symtest` command line.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
            ExitCode::from(1)
        }
    }
}
