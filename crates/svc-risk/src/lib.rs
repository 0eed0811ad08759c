//! Breast-cancer risk (service S7) and the machinery for predictive models.
//!
//! - [`gail`]: the NCI Breast Cancer Risk Assessment Tool (Gail model) from its published numbers.
//! - [`model`]: the classifier interface, a documented logistic regression stored as JSON, and
//!   its evaluation (stratified k-fold cross-validation, ROC AUC with DeLong's interval,
//!   operating points, calibration).
//! - [`wdbc`]: the Wisconsin diagnostic breast-cancer data (real, published) as shipped by smartcore.
//! - [`followup`]: S6, risk-stratified screening recommendations from the Gail estimate, their
//!   effect on programme capacity, and the explanation a woman can read.
//! - [`lifestyle`]: a lifestyle risk model trained on the synthetic cohort.
//! - [`onnx`]: the logistic model written as ONNX; with the `onnx` feature, ONNX classifiers
//!   (an agency's vendor model) behind the same [`RiskModel`] interface, run by `tract`.
//!
//! Pure computation: no IO besides reading a model file a caller names.

pub mod eval;
pub mod followup;
pub mod gail;
pub mod lifestyle;
pub mod model;
pub mod onnx;
pub mod wdbc;

pub use model::{LogisticModel, ModelCard, ModelError, RiskModel};
