//! What the endpoints read of a request: its JSON body, and ids as clients
//! give them.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use crate::reply::error;
use crate::state::ServerState;

/// One request at an endpoint: every answer to it is counted there.
pub(crate) struct Endpoint<'a> {
    pub(crate) state: &'a ServerState,
    pub(crate) path: &'static str,
}

impl<'a> Endpoint<'a> {
    /// A request at `path`.
    pub(crate) fn new(state: &'a ServerState, path: &'static str) -> Self {
        Endpoint { state, path }
    }

    /// `r`, counted as an answer with `code`.
    pub(crate) fn respond(&self, code: StatusCode, r: Response) -> Response {
        self.state.count(self.path, code);
        r
    }

    /// The request's JSON body as `T`, or the 400 (counted) saying what was
    /// wrong and what was `expected`.
    pub(crate) fn body<T>(
        &self,
        body: Result<Json<T>, JsonRejection>,
        expected: &str,
    ) -> Result<T, Box<Response>> {
        body.map(|Json(r)| r)
            .map_err(|e| Box::new(self.bad_request(format!("{e}: expected {expected}"))))
    }

    /// A 400 saying `message`, counted.
    pub(crate) fn bad_request(&self, message: impl Into<String>) -> Response {
        let code = StatusCode::BAD_REQUEST;
        self.respond(code, error(code, message))
    }
}

/// A task or sample id: a string or a number (as its text). Anything else
/// is refused as it is met, without being read into memory first.
pub(crate) struct Id(pub(crate) String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Id, E> {
                Ok(Id(s.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Id, E> {
                Ok(Id(Value::from(n).to_string()))
            }
        }
        d.deserialize_any(V)
    }
}
