//! The Wisconsin Diagnostic Breast Cancer data (WDBC): 569 fine-needle aspirates, 30 features of
//! the cell nuclei, 212 malignant.
//!
//! Source: W. H. Wolberg, W. N. Street, O. L. Mangasarian, UCI Machine Learning Repository
//! (doi:10.24432/C5DW2B), licence CC BY 4.0; used as embedded in `smartcore` 0.7
//! (`smartcore::dataset::breast_cancer`, f32 values, target 0 = malignant, 1 = benign, the
//! coding of scikit-learn's `load_breast_cancer`). Here the outcome is **malignant = true**, the
//! class a screening or diagnostic service is looking for.

use crate::model::Matrix;

/// The feature names in column order (mean, standard error and worst of ten measurements).
pub const FEATURES: [&str; 30] = [
    "mean radius",
    "mean texture",
    "mean perimeter",
    "mean area",
    "mean smoothness",
    "mean compactness",
    "mean concavity",
    "mean concave points",
    "mean symmetry",
    "mean fractal dimension",
    "radius error",
    "texture error",
    "perimeter error",
    "area error",
    "smoothness error",
    "compactness error",
    "concavity error",
    "concave points error",
    "symmetry error",
    "fractal dimension error",
    "worst radius",
    "worst texture",
    "worst perimeter",
    "worst area",
    "worst smoothness",
    "worst compactness",
    "worst concavity",
    "worst concave points",
    "worst symmetry",
    "worst fractal dimension",
];

/// Features (569 × 30, f32 values widened to f64 exactly) and outcome (malignant).
pub fn load() -> (Matrix, Vec<bool>) {
    let ds = smartcore::dataset::breast_cancer::load_dataset();
    let data: Vec<f64> = ds.data.iter().map(|&v| v as f64).collect();
    let y = ds.target.iter().map(|&t| t == 0).collect();
    let x = Matrix::new(ds.num_samples, ds.num_features, data)
        .expect("the embedded data set has samples × features values");
    (x, y)
}

/// Feature names as owned strings.
pub fn feature_names() -> Vec<String> {
    FEATURES.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_classes() {
        let (x, y) = load();
        assert_eq!((x.rows, x.cols), (569, 30));
        assert_eq!(y.iter().filter(|&&m| m).count(), 212);
        // First record of the UCI file: radius 17.99, texture 10.38, malignant.
        assert!((x.row(0)[0] - 17.99).abs() < 1e-5 && (x.row(0)[1] - 10.38).abs() < 1e-5);
        assert!(y[0]);
    }

    #[test]
    fn ten_fold_logistic_regression() {
        use crate::eval::cross_validate;
        use crate::model::{FitOptions, LogisticModel, RiskModel};
        let (x, y) = load();
        let names = feature_names();
        let cv = cross_validate(&x, &y, 10, 2026, |x, y| {
            let m = LogisticModel::fit(
                "wdbc",
                "malignant",
                &names,
                x,
                y,
                "wdbc",
                &FitOptions::default(),
            )?;
            Ok(move |f: &[f64]| m.score(f))
        })
        .unwrap();
        // Published results for regularised logistic regression on WDBC are AUC ≈ 0.99.
        assert!(cv.pooled.auc > 0.985, "{:?}", cv.pooled);
        assert!(cv.pooled.lower < cv.pooled.auc && cv.pooled.auc < cv.pooled.upper);
        assert!((cv.calibration.e_over_o - 1.0).abs() < 0.1);
    }
}
