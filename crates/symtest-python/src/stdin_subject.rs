//! A whole program that reads standard input, as the explorer's
//! [`Subject`]: each run runs the module as `__main__`, its input read line
//! by line from the dataset's examples (the first runs, one per example)
//! or from the explorer's variables in the shape learnt so far
//! ([`crate::stdin`]), and its output kept.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::Signed;

use symtest_explore::{Outcome, SiteId, Subject, Tracer};
use symtest_term::{Model, Sort, Term, Value, Var};

use crate::fxhash::FxHashMap;
use crate::interp::{Flow, Interp, Io, Limits, Silent, describe, exception_message};
use crate::program::{Program, PyException};
use crate::sites::Sites;
use crate::stdin::{Shape, StdinOptions, stdin_seed};
use crate::subject::SubjectStats;
use crate::value::Val;

/// How a whole-program run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum ProgramEnd {
    /// It ran to its end (or `exit()` with status 0 or none).
    Finished,
    /// An exception nothing caught (`SystemExit` with another status too).
    Raised(PyException),
    /// A bound or an unsupported construct stopped it.
    Stopped(String),
}

/// One whole-program run: what it read and what it printed.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgramRun {
    /// The standard input it read (every line it asked for).
    pub stdin: String,
    /// Everything it printed to standard output.
    pub stdout: String,
    /// How it ended.
    pub end: ProgramEnd,
}

/// A program reading standard input, as the explorer's subject.
pub struct StdinSubject<'p> {
    program: &'p Program,
    shape: Rc<RefCell<Shape>>,
    seeds: Vec<Rc<[String]>>,
    /// How many of `seeds` are the examples (the rest are their variants).
    examples: usize,
    /// Bounds on generated inputs.
    pub options: StdinOptions,
    /// The bounds of each run.
    pub limits: Limits,
    /// Counts over the runs so far.
    pub stats: SubjectStats,
    runs: usize,
}

fn lines_of(text: &str) -> Rc<[String]> {
    text.lines().map(str::to_string).collect::<Vec<_>>().into()
}

/// Reads values from a model (the defaults for variables it lacks).
struct ModelTracer<'m> {
    vars: &'m [Var],
    model: &'m Model,
}

impl Tracer for ModelTracer<'_> {
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Term) {
        let v = crate::inputs::model_value(self.vars, self.model, name, sort);
        (v.clone(), Term::constant(v))
    }
    fn branch(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn branch_concrete(&mut self, _: SiteId, _: bool) {}
    fn assume(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn concretised(&mut self, _: &str) {}
}

/// Gives an example's values (as the explorer replaying it would) under
/// variables, so that a run learns where each number goes.
struct SeedTracer {
    values: FxHashMap<String, Value>,
    inputs: u32,
}

impl Tracer for SeedTracer {
    fn input(&mut self, name: &str, sort: Sort) -> (Value, Term) {
        let var = Var::new(self.inputs, name, sort);
        self.inputs += 1;
        let v = self
            .values
            .get(name)
            .filter(|v| v.sort() == sort)
            .cloned()
            .unwrap_or_else(|| sort.default_value());
        (v, Term::var(var))
    }
    fn branch(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn branch_concrete(&mut self, _: SiteId, _: bool) {}
    fn assume(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn concretised(&mut self, _: &str) {}
}

/// Runs `program` as `__main__` with `io`, reporting to `tracer`.
fn run_main(
    program: &Program,
    tracer: &mut dyn Tracer,
    limits: Limits,
    io: Io,
) -> (ProgramEnd, Io, u64) {
    let mut interp = Interp::new(program.module(), tracer, limits);
    interp.io = Some(Box::new(io));
    let end = match interp.run_module() {
        Ok(()) => ProgramEnd::Finished,
        Err(Flow::Exc(e)) if e.kind == crate::builtins::ExcType::SystemExit => {
            match e.args.first() {
                None | Some(Val::None) => ProgramEnd::Finished,
                Some(Val::Int(i, _)) if i.is_zero() => ProgramEnd::Finished,
                Some(_) => ProgramEnd::Raised(PyException {
                    type_name: "SystemExit".into(),
                    message: exception_message(&e),
                }),
            }
        }
        Err(Flow::Exc(e)) => ProgramEnd::Raised(PyException {
            type_name: e.name().to_string(),
            message: exception_message(&e),
        }),
        Err(f @ Flow::Stop(_)) => ProgramEnd::Stopped(describe(&f)),
    };
    let concretised = interp.concretised;
    let io = interp.io.take().map(|b| *b);
    drop(interp);
    let io = io.unwrap_or_else(|| Io::new(Rc::default(), None, StdinOptions::default()));
    (end, io, concretised)
}

impl<'p> StdinSubject<'p> {
    /// The subject of `program`, the dataset's example inputs first.
    pub fn new(program: &'p Program, examples: &[String]) -> StdinSubject<'p> {
        StdinSubject::with_statement(program, examples, "", StdinOptions::default())
    }

    /// [`StdinSubject::new`], with the bounds the problem's statement gives
    /// (`1 ≤ n ≤ 100`, see [`crate::statement`]) holding for the numbers
    /// the program stores in variables of those names. Where the statement
    /// lets a number be negative or zero and an example has it positive,
    /// the example with such numbers negated, and with them zero, are
    /// seeds too ([`StdinSubject::variants`]), as is, when `options.grow`,
    /// the example with its counted rows grown to `options.max_tokens`.
    pub fn with_statement(
        program: &'p Program,
        examples: &[String],
        statement: &str,
        options: StdinOptions,
    ) -> StdinSubject<'p> {
        let shape = Shape {
            stated: crate::statement::stated_bounds(statement),
            ..Shape::default()
        };
        let mut variants: Vec<Rc<[String]>> = Vec::new();
        let mut subject = StdinSubject {
            program,
            shape: Rc::new(RefCell::new(shape)),
            seeds: examples.iter().map(|e| lines_of(e)).collect(),
            examples: examples.len(),
            options,
            limits: Limits::default(),
            stats: SubjectStats::default(),
            runs: 0,
        };
        // The examples are read once before exploring, so that the runs
        // replaying them already know the shape (which lines are split,
        // which counts are tied) and decide as later runs will.
        for seed in &subject.seeds {
            let io = Io::new(
                subject.shape.clone(),
                Some(seed.clone()),
                subject.options.clone(),
            );
            let mut tracer = SeedTracer {
                values: stdin_seed(&(seed.join("\n") + "\n")),
                inputs: 0,
            };
            let (_, io, _) = run_main(program, &mut tracer, subject.limits.clone(), io);
            io.learn();
            // Positive numbers the statement lets be negative, negated;
            // and those it lets be zero, zero.
            let negated: fn(&BigInt, &BigInt) -> Option<BigInt> =
                |v, lo| (v.is_positive() && lo.is_negative()).then(|| (-v).max(lo.clone()));
            let zero: fn(&BigInt, &BigInt) -> Option<BigInt> =
                |v, lo| (v.is_positive() && !lo.is_positive()).then(BigInt::default);
            for change in [negated, zero] {
                if let Some(v) = io.variant(change) {
                    variants.push(Rc::from(v));
                }
            }
            // Rows as long as asked for, where an earlier number counts them.
            if subject.options.grow
                && let Some(v) = io.grown(subject.options.max_tokens)
            {
                variants.push(Rc::from(v));
            }
        }
        // Inputs the statement allows and the examples do not show
        // (explored after the examples).
        for v in variants {
            if !subject.seeds.contains(&v) {
                subject.seeds.push(v);
            }
        }
        subject
    }

    /// The statement's bounds, each with whether it held at some token
    /// (the program stored a number in a variable of that name).
    pub fn stated(&self) -> Vec<(crate::statement::Stated, bool)> {
        self.shape.borrow().stated()
    }

    /// The examples' variants at the statement's bounds (see
    /// [`StdinSubject::with_statement`]), as standard inputs.
    pub fn variants(&self) -> Vec<String> {
        self.seeds
            .iter()
            .skip(self.examples)
            .map(|lines| lines.join("\n") + "\n")
            .collect()
    }

    /// The explorer's seeds, one per example, in order (the first runs
    /// replay them).
    pub fn seed_inputs(&self) -> Vec<FxHashMap<String, Value>> {
        self.seeds
            .iter()
            .map(|lines| {
                let mut text = lines.join("\n");
                text.push('\n');
                stdin_seed(&text)
            })
            .collect()
    }

    /// The program's sites.
    pub fn sites(&self) -> &Sites {
        self.program.sites()
    }

    /// The input a path's model stands for, in the shape learnt by now, and
    /// what the program does with it.
    pub fn render(&self, vars: &[Var], model: &Model) -> ProgramRun {
        let mut tracer = ModelTracer { vars, model };
        let io = Io::new(
            Rc::new(RefCell::new(self.shape.borrow().clone())),
            None,
            self.options.clone(),
        );
        let (end, io, _) = run_main(self.program, &mut tracer, self.limits.clone(), io);
        ProgramRun {
            stdin: io.stdin_text(),
            stdout: io.out,
            end,
        }
    }
}

impl Subject for StdinSubject<'_> {
    fn run(&mut self, tracer: &mut dyn Tracer) -> Outcome {
        self.stats.runs += 1;
        let seed = self.seeds.get(self.runs).cloned();
        self.runs += 1;
        let io = Io::new(self.shape.clone(), seed, self.options.clone());
        let mut counting = crate::subject::Counting::new(tracer);
        let (end, io, _) = run_main(self.program, &mut counting, self.limits.clone(), io);
        io.learn();
        for w in counting.what {
            self.stats.concretised += 1;
            *self.stats.concretised_what.entry(w).or_default() += 1;
        }
        let outcome = match end {
            ProgramEnd::Finished => Outcome::Returned(crate::interp::repr(&Val::str(&io.out))),
            ProgramEnd::Raised(e) => Outcome::Error(e.to_string()),
            ProgramEnd::Stopped(s) => Outcome::Stopped(s),
        };
        if let Outcome::Stopped(why) = &outcome {
            self.stats.stopped += 1;
            *self.stats.stop_reasons.entry(why.clone()).or_default() += 1;
        }
        outcome
    }

    fn describe_site(&self, site: SiteId) -> String {
        self.program.sites().describe(site)
    }

    fn site_count(&self) -> Option<usize> {
        Some(self.program.sites().user.len())
    }
}

impl Program {
    /// Runs the program as `__main__` on `stdin`, concretely.
    pub fn run_stdin(&self, stdin: &str, limits: Limits) -> ProgramRun {
        self.run_stdin_traced(stdin, limits, &mut Silent)
    }

    /// [`Program::run_stdin`], reporting the run's decisions to `tracer`
    /// (what a coverage measure listens to).
    pub fn run_stdin_traced(
        &self,
        stdin: &str,
        limits: Limits,
        tracer: &mut dyn Tracer,
    ) -> ProgramRun {
        let io = Io::new(
            Rc::default(),
            Some(lines_of(stdin)),
            StdinOptions::default(),
        );
        let (end, io, _) = run_main(self, tracer, limits, io);
        ProgramRun {
            stdin: stdin.to_string(),
            stdout: io.out,
            end,
        }
    }
}
