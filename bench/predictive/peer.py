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

def cv_once():
    pred = np.zeros(len(y))
    for f in range(k):
        tr, te = fold != f, fold == f
        m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0 / lam, max_iter=10000, tol=1e-8))
        m.fit(X[tr], y[tr])
        pred[te] = m.predict_proba(X[te])[:, 1]
    return pred

times = []
for _ in range(a.repeat):
    t = time.perf_counter()
    pred = cv_once()
    times.append(time.perf_counter() - t)
sk_time = statistics.median(times)
fold_auc = lambda p: float(np.mean([roc_auc_score(y[fold == f], p[fold == f]) for f in range(k)]))
res = {
    "wdbc": {
        "folds": k,
        "l2_lambda": lam,
        "auc_pooled_ours": roc_auc_score(y, ours),
        "auc_pooled_ours_reported": report["pooled_auc"]["auc"],
        "auc_pooled_sklearn": roc_auc_score(y, pred),
        "auc_mean_fold_ours": fold_auc(ours),
        "auc_mean_fold_sklearn": fold_auc(pred),
        "max_abs_prediction_difference": float(np.max(np.abs(ours - pred))),
        "cv_seconds_median_ours": report["cv_seconds_median"],
        "cv_seconds_median_sklearn": sk_time,
        "time_ratio_sklearn_over_ours": sk_time / report["cv_seconds_median"],
        "repeat": a.repeat,
    }
}

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
print(f"WDBC {k}-fold AUC pooled: ours {w['auc_pooled_ours']:.6f}  scikit-learn {w['auc_pooled_sklearn']:.6f}")
print(f"WDBC {k}-fold AUC mean of folds: ours {w['auc_mean_fold_ours']:.6f}  scikit-learn {w['auc_mean_fold_sklearn']:.6f}")
print(f"max |our prediction - scikit-learn's| = {w['max_abs_prediction_difference']:.2e}")
print(f"train+inference, all folds (median of {a.repeat}): ours {w['cv_seconds_median_ours']*1e3:.2f} ms, "
      f"scikit-learn {w['cv_seconds_median_sklearn']*1e3:.2f} ms, ratio {w['time_ratio_sklearn_over_ours']:.1f}x")
if "fairness" in res:
    f = res["fairness"]
    print(f"fairness: {f['metrics_compared']} values compared with fairlearn on our predictions, "
          f"max |difference| {f['max_abs_difference']:.2e} -> {'AGREE' if f['agree_to_1e-9'] else 'DISAGREE'} to 1e-9")
