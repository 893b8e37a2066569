//! The `symtest` command line: a thin caller of [`symtest::run_cli`].

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(symtest::run_cli(std::env::args_os().collect()))
}
