#!/usr/bin/python3
"""Choose a one-class anomaly score on held-out *training* images, then look at the test set.

Reads what `dotnet run -c Release --project benchmarks/Vae.Benchmarks -- --report --one-class-validation DIR`
wrote (per class c: a VAE trained on 90% of c's training images; mu, logvar, divergence of the fitting images,
of the 6,000 held-out training images of all classes, and of the test set) and prints the mean AUROC over
the ten classes of each candidate score on "val" (held-out training images: c normal, the rest anomalous)
and on "test". Pick on val; test is printed for the record only.

Every candidate is fitted on the fitting images alone: the shrunk covariance (lambda = 0.01, as the
detector's default), the z-score statistics, and the k-nearest-neighbour references (fitting rows are left
out of their own neighbours). Needs only numpy (Debian: python3-numpy).

Usage: /usr/bin/python3 benchmarks/one_class_validation.py DIR [LATENT]   (LATENT: the VAE's k, default 20)
"""
import sys

import numpy as np

KS = [1, 3, 5, 10, 20]
SHRINKAGE = 0.01


def read(directory, name, dtype=np.float32):
    return np.fromfile(f"{directory}/{name}", dtype).astype(np.float64 if dtype == np.float32 else dtype)


def outputs(directory, c, split, latent):
    mu = read(directory, f"c{c}_{split}_mu.f32").reshape(-1, latent)
    logvar = read(directory, f"c{c}_{split}_logvar.f32").reshape(-1, latent)
    return np.hstack([mu, logvar]), mu, read(directory, f"c{c}_{split}_divergence.f32")


def auroc(scores, anomalous):
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores, kind="mergesort")] = np.arange(1, len(scores) + 1)
    n1 = anomalous.sum()
    return (ranks[anomalous].sum() - n1 * (n1 + 1) / 2) / (n1 * (len(scores) - n1))


def whitening(fit):
    """(x - m) W with W W^T the inverse of the covariance shrunk toward its average variance."""
    mean = fit.mean(0)
    cov = np.cov(fit, rowvar=False)
    cov = (1 - SHRINKAGE) * cov + SHRINKAGE * np.trace(cov) / cov.shape[0] * np.eye(cov.shape[0])
    w = np.linalg.inv(np.linalg.cholesky(cov)).T
    return lambda x: (x - mean) @ w


def mean_of_nearest(references, queries, leave_self_out):
    """For each query, the mean squared distance to its k nearest references, for every k in KS."""
    out, norms, kmax = [], (references ** 2).sum(1), max(KS) + 1
    for i in range(0, len(queries), 2000):
        q = queries[i:i + 2000]
        d = np.maximum((q ** 2).sum(1)[:, None] + norms[None] - 2 * q @ references.T, 0)
        nearest = np.sort(np.partition(d, kmax, axis=1)[:, :kmax + 1], 1)
        if leave_self_out:
            nearest = nearest[:, 1:]
        out.append(np.cumsum(nearest, 1)[:, [k - 1 for k in KS]] / np.array(KS))
    return np.concatenate(out)


def standardiser(values):
    mean, std = values.mean(), values.std(ddof=1)
    return lambda v: (v - mean) / std


def candidates(directory, c, latent, labels):
    code_fit, mu_fit, div_fit = outputs(directory, c, "fit", latent)
    white, white_mu = whitening(code_fit), whitening(mu_fit)
    w_fit, wm_fit = white(code_fit), white_mu(mu_fit)
    knn_fit = mean_of_nearest(w_fit, w_fit, True)
    z_div = standardiser(np.log(div_fit))
    z_dist = standardiser(np.log((w_fit ** 2).sum(1)))
    result = {}
    for split in ("val", "test"):
        code, mu, div = outputs(directory, c, split, latent)
        anomalous = labels[split] != c
        w = white(code)
        scores = {
            "ReconstructionDivergence": div,
            "Mahalanobis (mu)": (white_mu(mu) ** 2).sum(1),
            "Combined": z_div(np.log(div)) + z_dist(np.log((w ** 2).sum(1))),
        }
        knn = mean_of_nearest(w_fit, w, False)
        knn_mu = mean_of_nearest(wm_fit, white_mu(mu), False)
        for j, k in enumerate(KS):
            scores[f"kNN k={k} (mu, logvar)"] = knn[:, j]
            scores[f"kNN k={k} (mu)"] = knn_mu[:, j]
            scores[f"z(log div) + z(log kNN k={k})"] = z_div(np.log(div)) + standardiser(np.log(knn_fit[:, j]))(np.log(knn[:, j]))
        result[split] = {name: auroc(s, anomalous) for name, s in scores.items()}
    return result


def main():
    directory = sys.argv[1]
    latent = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    labels = {"val": read(directory, "val_labels.i32", np.int32), "test": read(directory, "test_labels.i32", np.int32)}
    per_class = [candidates(directory, c, latent, labels) for c in range(10)]
    names = list(per_class[0]["val"])
    print(f"{'score':34} {'val':>7} {'test':>7}   val per class")
    for name in sorted(names, key=lambda n: -np.mean([r["val"][n] for r in per_class])):
        val = [r["val"][name] for r in per_class]
        test = [r["test"][name] for r in per_class]
        print(f"{name:34} {np.mean(val):7.4f} {np.mean(test):7.4f}   " + " ".join(f"{v:.3f}" for v in val))


if __name__ == "__main__":
    main()
