//! Python values to JSON and back: rows in, outcome and suite rows out.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value as Json};

/// How deeply a row may nest (rows are data, never deep).
const MAX_DEPTH: usize = 256;

/// A Python value (dicts with string keys, lists, tuples, str, int, float,
/// bool, None; anything with `tolist()` or `item()`, as numpy values have)
/// as JSON. An int beyond 64 bits, a NaN or an infinity has no JSON form
/// and is refused with what to do instead.
pub fn to_json(v: &Bound<'_, PyAny>) -> PyResult<Json> {
    to_json_at(v, 0)
}

fn to_json_at(v: &Bound<'_, PyAny>, depth: usize) -> PyResult<Json> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "a row nests deeper than {MAX_DEPTH} levels"
        )));
    }
    if v.is_none() {
        return Ok(Json::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Json::Bool(b.is_true()));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Json::String(s.to_cow()?.into_owned()));
    }
    if v.cast::<PyInt>().is_ok() {
        if let Ok(i) = v.extract::<i64>() {
            return Ok(Json::from(i));
        }
        if let Ok(u) = v.extract::<u64>() {
            return Ok(Json::from(u));
        }
        return Err(PyValueError::new_err(
            "an integer beyond 64 bits has no exact JSON form here: give the field as JSON text \
             (APPS' input_output is a string for that reason)",
        ));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Json::Number)
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "{} has no JSON form: give the field as JSON text",
                    f.value()
                ))
            });
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, item) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!("row keys must be strings, found {}", type_name(&k)))
            })?;
            map.insert(key.to_cow()?.into_owned(), to_json_at(&item, depth + 1)?);
        }
        return Ok(Json::Object(map));
    }
    if let Ok(l) = v.cast::<PyList>() {
        return l.iter().map(|x| to_json_at(&x, depth + 1)).collect();
    }
    if let Ok(t) = v.cast::<PyTuple>() {
        return t.iter().map(|x| to_json_at(&x, depth + 1)).collect();
    }
    // numpy arrays and scalars, pandas values: their plain Python form.
    for method in ["tolist", "item"] {
        if v.hasattr(method)? {
            let plain = v.call_method0(method)?;
            if !plain.is(v) {
                return to_json_at(&plain, depth + 1);
            }
        }
    }
    // Any other mapping (a datasets row, a MappingProxy).
    if v.hasattr("keys")? && v.hasattr("__getitem__")? {
        let dict = PyDict::new(v.py());
        for k in v.call_method0("keys")?.try_iter()? {
            let k = k?;
            dict.set_item(&k, v.get_item(&k)?)?;
        }
        return to_json_at(dict.as_any(), depth);
    }
    Err(PyTypeError::new_err(format!(
        "a {} has no JSON form (rows hold str, int, float, bool, None, lists and dicts)",
        type_name(v)
    )))
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map_or_else(|_| "value".to_string(), |n| n.to_string())
}

/// JSON as Python values: objects become dicts, arrays lists.
pub fn to_py<'py>(py: Python<'py>, v: &Json) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Json::Null => py.None().into_bound(py),
        Json::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Json::String(s) => PyString::new(py, s).into_any(),
        Json::Array(xs) => {
            let items = xs
                .iter()
                .map(|x| to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Json::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// A task or sample id: a string, or an integer (MBPP and APPS number
/// their tasks), as the problem files key them.
pub fn id_of(v: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if v.cast::<PyInt>().is_ok() && v.cast::<PyBool>().is_err() {
        return Ok(v.str()?.to_cow()?.into_owned());
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a string or an integer, found {}",
        type_name(v)
    )))
}
