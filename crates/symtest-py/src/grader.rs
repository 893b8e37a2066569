//! `Grader`: samples graded in the sandbox into the outcome rows
//! `symtest grade` writes, the GIL released while they run.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use symtest_formats::dataset::Problem;
use symtest_grade::{GradeError, GradeOptions, GradeSettings, JudgeKind, Outcome, RewardKind};
use symtest_sandbox::Pool;

use crate::common::{Sandboxing, build_pool, parallel};
use crate::convert::id_of;
use crate::errors::BindError;
use crate::problems::Problems;

/// One sample to grade.
struct SampleIn {
    task_id: String,
    sample_id: String,
    completion: String,
}

/// What a grader holds while it is open.
struct Inner {
    pool: Arc<Pool>,
    /// The grader over the problems it was made with (its calibrations
    /// kept across calls).
    grader: symtest_grade::Grader,
    opts: GradeOptions,
    /// Why references could not set time limits, by task, as grading
    /// found them (the default limit was used for those tasks).
    reference_notes: Mutex<BTreeMap<String, String>>,
}

/// Grades samples against problems in the sandbox. Thread-safe: any number
/// of threads may call `grade` at once; they share the sandbox's workers.
#[pyclass(frozen, module = "symtest._symtest")]
pub struct Grader {
    inner: Mutex<Option<Arc<Inner>>>,
    problems: Option<Py<Problems>>,
}

/// The judging settings, checked as `symtest grade` checks its flags.
struct Judging<'a> {
    reward: &'a str,
    timeout_factor: f64,
    timeout_floor: Option<f64>,
    default_timeout: f64,
    judge: &'a str,
    float_tolerance: f64,
    rtol: f64,
    atol: f64,
    extract: bool,
}

fn grade_options(j: &Judging<'_>) -> Result<GradeOptions, BindError> {
    GradeSettings {
        reward: RewardKind::from_str(j.reward).map_err(BindError::Invalid)?,
        timeout_factor: j.timeout_factor,
        timeout_floor: j.timeout_floor,
        default_timeout: j.default_timeout,
        judge: JudgeKind::from_str(j.judge).map_err(BindError::Invalid)?,
        float_tolerance: j.float_tolerance,
        rtol: j.rtol,
        atol: j.atol,
        extract: j.extract,
    }
    .options(str::to_string)
    .map_err(BindError::Invalid)
}

/// Reads samples: mappings with `task_id`, `completion` and optionally
/// `sample_id` (else the sample's position among its task's samples here).
fn read_samples(samples: &[Bound<'_, PyAny>]) -> PyResult<Vec<SampleIn>> {
    let mut counters: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(samples.len());
    for (i, s) in samples.iter().enumerate() {
        let field = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
            match s.get_item(name) {
                Ok(v) if v.is_none() => Ok(None),
                Ok(v) => Ok(Some(v)),
                Err(e) if e.is_instance_of::<PyKeyError>(s.py()) => Ok(None),
                Err(e) => Err(e),
            }
        };
        let task = field("task_id")?
            .ok_or_else(|| PyKeyError::new_err(format!("samples[{i}] has no 'task_id'")))?;
        let task_id = id_of(&task, &format!("samples[{i}]['task_id']"))?;
        let completion = field("completion")?
            .ok_or_else(|| PyKeyError::new_err(format!("samples[{i}] has no 'completion'")))?;
        let completion = completion
            .cast::<PyString>()
            .map_err(|_| {
                PyTypeError::new_err(format!("samples[{i}]['completion'] must be a string"))
            })?
            .to_cow()?
            .into_owned();
        let n = counters.entry(task_id.clone()).or_default();
        let sample_id = match field("sample_id")? {
            Some(v) => id_of(&v, &format!("samples[{i}]['sample_id']"))?,
            None => n.to_string(),
        };
        *n += 1;
        out.push(SampleIn {
            task_id,
            sample_id,
            completion,
        });
    }
    Ok(out)
}

/// Measures the reference of every task once, then grades every sample,
/// each step on `workers` threads; the outcomes, and why references could
/// not set time limits, by task.
fn grade_all(
    grader: &symtest_grade::Grader,
    samples: &[SampleIn],
    workers: usize,
) -> Result<(Vec<Outcome>, BTreeMap<String, String>), GradeError> {
    let tasks: Vec<&String> = samples
        .iter()
        .map(|s| &s.task_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let calibrations = parallel(&tasks, workers, |t| grader.calibrate(t))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let notes = tasks
        .iter()
        .zip(calibrations)
        .filter_map(|(t, c)| Some(((*t).clone(), c.problem.clone()?)))
        .collect();
    let outcomes = parallel(samples, workers, |s| {
        grader.grade(&s.task_id, &s.sample_id, &s.completion)
    })
    .into_iter()
    .collect::<Result<_, _>>()?;
    Ok((outcomes, notes))
}

/// Records the reference notes of a call and warns (RuntimeWarning) about
/// the tasks not warned about before whose reference failed (a problem with
/// no reference, such as inline tests, is graded with the default limit by
/// design: it is listed, not warned about).
fn warn_reference_notes(
    py: Python<'_>,
    inner: &Inner,
    grader: &symtest_grade::Grader,
    notes: BTreeMap<String, String>,
) -> PyResult<()> {
    let new: Vec<(String, String)> = {
        let mut known = inner
            .reference_notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        notes
            .into_iter()
            .filter(|(t, why)| known.insert(t.clone(), why.clone()).is_none())
            .filter(|(t, _)| {
                grader
                    .problems()
                    .get(t)
                    .is_some_and(|p| p.reference.is_some())
            })
            .collect()
    };
    let Some((task, why)) = new.first() else {
        return Ok(());
    };
    let more = match new.len() {
        1 => String::new(),
        n => format!(" (and {} more; see Grader.reference_problems())", n - 1),
    };
    let message = std::ffi::CString::new(format!(
        "the reference of {task} could not set time limits, so the default limit was used: {why}{more}"
    )
    .replace('\0', "\\0"))
    .unwrap_or_default();
    PyErr::warn(
        py,
        &py.get_type::<pyo3::exceptions::PyRuntimeWarning>(),
        &message,
        1,
    )
}

impl Grader {
    fn inner(&self) -> Result<Arc<Inner>, BindError> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(BindError::Closed)
    }
}

#[pymethods]
impl Grader {
    #[new]
    #[pyo3(signature = (
        problems=None, *, workers=None, reward="coderl", timeout_factor=4.0,
        timeout_floor=None, default_timeout=3.0, judge="tokens", float_tolerance=1e-6,
        rtol=1e-7, atol=1e-9, extract=true, python=None, memory_mb=2048, output_mb=16,
        sandbox_read=Vec::new(), allow_weaker_isolation=false
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        problems: Option<Py<Problems>>,
        workers: Option<usize>,
        reward: &str,
        timeout_factor: f64,
        timeout_floor: Option<f64>,
        default_timeout: f64,
        judge: &str,
        float_tolerance: f64,
        rtol: f64,
        atol: f64,
        extract: bool,
        python: Option<PathBuf>,
        memory_mb: u64,
        output_mb: u64,
        sandbox_read: Vec<PathBuf>,
        allow_weaker_isolation: bool,
    ) -> PyResult<Grader> {
        let opts = grade_options(&Judging {
            reward,
            timeout_factor,
            timeout_floor,
            default_timeout,
            judge,
            float_tolerance,
            rtol,
            atol,
            extract,
        })?;
        let pool = Arc::new(build_pool(
            py,
            Sandboxing {
                workers,
                python,
                memory_mb,
                output_mb,
                sandbox_read,
                allow_weaker_isolation,
            },
        )?);
        let map: Arc<BTreeMap<String, Problem>> = match &problems {
            Some(p) => p.get().map.clone(),
            None => Arc::new(BTreeMap::new()),
        };
        let grader = symtest_grade::Grader::new(pool.clone(), map, opts.clone());
        Ok(Grader {
            inner: Mutex::new(Some(Arc::new(Inner {
                pool,
                grader,
                opts,
                reference_notes: Mutex::new(BTreeMap::new()),
            }))),
            problems,
        })
    }

    /// Grades samples (mappings with `task_id`, `completion`, optionally
    /// `sample_id`) against the grader's problems, or against `problems`
    /// when given; one outcome dict per sample, in order.
    #[pyo3(signature = (samples, problems=None))]
    fn grade<'py>(
        &self,
        py: Python<'py>,
        samples: Vec<Bound<'py, PyAny>>,
        problems: Option<PyRef<'py, Problems>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let items = read_samples(&samples)?;
        let inner = self.inner()?;
        let local;
        let grader = match &problems {
            Some(p) => {
                local = symtest_grade::Grader::new(
                    inner.pool.clone(),
                    p.map.clone(),
                    inner.opts.clone(),
                );
                &local
            }
            None => &inner.grader,
        };
        if let Some(s) = items
            .iter()
            .find(|s| !grader.problems().contains_key(&s.task_id))
        {
            return Err(BindError::UnknownTask(s.task_id.clone()).into());
        }
        let workers = inner.pool.size();
        let (outcomes, notes) = py
            .detach(|| grade_all(grader, &items, workers))
            .map_err(BindError::from)?;
        warn_reference_notes(py, &inner, grader, notes)?;
        // Through JSON text, so that each dict is the very row `symtest
        // grade` writes, its fields in the same order.
        let loads = py.import("json")?.getattr("loads")?;
        let rows = outcomes
            .iter()
            .map(|o| {
                let text = serde_json::to_string(o)
                    .map_err(|e| BindError::Invalid(format!("an outcome as JSON: {e}")))?;
                loads.call1((text,))
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }

    /// The problems the grader was made with (None when it has none).
    #[getter]
    fn problems(&self, py: Python<'_>) -> Option<Py<Problems>> {
        self.problems.as_ref().map(|p| p.clone_ref(py))
    }

    /// Samples graded at once (the sandbox's worker slots).
    #[getter]
    fn workers(&self) -> PyResult<usize> {
        Ok(self.inner()?.pool.size())
    }

    /// Why references could not set time limits (their tasks were graded
    /// with the default limit), by task id, for every task graded so far.
    fn reference_problems(&self) -> PyResult<BTreeMap<String, String>> {
        Ok(self
            .inner()?
            .reference_notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone())
    }

    /// What is weaker than full isolation on this machine (empty when
    /// nothing is).
    fn weaknesses(&self) -> PyResult<Vec<String>> {
        Ok(self
            .inner()?
            .pool
            .capabilities()
            .weaknesses()
            .into_iter()
            .map(|w| w.to_string())
            .collect())
    }

    /// The reward kind: binary, fraction or coderl.
    #[getter]
    fn reward(&self) -> PyResult<&'static str> {
        Ok(self.inner()?.opts.reward.name())
    }

    /// Whether the grader was closed.
    #[getter]
    fn closed(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }

    /// Stops the sandbox's workers once the calls in progress end; later
    /// calls raise.
    fn close(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.close();
        false
    }
}
