//! ONNX: the logistic model written as an ONNX graph, and (with the `onnx` feature) any ONNX
//! classifier run through the same [`RiskModel`] interface with the pure-Rust `tract` runtime.
//!
//! Why write ONNX ourselves: an agency's certified vendor model arrives as ONNX, and the plug-in
//! path must be tested with a model whose right answers we know. The project's own logistic model
//! is that model: [`to_onnx`] writes it as a five-node graph
//! (`Sub(mean) → Div(scale) → MatMul(coef) → Add(intercept) → Sigmoid`, float32, opset 13) with a
//! small protobuf writer (ONNX's `onnx.proto` field numbers, cited inline), so no protobuf
//! compiler or code generator is needed, and the ONNX runtime's scores can be compared with the
//! native ones.
//!
//! The runtime (`tract-onnx`) is behind the cargo feature `onnx`, which CI does not build: it adds
//! minutes to a clean build (measured figure in `bench/predictive/results-*.md`).

use crate::model::LogisticModel;
#[cfg(feature = "onnx")]
use crate::model::{ModelCard, ModelError, RiskModel};

/// Protobuf wire types.
const VARINT: u64 = 0;
const LEN: u64 = 2;

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn key(out: &mut Vec<u8>, field: u64, wire: u64) {
    varint(out, (field << 3) | wire);
}

fn int_field(out: &mut Vec<u8>, field: u64, v: i64) {
    key(out, field, VARINT);
    varint(out, v as u64);
}

fn bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    key(out, field, LEN);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// ONNX `TensorProto.DataType.FLOAT`.
const FLOAT: i64 = 1;

/// `TensorProto`: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian values).
fn tensor(name: &str, dims: &[i64], values: &[f32]) -> Vec<u8> {
    let mut t = Vec::new();
    for &d in dims {
        int_field(&mut t, 1, d);
    }
    int_field(&mut t, 2, FLOAT);
    bytes_field(&mut t, 8, name.as_bytes());
    let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    bytes_field(&mut t, 9, &raw);
    t
}

/// `ValueInfoProto` (name = 1, type = 2) of a float tensor; `TypeProto.tensor_type` = 1,
/// `Tensor.elem_type` = 1, `Tensor.shape` = 2, `TensorShapeProto.dim` = 1,
/// `Dimension.dim_value` = 1, `Dimension.dim_param` = 2.
fn value_info(name: &str, dims: &[Result<i64, &str>]) -> Vec<u8> {
    let mut shape = Vec::new();
    for d in dims {
        let mut dim = Vec::new();
        match d {
            Ok(v) => int_field(&mut dim, 1, *v),
            Err(param) => bytes_field(&mut dim, 2, param.as_bytes()),
        }
        bytes_field(&mut shape, 1, &dim);
    }
    let mut tensor_type = Vec::new();
    int_field(&mut tensor_type, 1, FLOAT);
    bytes_field(&mut tensor_type, 2, &shape);
    let mut ty = Vec::new();
    bytes_field(&mut ty, 1, &tensor_type);
    let mut v = Vec::new();
    bytes_field(&mut v, 1, name.as_bytes());
    bytes_field(&mut v, 2, &ty);
    v
}

/// `NodeProto`: input = 1, output = 2, name = 3, op_type = 4.
fn node(op: &str, inputs: &[&str], output: &str) -> Vec<u8> {
    let mut n = Vec::new();
    for i in inputs {
        bytes_field(&mut n, 1, i.as_bytes());
    }
    bytes_field(&mut n, 2, output.as_bytes());
    bytes_field(&mut n, 3, format!("{op}_{output}").as_bytes());
    bytes_field(&mut n, 4, op.as_bytes());
    n
}

/// The name of the graph's input (`[N, features]`, float32).
pub const INPUT: &str = "features";
/// The name of the graph's output (`[N, 1]`, float32 probability).
pub const OUTPUT: &str = "probability";

/// The logistic model as an ONNX model (bytes of a `ModelProto`).
pub fn to_onnx(model: &LogisticModel) -> Vec<u8> {
    let p = model.features.len() as i64;
    let f32s = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    // GraphProto: node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12.
    let mut g = Vec::new();
    bytes_field(&mut g, 1, &node("Sub", &[INPUT, "mean"], "centred"));
    bytes_field(
        &mut g,
        1,
        &node("Div", &["centred", "scale"], "standardised"),
    );
    bytes_field(
        &mut g,
        1,
        &node("MatMul", &["standardised", "coef"], "linear"),
    );
    bytes_field(&mut g, 1, &node("Add", &["linear", "intercept"], "logit"));
    bytes_field(&mut g, 1, &node("Sigmoid", &["logit"], OUTPUT));
    bytes_field(&mut g, 2, model.name.as_bytes());
    bytes_field(&mut g, 5, &tensor("mean", &[p], &f32s(&model.means)));
    bytes_field(&mut g, 5, &tensor("scale", &[p], &f32s(&model.scales)));
    bytes_field(
        &mut g,
        5,
        &tensor("coef", &[p, 1], &f32s(&model.coefficients)),
    );
    bytes_field(
        &mut g,
        5,
        &tensor("intercept", &[1], &[model.intercept as f32]),
    );
    let doc = format!(
        "Logistic model {} ({}); features in order: {}",
        model.name,
        model.outcome,
        model.features.join(", ")
    );
    bytes_field(&mut g, 10, doc.as_bytes());
    bytes_field(&mut g, 11, &value_info(INPUT, &[Err("N"), Ok(p)]));
    bytes_field(&mut g, 12, &value_info(OUTPUT, &[Err("N"), Ok(1)]));
    // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7,
    // opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2).
    let mut m = Vec::new();
    int_field(&mut m, 1, 8);
    bytes_field(&mut m, 2, b"mulighetsrom");
    bytes_field(&mut m, 3, env!("CARGO_PKG_VERSION").as_bytes());
    bytes_field(&mut m, 7, &g);
    let mut opset = Vec::new();
    bytes_field(&mut opset, 1, b"");
    int_field(&mut opset, 2, 13);
    bytes_field(&mut m, 8, &opset);
    m
}

/// A classifier in ONNX format run by `tract` (feature `onnx`). The graph must take one float32
/// input `[N, features]` (or `[1, features]`) and give the positive-class probability as its
/// first output, one value per row (`[N]` or `[N, 1]`; a two-column `[N, 2]` output is read as
/// `[P(0), P(1)]`, as skl2onnx writes with `zipmap=False`).
#[cfg(feature = "onnx")]
pub struct OnnxModel {
    plan: std::sync::Arc<tract_onnx::prelude::TypedRunnableModel>,
    card: ModelCard,
}

#[cfg(feature = "onnx")]
impl OnnxModel {
    /// Loads and optimises an ONNX file for single-row scoring; the card names its features.
    pub fn load(path: &std::path::Path, card: ModelCard) -> Result<OnnxModel, ModelError> {
        use tract_onnx::prelude::*;
        let bad = |e: TractError| ModelError::Format {
            path: path.display().to_string(),
            format: "onnx",
            reason: format!("{e:#}"),
        };
        let p = card.features.len();
        let plan = tract_onnx::onnx()
            .model_for_path(path)
            .map_err(bad)?
            .with_input_fact(0, f32::fact([1, p]).into())
            .map_err(bad)?
            .into_optimized()
            .map_err(bad)?
            .into_runnable()
            .map_err(bad)?;
        let model = OnnxModel { plan, card };
        model.run(&vec![0.0; p]).map_err(bad)?;
        Ok(model)
    }

    fn run(&self, features: &[f64]) -> tract_onnx::prelude::TractResult<f64> {
        use tract_onnx::prelude::*;
        let x: Vec<f32> = features.iter().map(|&v| v as f32).collect();
        let input = tract_ndarray::Array2::from_shape_vec((1, x.len()), x)?.into_tensor();
        let out = self.plan.run(tvec!(input.into()))?;
        let v = out[0].to_plain_array_view::<f32>()?;
        let flat: Vec<f32> = v.iter().copied().collect();
        Ok(match flat.len() {
            1 => flat[0] as f64,
            2 => flat[1] as f64,
            n => {
                return Err(TractError::msg(format!(
                    "output has {n} values per row, expected 1 or 2"
                )))
            }
        })
    }
}

#[cfg(feature = "onnx")]
impl RiskModel for OnnxModel {
    /// NaN if the runtime fails, which `load` rules out for well-formed input by a trial run.
    fn score(&self, features: &[f64]) -> f64 {
        self.run(features).unwrap_or(f64::NAN)
    }

    fn describe(&self) -> ModelCard {
        self.card.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FitOptions, Matrix};

    fn model() -> LogisticModel {
        let x = Matrix::new(6, 2, vec![0., 1., 1., 0., 2., 1., 3., 0., 4., 1., 5., 0.]).unwrap();
        let y = [false, false, true, false, true, true];
        LogisticModel::fit(
            "toy",
            "y",
            &["a".into(), "b".into()],
            &x,
            &y,
            "toy",
            &FitOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn protobuf_encoding_basics() {
        let mut v = Vec::new();
        varint(&mut v, 300);
        assert_eq!(v, [0xAC, 0x02]);
        let bytes = to_onnx(&model());
        // ModelProto starts with ir_version = 8 (field 1, varint) and names the producer.
        assert_eq!(&bytes[..2], &[0x08, 0x08]);
        let text = String::from_utf8_lossy(&bytes);
        for s in ["mulighetsrom", "Sigmoid", "MatMul", INPUT, OUTPUT] {
            assert!(text.contains(s), "{s}");
        }
    }

    #[cfg(feature = "onnx")]
    #[test]
    fn tract_scores_the_exported_model_like_the_native_one() {
        use crate::model::RiskModel;
        let m = model();
        let dir = std::env::temp_dir().join(format!("svc-risk-onnx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("toy.onnx");
        std::fs::write(&path, to_onnx(&m)).unwrap();
        let onnx = OnnxModel::load(&path, m.describe()).unwrap();
        for row in [[0.0, 1.0], [2.5, 0.0], [5.0, 1.0]] {
            let (a, b) = (m.score(&row), onnx.score(&row));
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
