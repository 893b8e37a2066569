//! `load_problems`: a problem file, or rows, as an opaque `Problems`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use pyo3::prelude::*;
use symtest_formats::dataset::{self, Format, Loaded, Problem};

use crate::convert::{id_of, to_json};
use crate::errors::BindError;

/// Row problems named in an error, at most.
const SHOWN_ERRORS: usize = 10;

/// A loaded problem set: HumanEval, MBPP, APPS or symtest suites, by task id.
#[pyclass(frozen, module = "symtest._symtest")]
pub struct Problems {
    pub(crate) map: Arc<BTreeMap<String, Problem>>,
    errors: Vec<String>,
    format: Option<Format>,
    source: String,
}

impl Problems {
    fn from_loaded(loaded: Loaded, source: String) -> Result<Problems, BindError> {
        let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
        if loaded.problems.is_empty() {
            let mut message = format!("{source} holds no usable problems");
            for e in errors.iter().take(SHOWN_ERRORS) {
                message.push_str("\n  ");
                message.push_str(e);
            }
            if errors.len() > SHOWN_ERRORS {
                message.push_str(&format!("\n  ... and {} more", errors.len() - SHOWN_ERRORS));
            }
            return Err(BindError::Problems(message));
        }
        Ok(Problems {
            map: Arc::new(loaded.problems),
            errors,
            format: loaded.format,
            source,
        })
    }

    fn get(&self, task_id: &Bound<'_, PyAny>) -> PyResult<&Problem> {
        let id = id_of(task_id, "a task id")?;
        self.map
            .get(&id)
            .ok_or_else(|| BindError::UnknownTask(id).into())
    }
}

fn parse_format(format: Option<&str>) -> Result<Option<Format>, BindError> {
    format
        .map(|f| Format::from_str(f).map_err(BindError::Invalid))
        .transpose()
}

#[pymethods]
impl Problems {
    fn __len__(&self) -> usize {
        self.map.len()
    }

    fn __contains__(&self, task_id: &Bound<'_, PyAny>) -> bool {
        id_of(task_id, "a task id").is_ok_and(|id| self.map.contains_key(&id))
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyResult<Bound<'_, PyAny>> {
        let ids: Vec<&String> = slf.map.keys().collect();
        let list = pyo3::types::PyList::new(slf.py(), ids)?;
        list.as_any().try_iter().map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!(
            "<symtest.Problems: {} problems ({}) from {}>",
            self.map.len(),
            self.format
                .map_or_else(|| "?".to_string(), |f| f.to_string()),
            self.source
        )
    }

    /// The task ids, sorted.
    fn task_ids(&self) -> Vec<String> {
        self.map.keys().cloned().collect()
    }

    /// The rows that could not be used, with where and why.
    #[getter]
    fn errors(&self) -> Vec<String> {
        self.errors.clone()
    }

    /// The format read: humaneval, mbpp, apps, codecontests, taco, verl or suite.
    #[getter]
    fn format(&self) -> Option<String> {
        self.format.map(|f| f.to_string())
    }

    /// What a model is shown for this task.
    fn prompt(&self, task_id: &Bound<'_, PyAny>) -> PyResult<String> {
        Ok(self.get(task_id)?.prompt.clone())
    }

    /// The code a completion continues (HumanEval's prompt; empty elsewhere).
    fn prefix(&self, task_id: &Bound<'_, PyAny>) -> PyResult<String> {
        Ok(self.get(task_id)?.prefix.clone())
    }

    /// The function the tests call, when there is one.
    fn entry_point(&self, task_id: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        Ok(self.get(task_id)?.entry_point.clone())
    }

    /// The reference solution (the whole program), when there is one.
    fn reference(&self, task_id: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        Ok(self.get(task_id)?.reference.clone())
    }

    /// How the tests run (`check`, `call` or `stdio`) and how many there are.
    fn tests(&self, task_id: &Bound<'_, PyAny>) -> PyResult<(String, usize)> {
        let p = self.get(task_id)?;
        Ok((p.tests.mode().to_string(), p.tests.count()))
    }
}

/// Loads a problem file (jsonl, jsonl.gz or a JSON array; the format
/// detected unless given).
#[pyfunction]
#[pyo3(signature = (path, format=None))]
pub fn load_problems_file(
    py: Python<'_>,
    path: PathBuf,
    format: Option<&str>,
) -> PyResult<Problems> {
    let format = parse_format(format)?;
    let source = path.display().to_string();
    let loaded = py
        .detach(|| dataset::load(&path, format))
        .map_err(|e| BindError::Problems(format!("cannot read {source}: {e}")))?;
    Ok(Problems::from_loaded(loaded, source)?)
}

/// Loads problems from rows (dicts with a dataset's fields), `name` saying
/// where they came from in messages.
#[pyfunction]
#[pyo3(signature = (rows, format=None, name="<rows>"))]
pub fn load_problems_rows(
    rows: Vec<Bound<'_, PyAny>>,
    format: Option<&str>,
    name: &str,
) -> PyResult<Problems> {
    let format = parse_format(format)?;
    let mut json = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let v = to_json(row).map_err(|e| {
            BindError::Problems(format!(
                "{name}:{}: {}",
                i + 1,
                e.value(row.py())
                    .str()
                    .map_or_else(|_| "unreadable".into(), |s| s.to_string())
            ))
        })?;
        json.push((i + 1, v));
    }
    let loaded = dataset::from_rows(json, Vec::new(), name, format);
    Ok(Problems::from_loaded(loaded, name.to_string())?)
}
