//! Arguments of `symtest adversarial` and `symtest prob`.

use std::path::PathBuf;

use clap::Args;
use symtest_solve::SolverKind;

use super::explore::RunBounds;

pub(super) const ADVERSARIAL_HELP: &str = "\
The network (--model) is JSON:
  {\"format\": \"symtest-mlp\",
   \"layers\": [{\"weights\": [[...], ...], \"bias\": [...], \"activation\": \"relu\"},
              ...,
              {\"weights\": [[...], ...], \"bias\": [...], \"activation\": \"linear\"}],
   \"classes\": [\"cat\", \"dog\"]}
weights[j][i] multiplies input i into output j (PyTorch's layout); the class is the index
of the largest output (the first on a tie). scripts/export_mlp.py writes this format from a
scikit-learn MLPClassifier or a PyTorch nn.Sequential of Linear and ReLU.
The input (--input) is a JSON array of numbers, or {\"x\": [...]}.

Solvers:
  z3         exact: the network over real numbers, ReLU as if-then-else. UNSAT means no
             input within eps (on the chosen features) has another class: robust.
  gd         projected sign-gradient ascent on the class margin with random restarts:
             fast, incomplete; finding nothing is 'unknown', never 'robust'.
  portfolio  gd on a fifth of the budget, then z3.
Every example is run through the network exactly (rational arithmetic on the very floats
printed) before it is reported.

Examples:
  symtest adversarial --model net.json --input x.json --eps 0.1
  symtest adversarial --model net.json --input x.json --eps 0.5 --features 0,3 --target 2 --json";

#[derive(Args, Debug)]
pub struct AdversarialArgs {
    /// The network, in symtest's JSON format (see below)
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,

    /// The input point: a JSON array of numbers
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,

    /// How far each chosen feature may move (L-infinity radius)
    #[arg(long, value_name = "E")]
    pub eps: f64,

    /// Only these features may change (comma-separated indices from 0; default all)
    #[arg(long, value_name = "I,J,...", value_delimiter = ',')]
    pub features: Vec<usize>,

    /// Look for this class (an index, or a class name) instead of any other
    #[arg(long, value_name = "C")]
    pub target: Option<String>,

    /// z3 (exact, proves robustness), gd (fast, incomplete) or portfolio
    #[arg(long, default_value = "portfolio", value_name = "KIND")]
    pub solver: SolverKind,

    /// Time budget, in seconds
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub timeout: f64,

    /// Seed of gd's random restarts
    #[arg(long, default_value_t = 7, value_name = "N")]
    pub seed: u64,

    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

pub(super) const PROB_HELP: &str = "\
Random variables, in the program:
  x ~ bernoulli(0.3);                  1 with probability 0.3, else 0
  d ~ uniform(1, 6);                   each integer 1..=6 equally likely
  k ~ binomial(3, 0.2);                successes in 3 trials of probability 0.2
  c ~ categorical(1: 0.5, 5: 1/4, 7: 1/4);
or, for a program in Gymbo's plain syntax, on the command line:
  --dist x=binomial(3,0.2)             the input x is random
Probabilities are exact rationals (0.3 is 3/10; 1/3 is allowed). A `~` that
runs again (in a loop) draws a new variable (x#2, x#3, ...).

Every path is listed with its constraint and exact probability, then the
distribution of the return value, its mean E and variance Var (and those of
--observe VAR), and the probability mass explored: 1 when exploration
completed, less (and said) when a budget stopped it. Inputs that are neither
random nor fixed (--input a=3) stay symbolic: results are then given per
input region (the path constraints on those inputs).

A path is weighed one independent group of random variables at a time,
eliminating variables one by one and merging partial assignments that leave
the same residual constraint: no enumeration of the product of all supports.

Examples:
  symtest prob -f monty.c
  symtest prob 'c1 ~ bernoulli(0.3); c2 ~ bernoulli(0.3); if (c1 + c2 == 2) return 1; return 0;'
  symtest prob 'if (x >= 2) return 1; return 0;' --dist x='binomial(3, 0.2)'
  symtest prob -f game.c --input budget=10 --observe score --json";

#[derive(Args, Debug)]
pub struct ProbArgs {
    /// The program text (or use -f FILE)
    pub program: Option<String>,

    /// Read the program from FILE ('-' for standard input)
    #[arg(short = 'f', long, value_name = "FILE", conflicts_with = "program")]
    pub file: Option<PathBuf>,

    /// A random input: NAME=DIST, e.g. x=binomial(3,0.2) (repeatable)
    #[arg(long, value_name = "NAME=DIST")]
    pub dist: Vec<String>,

    /// A fixed input value: NAME=NUMBER (repeatable)
    #[arg(long, value_name = "NAME=NUMBER")]
    pub input: Vec<String>,

    /// Also give the distribution, mean and variance of this variable at the end of each run
    #[arg(long, value_name = "VAR")]
    pub observe: Option<String>,

    #[command(flatten)]
    pub runs: RunBounds,

    /// Wall-clock budget for the exploration, in seconds
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Partial assignments kept at once while weighing one path
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub max_states: usize,

    /// Decimal digits shown beside each exact probability
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub digits: u32,

    /// Print one JSON object instead of the listing
    #[arg(long)]
    pub json: bool,
}
