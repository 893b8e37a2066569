//! Command-line arguments, one file per command.

mod explore;
mod fix;
mod generate;
mod grade;
mod ml;
mod serve;

pub use explore::ExploreArgs;
pub use fix::{FixArgs, FixFormat};
pub use generate::{CriticArgs, GenArgs, GradedInputs, PairsArgs};
pub use grade::{GradeArgs, JudgeArgs, SandboxArgs};
pub use ml::{AdversarialArgs, ProbArgs};
pub use serve::ServeArgs;

use explore::EXPLORE_EXAMPLES;
use fix::FIX_HELP;
use generate::GEN_HELP;
use grade::GRADE_HELP;
use ml::{ADVERSARIAL_HELP, PROB_HELP};
use serve::SERVE_HELP;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "symtest",
    version,
    about = "Path-covering tests by symbolic execution",
    long_about = "symtest explores programs symbolically: it runs them on concrete inputs while \
                  tracking how every branch depends on the inputs, then asks a solver for inputs \
                  that take the branches not taken yet, until every feasible path is found."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Explore every path of a program in Gymbo's C-like language, or of a Python function
    #[command(after_long_help = EXPLORE_EXAMPLES)]
    Explore(ExploreArgs),
    /// Generate path-covering test suites for a problem set's reference solutions
    #[command(after_long_help = GEN_HELP)]
    Gen(GenArgs),
    /// Grade model samples against a problem set, in the sandbox
    #[command(after_long_help = GRADE_HELP)]
    Grade(GradeArgs),
    /// Serve rewards over HTTP (native /reward and OpenRLHF's /get_reward)
    #[command(after_long_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// DPO preference pairs (TRL's prompt, chosen, rejected) from graded samples
    Pairs(PairsArgs),
    /// CodeRL critic data (prompt, completion, label 0-3) from graded samples
    CriticData(CriticArgs),
    /// Exact path probabilities, return-value distribution, mean and variance of a probabilistic program
    #[command(after_long_help = PROB_HELP)]
    Prob(ProbArgs),
    /// An input near a given one that a ReLU network classifies differently, or a proof there is none
    #[command(after_long_help = ADVERSARIAL_HELP)]
    Adversarial(AdversarialArgs),
    /// Fix static-analysis findings (ruff, SARIF) and prove the fix kept behaviour
    #[command(after_long_help = FIX_HELP)]
    Fix(FixArgs),
}
