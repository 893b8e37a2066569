//! Any text: read as JSON or refused, never a panic; and on what serde_json
//! also reads, the two agree on the shape (ints stay ints, only their size
//! differs: serde_json turns big ones into floats).
#![no_main]

use libfuzzer_sys::fuzz_target;
use symtest_pyvalue::{PyValue, from_json};

fn same_shape(p: &PyValue, j: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (p, j) {
        (PyValue::None, J::Null) => true,
        (PyValue::Bool(a), J::Bool(b)) => a == b,
        (PyValue::Int(_), J::Number(_)) | (PyValue::Float(_), J::Number(_)) => true,
        (PyValue::Str(_) | PyValue::SurrogateStr(_), J::String(_)) => true,
        (PyValue::List(xs), J::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_shape(x, y))
        }
        (PyValue::Dict(kvs), J::Object(m)) => kvs.len() == m.len(),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = from_json(text);
    if let (Ok(p), Ok(j)) = (&ours, serde_json::from_str::<serde_json::Value>(text)) {
        assert!(same_shape(p, &j), "{p:?} {j:?}");
    }
});
