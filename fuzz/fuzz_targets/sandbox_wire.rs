//! Any bytes, read as each kind of sandbox message: decoded or refused
//! (with the field at fault), never a panic; what decodes encodes back to
//! bytes that decode to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use symtest_sandbox::wire::{
    HarnessReply, HarnessRequest, JobReply, JobRequest, WireError, WorkerReply, WorkerRequest,
};

fn round_trip<T>(
    data: &[u8],
    decode: fn(&[u8]) -> Result<T, WireError>,
    encode: fn(&T) -> Vec<u8>,
) {
    if let Ok(m) = decode(data) {
        let bytes = encode(&m);
        let again = decode(&bytes).expect("a message we wrote reads back");
        assert_eq!(encode(&again), bytes);
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip(data, WorkerRequest::decode, WorkerRequest::encode);
    round_trip(data, WorkerReply::decode, WorkerReply::encode);
    round_trip(data, JobRequest::decode, JobRequest::encode);
    round_trip(data, JobReply::decode, JobReply::encode);
    round_trip(data, HarnessRequest::decode, HarnessRequest::encode);
    round_trip(data, HarnessReply::decode, HarnessReply::encode);
});
