//! One module per subcommand.

pub mod adversarial;
pub mod common;
pub mod explore;
pub mod fix;
pub mod grade;
pub mod grade_ray;
pub mod lines;
pub mod prob;
pub mod serve;
pub mod testgen;
pub mod train;
