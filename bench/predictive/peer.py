"""Peer side of the predictive benchmark: scikit-learn and fairlearn on the data, folds and
predictions exported by `mulighetsrom`.

1. WDBC: the same model family (standardise, then L2 logistic regression with C = 1/lambda) on the
   exact folds of `screening evaluate-model` (predictions.csv), timed fit + predict_proba over all
   folds (median of --repeat runs, in-process like the Rust timing); pooled and mean-fold AUC.
2. Fairness: fairlearn's metrics on OUR predictions of `oversight audit S7` (audit-predictions.csv)
   compared with the values in our audit.json; every difference must be below 1e-9.
"""
import argparse, csv, json, statistics, sys, time
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ap = argparse.ArgumentParser()
ap.add_argument("--model-dir", required=True)
ap.add_argument("--audit-dir")
ap.add_argument("--repeat", type=int, default=21)
ap.add_argument("--out", required=True)
a = ap.parse_args()

rows = list(csv.reader(open(f"{a.model_dir}/predictions.csv")))
head, body = rows[0], rows[1:]
fold = np.array([int(r[1]) for r in body])
y = np.array([int(r[2]) for r in body])
ours = np.array([float(r[3]) for r in body])
X = np.array([[float(v) for v in r[4:]] for r in body])
report = json.load(open(f"{a.model_dir}/report.json"))
lam = report["l2_lambda"]
k = report["folds"]

def cv_once(tol):
    pred = np.zeros(len(y))
    for f in range(k):
        tr, te = fold != f, fold == f
        m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0 / lam, max_iter=10000, tol=tol))
        m.fit(X[tr], y[tr])
        pred[te] = m.predict_proba(X[te])[:, 1]
    return pred

fold_auc = lambda p: float(np.mean([roc_auc_score(y[fold == f], p[fold == f]) for f in range(k)]))
ours_time = report["cv_seconds_median"]
res = {"wdbc": {
    "folds": k, "l2_lambda": lam, "repeat": a.repeat,
    "auc_pooled_ours": roc_auc_score(y, ours),
    "auc_pooled_ours_reported": report["pooled_auc"]["auc"],
    "auc_mean_fold_ours": fold_auc(ours),
    "cv_seconds_median_ours": ours_time,
    "sklearn": {},
}}
# Default tolerance (1e-4) and a tight one (1e-8) that matches the precision of our Newton solve.
for tol in (1e-4, 1e-8):
    times = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        pred = cv_once(tol)
        times.append(time.perf_counter() - t)
    sk_time = statistics.median(times)
    res["wdbc"]["sklearn"][f"tol={tol:g}"] = {
        "auc_pooled": roc_auc_score(y, pred),
        "auc_mean_fold": fold_auc(pred),
        "max_abs_prediction_difference_to_ours": float(np.max(np.abs(ours - pred))),
        "cv_seconds_median": sk_time,
        "time_ratio_sklearn_over_ours": sk_time / ours_time,
    }

# 3. Our model.onnx (written by our own protobuf writer) checked by the ONNX project's checker and
#    scored by its reference evaluator, against the native model.json formula.
try:
    import onnx
    from onnx.reference import ReferenceEvaluator
    om = onnx.load(f"{a.model_dir}/model.onnx")
    onnx.checker.check_model(om, full_check=True)
    js = json.load(open(f"{a.model_dir}/model.json"))
    out = ReferenceEvaluator(om).run(None, {"features": X.astype(np.float32)})[0][:, 0]
    z = (X - np.array(js["means"])) / np.array(js["scales"])
    native = 1 / (1 + np.exp(-(js["intercept"] + z @ np.array(js["coefficients"]))))
    res["onnx"] = {"onnx_version": onnx.__version__, "checker": "ok",
                   "max_abs_difference_reference_evaluator_vs_native": float(np.max(np.abs(out - native)))}
except ImportError:
    pass

if a.audit_dir:
    from fairlearn.metrics import (MetricFrame, demographic_parity_difference,
        demographic_parity_ratio, equal_opportunity_difference, equalized_odds_difference,
        equalized_odds_ratio, selection_rate, true_positive_rate, false_positive_rate)
    audit = json.load(open(f"{a.audit_dir}/audit.json"))
    rows = list(csv.DictReader(open(f"{a.audit_dir}/audit-predictions.csv")))
    yt = np.array([int(r["outcome"]) for r in rows])
    sc = np.array([float(r["score"]) for r in rows])
    yp = (sc >= audit["threshold"]).astype(int)
    worst, checks = 0.0, []
    for attr in audit["attributes"]:
        name = attr["attribute"]
        g = np.array([r[name] for r in rows])
        for method in ("between_groups", "to_overall"):
            theirs = {
                "demographic_parity_difference": demographic_parity_difference(yt, yp, sensitive_features=g, method=method),
                "demographic_parity_ratio": demographic_parity_ratio(yt, yp, sensitive_features=g, method=method),
                "equalized_odds_difference_worst_case": equalized_odds_difference(yt, yp, sensitive_features=g, method=method),
                "equalized_odds_difference_mean": equalized_odds_difference(yt, yp, sensitive_features=g, method=method, agg="mean"),
                "equalized_odds_ratio_worst_case": equalized_odds_ratio(yt, yp, sensitive_features=g, method=method),
                "equal_opportunity_difference": equal_opportunity_difference(yt, yp, sensitive_features=g, method=method),
            }
            for key, v in theirs.items():
                o = attr[method][key]
                o = float("nan") if o is None else o
                d = 0.0 if (np.isnan(v) and np.isnan(o)) else abs(v - o)
                worst = max(worst, d)
                checks.append((name, method, key, o, float(v), d))
        mf = MetricFrame(metrics={"sel": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
                         y_true=yt, y_pred=yp, sensitive_features=g)
        for row in attr["groups"]:
            for key, col in (("selection_rate", "sel"), ("tpr", "tpr"), ("fpr", "fpr")):
                v = float(mf.by_group.loc[row["group"], col])
                d = abs(v - row[key])
                worst = max(worst, d)
                checks.append((name, "by_group:" + row["group"], key, row[key], v, d))
    res["fairness"] = {
        "persons": len(rows),
        "threshold": audit["threshold"],
        "metrics_compared": len(checks),
        "max_abs_difference": worst,
        "agree_to_1e-9": worst < 1e-9,
        "checks": checks,
    }

json.dump(res, open(a.out, "w"), indent=2)
w = res["wdbc"]
print(f"WDBC {k}-fold CV, L2 lambda {lam} (C = {1/lam:g}); train+inference over all folds, median of {a.repeat}")
print(f"  ours (Newton, tol 1e-9 on the gradient): AUC pooled {w['auc_pooled_ours']:.6f}, mean of folds {w['auc_mean_fold_ours']:.6f}, {w['cv_seconds_median_ours']*1e3:.2f} ms")
for name, r in w["sklearn"].items():
    print(f"  scikit-learn lbfgs {name}: AUC pooled {r['auc_pooled']:.6f}, mean of folds {r['auc_mean_fold']:.6f}, "
          f"{r['cv_seconds_median']*1e3:.2f} ms -> ours {r['time_ratio_sklearn_over_ours']:.1f}x faster; "
          f"max |prediction difference| {r['max_abs_prediction_difference_to_ours']:.1e}")
if "onnx" in res:
    print(f"model.onnx: onnx {res['onnx']['onnx_version']} checker ok; reference evaluator vs native "
          f"max |difference| {res['onnx']['max_abs_difference_reference_evaluator_vs_native']:.1e} (float32 graph)")
if "fairness" in res:
    f = res["fairness"]
    print(f"fairness: {f['metrics_compared']} values compared with fairlearn on our predictions, "
          f"max |difference| {f['max_abs_difference']:.2e} -> {'AGREE' if f['agree_to_1e-9'] else 'DISAGREE'} to 1e-9")
