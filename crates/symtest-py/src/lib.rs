//! The Python bindings of symtest: the extension module `symtest._symtest`
//! behind the `symtest` package (`python/symtest`). It binds the library
//! and holds no logic of its own: problems are read by `symtest-formats`,
//! samples graded by `symtest-grade` in `symtest-sandbox`'s workers, suites
//! made by `symtest-gen`, programs explored by `symtest::explore`, and the
//! `symtest` command is `symtest::run_cli`.
#![warn(missing_docs)]

mod common;
mod convert;
mod errors;
mod explore;
mod generate;
mod grader;
mod problems;

use std::ffi::OsString;

use pyo3::prelude::*;

/// Runs the `symtest` command line on `argv` (the program's name first) and
/// returns its exit status; the GIL is released while it runs.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<OsString>) -> u8 {
    py.detach(|| symtest::run_cli(argv))
}

/// The code of a chat-style answer, as the grader takes it out: the fenced
/// block that defines `entry` (or the first Python block, or the first
/// block); text without fences comes back as it is.
#[pyfunction]
#[pyo3(signature = (answer, entry=None))]
fn extract_code(answer: &str, entry: Option<&str>) -> String {
    symtest_formats::samples::extract_code(answer, entry)
}

/// The response in a decoded prompt + response (OpenRLHF's `query`): what
/// follows the prompt, or the chat template's last assistant turn, up to the
/// first end-of-turn token. The reward server cuts queries the same way.
#[pyfunction]
#[pyo3(signature = (query, prompt=None))]
fn response_in_query(query: &str, prompt: Option<&str>) -> String {
    symtest_formats::chat::response_in_query(query, prompt).to_string()
}

/// A model's answer up to its first end-of-turn token.
#[pyfunction]
fn answer_text(text: &str) -> String {
    symtest_formats::chat::answer_text(text).to_string()
}

/// The module `symtest._symtest`.
#[pymodule]
fn _symtest(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(extract_code, m)?)?;
    m.add_function(wrap_pyfunction!(response_in_query, m)?)?;
    m.add_function(wrap_pyfunction!(answer_text, m)?)?;
    m.add_function(wrap_pyfunction!(problems::load_problems_file, m)?)?;
    m.add_function(wrap_pyfunction!(problems::load_problems_rows, m)?)?;
    m.add_function(wrap_pyfunction!(generate::generate, m)?)?;
    m.add_function(wrap_pyfunction!(explore::explore, m)?)?;
    m.add_class::<problems::Problems>()?;
    m.add_class::<grader::Grader>()?;
    m.add("SymtestError", py.get_type::<errors::SymtestError>())?;
    m.add("ProblemsError", py.get_type::<errors::ProblemsError>())?;
    m.add(
        "UnknownTaskError",
        py.get_type::<errors::UnknownTaskError>(),
    )?;
    m.add("SandboxError", py.get_type::<errors::SandboxError>())?;
    m.add("GraderError", py.get_type::<errors::GraderError>())?;
    m.add("ExploreError", py.get_type::<errors::ExploreError>())?;
    Ok(())
}
