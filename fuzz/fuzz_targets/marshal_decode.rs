//! Any bytes: decoded or refused, never a panic, never more than the bounds;
//! what decodes encodes back to bytes that decode to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use symtest_pyvalue::marshal::{Bounds, decode, to_bytes};

fuzz_target!(|data: &[u8]| {
    let bounds = Bounds {
        max_depth: 200,
        max_nodes: 100_000,
    };
    if let Ok(v) = decode(data, bounds) {
        assert!(v.nodes() <= bounds.max_nodes);
        let again = decode(&to_bytes(&v), bounds).expect("a value we wrote reads back");
        assert_eq!(to_bytes(&again), to_bytes(&v));
        let _ = v.repr_capped(200);
    }
});
