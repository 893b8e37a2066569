//! symtest: path-covering tests by symbolic execution, and the pipelines
//! that put them to work. The binary `symtest` is a thin layer over this
//! library.
#![warn(missing_docs)]

pub mod explore;
pub mod report;
pub mod sysinfo;
