//! symtest: path-covering tests by symbolic execution, and the pipelines
//! that put them to work. The binary `symtest` is a thin layer over this
//! library.

pub mod dataset;
pub mod explore;
pub mod fix;
pub mod grade;
pub mod report;
pub mod samples;
pub mod serve;
pub mod sysinfo;
pub mod testgen;
pub mod train_data;
