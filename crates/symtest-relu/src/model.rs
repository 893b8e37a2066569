//! Dense ReLU networks in symtest's JSON format, run exactly and in floats.
//!
//! ```json
//! {"format": "symtest-mlp",
//!  "layers": [{"weights": [[0.5, -1.0], [2.0, 0.25]], "bias": [0.0, 1.0], "activation": "relu"},
//!             {"weights": [[1.0, -1.0], [-1.0, 1.0]], "bias": [0.0, 0.0], "activation": "linear"}],
//!  "classes": ["no", "yes"]}
//! ```
//!
//! `weights[j][i]` multiplies input `i` of the layer into its output `j`
//! (PyTorch's `Linear.weight` layout; scikit-learn's `coefs_` transposed).
//! The class is the index of the largest output, the first one on a tie.
//! Weights are read as the exact rationals their binary floats denote, so
//! the exact forward pass and Z3 agree on the same network.

use num_traits::Zero;
use serde::Deserialize;
use symtest_term::BigRational;

/// Why a network file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The text is not JSON of the format's shape (a missing or unknown field, a
    /// wrong type).
    #[error("not a network in symtest's format: {0}")]
    Json(#[from] serde_json::Error),
    /// One layer is malformed: shapes that do not fit, a weight that is not
    /// finite, an unknown activation.
    #[error("layer {layer}: {why}")]
    Layer {
        /// The layer's index, from 0 at the input side.
        layer: usize,
        /// What is wrong with it.
        why: String,
    },
    /// The network as a whole is malformed: another format, no layers, fewer than
    /// two outputs, class names that do not match the outputs.
    #[error("{0}")]
    Shape(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    #[serde(default)]
    format: Option<String>,
    layers: Vec<LayerFile>,
    #[serde(default)]
    classes: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerFile {
    weights: Vec<Vec<f64>>,
    bias: Vec<f64>,
    #[serde(default)]
    activation: Option<String>,
}

/// What a layer applies to each of its outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// `max(0, z)`; the default but for the last layer.
    Relu,
    /// `z` unchanged; the default of the last layer.
    Linear,
}

/// One dense layer, in floats and in the exact rationals they denote.
#[derive(Clone, Debug)]
pub struct Layer {
    /// One row per output; `weights[j][i]` multiplies input `i` into output `j`.
    pub weights: Vec<Vec<f64>>,
    /// One bias per output.
    pub bias: Vec<f64>,
    /// The activation of every output.
    pub activation: Activation,
    /// `weights`, each float read as the exact rational it denotes.
    pub exact_weights: Vec<Vec<BigRational>>,
    /// `bias`, each float read as the exact rational it denotes.
    pub exact_bias: Vec<BigRational>,
}

/// A dense network whose class is the index of its largest output.
#[derive(Clone, Debug)]
pub struct Mlp {
    /// The layers, input side first; each takes as many inputs as the one before
    /// has outputs.
    pub layers: Vec<Layer>,
    /// Class names, by output index.
    pub classes: Vec<String>,
}

/// The exact rational a binary float denotes.
pub(crate) fn exact(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap_or_else(BigRational::zero)
}

impl Mlp {
    /// Reads a network in symtest's format, checking every shape (an error names
    /// the layer).
    pub fn from_json(text: &str) -> Result<Mlp, ModelError> {
        let file: ModelFile = serde_json::from_str(text)?;
        if let Some(f) = &file.format
            && f != "symtest-mlp"
        {
            return Err(ModelError::Shape(format!(
                "format is '{f}', expected 'symtest-mlp'"
            )));
        }
        if file.layers.is_empty() {
            return Err(ModelError::Shape("the network has no layers".into()));
        }
        let mut layers = Vec::new();
        let mut width: Option<usize> = None;
        let last = file.layers.len() - 1;
        for (k, l) in file.layers.into_iter().enumerate() {
            let bad = |why: String| ModelError::Layer { layer: k, why };
            if l.weights.is_empty() {
                return Err(bad("no weights".into()));
            }
            if l.weights.len() != l.bias.len() {
                return Err(bad(format!(
                    "{} rows of weights but {} biases (one row per output)",
                    l.weights.len(),
                    l.bias.len()
                )));
            }
            let cols = l.weights[0].len();
            if let Some((j, row)) = l.weights.iter().enumerate().find(|(_, r)| r.len() != cols) {
                return Err(bad(format!(
                    "row {j} has {} weights, row 0 has {cols}",
                    row.len()
                )));
            }
            if let Some(w) = width
                && w != cols
            {
                return Err(bad(format!(
                    "takes {cols} inputs but the layer before gives {w}"
                )));
            }
            if l.weights
                .iter()
                .flatten()
                .chain(&l.bias)
                .any(|x| !x.is_finite())
            {
                return Err(bad("a weight or bias is not a finite number".into()));
            }
            let activation = match l.activation.as_deref() {
                None if k == last => Activation::Linear,
                None | Some("relu") => Activation::Relu,
                Some("linear" | "identity" | "none") => Activation::Linear,
                Some(other) => {
                    return Err(bad(format!(
                        "activation '{other}' is not supported (relu or linear)"
                    )));
                }
            };
            width = Some(l.bias.len());
            layers.push(Layer {
                exact_weights: l
                    .weights
                    .iter()
                    .map(|r| r.iter().map(|&x| exact(x)).collect())
                    .collect(),
                exact_bias: l.bias.iter().map(|&x| exact(x)).collect(),
                weights: l.weights,
                bias: l.bias,
                activation,
            });
        }
        let outputs = width.unwrap_or(0);
        if outputs < 2 {
            return Err(ModelError::Shape(format!(
                "the last layer has {outputs} output; the class is the largest of at least 2 \
                 (export a binary classifier's logit z as the two outputs [0, z])"
            )));
        }
        let classes = match file.classes {
            Some(c) if c.len() == outputs => c
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            Some(c) => {
                return Err(ModelError::Shape(format!(
                    "{} class names for {outputs} outputs",
                    c.len()
                )));
            }
            None => (0..outputs).map(|i| i.to_string()).collect(),
        };
        Ok(Mlp { layers, classes })
    }

    /// How many features an input has.
    pub fn inputs(&self) -> usize {
        self.layers[0].weights[0].len()
    }

    /// How many outputs (classes) there are; at least 2.
    pub fn outputs(&self) -> usize {
        self.classes.len()
    }

    /// The outputs of the network on `x`, computed in floats.
    pub fn forward(&self, x: &[f64]) -> Vec<f64> {
        self.forward_traced(x).1
    }

    /// The outputs, and each layer's values before its activation (what a
    /// gradient needs).
    pub fn forward_traced(&self, x: &[f64]) -> (Vec<Vec<f64>>, Vec<f64>) {
        let mut v = x.to_vec();
        let mut pre = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            let z: Vec<f64> = l
                .weights
                .iter()
                .zip(&l.bias)
                .map(|(row, b)| row.iter().zip(&v).map(|(w, x)| w * x).sum::<f64>() + b)
                .collect();
            v = match l.activation {
                Activation::Relu => z.iter().map(|z| z.max(0.0)).collect(),
                Activation::Linear => z.clone(),
            };
            pre.push(z);
        }
        (pre, v)
    }

    /// The outputs of the network on `x`, computed exactly on the exact weights.
    pub fn forward_exact(&self, x: &[BigRational]) -> Vec<BigRational> {
        self.forward_by(x, |row, b, v, activation| {
            let z = row
                .iter()
                .zip(v)
                .filter(|(w, _)| !w.is_zero())
                .map(|(w, x)| w * x)
                .fold(b.clone(), |acc, t| acc + t);
            match activation {
                Activation::Relu if z < BigRational::zero() => BigRational::zero(),
                _ => z,
            }
        })
    }

    /// The outputs of the network on `x`, layer by layer on the exact
    /// weights, in any arithmetic: `neuron(weights, bias, inputs,
    /// activation)` is one output of a layer.
    pub(crate) fn forward_by<V: Clone>(
        &self,
        x: &[V],
        neuron: impl Fn(&[BigRational], &BigRational, &[V], Activation) -> V,
    ) -> Vec<V> {
        let mut v = x.to_vec();
        for l in &self.layers {
            v = l
                .exact_weights
                .iter()
                .zip(&l.exact_bias)
                .map(|(row, b)| neuron(row, b, &v, l.activation))
                .collect();
        }
        v
    }
}

/// The index of the largest value, the first one on a tie.
pub fn argmax<T: PartialOrd>(v: &[T]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = r#"{"format": "symtest-mlp", "layers": [
        {"weights": [[1.0, -1.0], [-1.0, 1.0]], "bias": [0.0, 0.0], "activation": "relu"},
        {"weights": [[1.0, 0.0], [0.0, 1.0]], "bias": [0.5, 0.0]}],
        "classes": ["left", "right"]}"#;

    #[test]
    fn runs_exactly_and_in_floats_alike() {
        let m = Mlp::from_json(TINY).expect("valid");
        assert_eq!(m.inputs(), 2);
        assert_eq!(m.layers[1].activation, Activation::Linear);
        let x = [0.0, 2.0];
        assert_eq!(m.forward(&x), vec![0.5, 2.0]);
        assert_eq!(argmax(&m.forward(&x)), 1);
        let ex: Vec<BigRational> = x.iter().map(|&v| exact(v)).collect();
        assert_eq!(argmax(&m.forward_exact(&ex)), 1);
        assert_eq!(argmax(&[1, 3, 3]), 1);
    }

    #[test]
    fn shapes_are_checked_with_the_layer_named() {
        let err = |t: &str| Mlp::from_json(t).expect_err(t).to_string();
        assert!(err(r#"{"layers": []}"#).contains("no layers"));
        assert!(
            err(r#"{"layers": [{"weights": [[1.0]], "bias": [0.0, 1.0]}]}"#)
                .contains("layer 0: 1 rows of weights but 2 biases")
        );
        assert!(
            err(r#"{"layers": [{"weights": [[1.0],[2.0]], "bias": [0.0, 1.0], "activation": "tanh"}]}"#)
                .contains("'tanh' is not supported")
        );
        assert!(err(r#"{"layers": [{"weights": [[1.0]], "bias": [0.0]}]}"#).contains("at least 2"));
        assert!(err(r#"{"layers": [{"weights": [[1.0, 2.0], [1.0, 2.0]], "bias": [0.0, 0.0]},
                              {"weights": [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], "bias": [0.0, 0.0]}]}"#)
            .contains("layer 1: takes 3 inputs but the layer before gives 2"));
        assert!(err(r#"{"layer": []}"#).contains("not a network"));
    }
}
