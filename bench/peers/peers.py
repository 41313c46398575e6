"""The fast peers a shop could install in five minutes, tuned on validation, on graphrec's own split.

    python peers.py --data SPLIT_DIR [--users N --items N] [--peers pop,itemknn,als] [--als-search coordinate|grid]

SPLIT_DIR holds four files in the LightGCN text format (one line per user, `user item item ...`, 0-based ints),
written by bench/peers.ts from graphrec's tuningSplit: fit.txt (what a candidate learns from while tuning),
valid.txt (held out for tuning), train.txt (what the final model is fitted on) and test.txt (reported once).

Peers: popularity (train degree), item-kNN (cosine on the binary matrix, top-K neighbours per item, K tuned) and
implicit's ALS (factors, regularization and alpha tuned, 15 iterations). Each is chosen by validation NDCG@20, the
metric graphrec's trainer selects on, then refitted on train.txt and scored on test.txt. Where fit.txt is train.txt
(a split that ships valid.txt) the chosen model already is the final one, so no refit runs.

Evaluation mirrors training/eval/metrics.ts: every item is ranked except the user's fitted items, and per user
Recall@K = hits / |held-out|, NDCG@K = DCG / IDCG over min(K, |held-out|) positions, averaged over users with
held-out items. Ties are broken in any order.

Timings exclude process start and imports. One JSON object goes to stdout at the end; progress goes to stderr.
Thread settings are left at the libraries' defaults (the comparison is process against process) and reported.
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import scipy
import scipy.sparse as sp
import threadpoolctl

import implicit
from implicit.cpu.als import AlternatingLeastSquares

KS = (10, 20, 50)
SELECT_BY = "ndcg@20"
SEED = 20

ALS_FACTORS = (64, 128, 256)
ALS_REGULARIZATION = (0.01, 0.03, 0.1, 0.3, 1.0)
ALS_ALPHA = (1.0, 3.0, 10.0, 20.0, 40.0)
ALS_START = {"factors": 128, "regularization": 0.1, "alpha": 10.0}
ALS_ITERATIONS = 15

KNN_KS = (50, 100, 200, 500, 1000, 2000, 5000)


def log(msg):
    print(f"peers: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Data


def read_split_file(path, n_users, n_items):
    """A LightGCN text file as a binary CSR (n_users x n_items); repeated items count once."""
    rows, cols = [], []
    with open(path, encoding="latin-1") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            items = np.asarray(parts[1:], dtype=np.int64)
            rows.append(np.full(len(items), int(parts[0]), dtype=np.int64))
            cols.append(items)
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    m = sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(n_users, n_items))
    m.sum_duplicates()
    m.data[:] = 1.0
    m.sort_indices()
    return m


def max_ids(paths):
    users, items = 0, 0
    for p in paths:
        with open(p, encoding="latin-1") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 2:
                    continue
                users = max(users, int(parts[0]) + 1)
                items = max(items, max(int(x) for x in parts[1:]) + 1)
    return users, items


def same_matrix(a, b):
    return a.shape == b.shape and a.nnz == b.nnz and (a != b).nnz == 0


# ---------------------------------------------------------------------------------------------------------------
# Evaluation, as training/eval/metrics.ts


def top_k(scores, k):
    """Each row's k best columns, best first, ties to the lower column (as training/eval/topk.ts does, so the two
    evaluators agree exactly), and their scores."""
    nb, n = scores.shape
    if k < n:
        # The k-th best score per row; everything above it is in, and of the columns equal to it the lowest come
        # first, as many as are still missing.
        kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1]
        above = scores > kth[:, None]
        tied = scores == kth[:, None]
        need = k - above.sum(axis=1)
        chosen = above | (tied & (np.cumsum(tied, axis=1, dtype=np.int32) <= need[:, None]))
        top = np.nonzero(chosen)[1].reshape(nb, k)
    else:
        top = np.tile(np.arange(n), (nb, 1))
    top_scores = np.take_along_axis(scores, top, axis=1)
    order = np.argsort(-top_scores, axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)


def evaluate(score_block, exclude, truth, block=1024):
    """Average metrics over users with held-out items. score_block(users) returns a dense float32 [len, nItems]
    array that this may overwrite."""
    n_items = truth.shape[1]
    users = np.flatnonzero(np.diff(truth.indptr))
    k_max = min(max(KS), n_items)
    discount = 1.0 / np.log2(np.arange(k_max) + 2.0)
    idcg_by_len = np.concatenate([[0.0], np.cumsum(discount)])
    sums = {f"{m}@{k}": 0.0 for m in ("recall", "ndcg") for k in KS}
    for b0 in range(0, len(users), block):
        ub = users[b0 : b0 + block]
        nb = len(ub)
        scores = score_block(ub)
        scores[np.isnan(scores)] = -np.inf
        ex = exclude[ub]
        scores[np.repeat(np.arange(nb), np.diff(ex.indptr)), ex.indices] = -np.inf
        top, top_scores = top_k(scores, k_max)
        ranked = np.isfinite(top_scores)
        tr = truth[ub]
        relevant = np.zeros((nb, n_items), dtype=bool)
        relevant[np.repeat(np.arange(nb), np.diff(tr.indptr)), tr.indices] = True
        hits = np.take_along_axis(relevant, top, axis=1) & ranked
        n_truth = np.diff(tr.indptr)
        for k in KS:
            kk = min(k, k_max)
            h = hits[:, :kk]
            sums[f"recall@{k}"] += float((h.sum(axis=1) / n_truth).sum())
            dcg = (h * discount[:kk]).sum(axis=1)
            sums[f"ndcg@{k}"] += float((dcg / idcg_by_len[np.minimum(k, n_truth).clip(max=k_max)]).sum())
    n = max(len(users), 1)
    return {name: s / n for name, s in sums.items()}, len(users)


def short(metrics):
    return {"recall@20": round(metrics["recall@20"], 5), "ndcg@20": round(metrics["ndcg@20"], 5)}


# ---------------------------------------------------------------------------------------------------------------
# Peers


def popularity(split, block):
    t0 = time.perf_counter()
    degree = np.asarray(split["train"].sum(axis=0)).ravel().astype(np.float32)
    fit_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    test, _ = evaluate(lambda ub: np.tile(degree, (len(ub), 1)), split["train"], split["test"], block)
    return {
        "params": {},
        "tried": [],
        "tuneSeconds": 0.0,
        "fitSeconds": fit_seconds,
        "refit": True,
        "scoreSeconds": time.perf_counter() - t0,
        "test": test,
    }


def knn_neighbours(x, k_max, item_block=1024):
    """Cosine similarity between the items (columns) of binary x, each item's k_max best neighbours (itself
    excluded, zeros dropped), best first, as a CSR whose rows are items. Items are done a block at a time: a
    [block, nItems] dense slice of X^T X bounds memory whatever the catalogue."""
    n_items = x.shape[1]
    xt = x.T.tocsr()
    norms = np.sqrt(np.asarray(x.sum(axis=0)).ravel()).astype(np.float32)
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    k_max = min(k_max, n_items - 1)
    indptr = [0]
    indices, data = [], []
    for i0 in range(0, n_items, item_block):
        i1 = min(i0 + item_block, n_items)
        sim = (xt[i0:i1] @ x).toarray().astype(np.float32)
        sim *= inv[i0:i1, None]
        sim *= inv[None, :]
        sim[np.arange(i1 - i0), np.arange(i0, i1)] = 0.0
        if k_max < n_items:
            top = np.argpartition(-sim, k_max - 1, axis=1)[:, :k_max]
        else:
            top = np.tile(np.arange(n_items), (i1 - i0, 1))
        vals = np.take_along_axis(sim, top, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        vals = np.take_along_axis(vals, order, axis=1)
        keep = vals > 0
        for r in range(i1 - i0):
            n = int(keep[r].sum())
            indices.append(top[r, :n].astype(np.int32))
            data.append(vals[r, :n])
            indptr.append(indptr[-1] + n)
    return sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.asarray(indptr, dtype=np.int64)), shape=(n_items, n_items)
    )


def truncate(neigh, k):
    """The first k entries of every row (rows are best first)."""
    lens = np.diff(neigh.indptr)
    pos = np.arange(neigh.nnz) - np.repeat(neigh.indptr[:-1], lens)
    keep = pos < k
    new_lens = np.minimum(lens, k)
    indptr = np.concatenate([[0], np.cumsum(new_lens)])
    return sp.csr_matrix((neigh.data[keep], neigh.indices[keep], indptr), shape=neigh.shape)


def knn_scorer(x, sim):
    return lambda ub: (x[ub] @ sim).toarray().astype(np.float32, copy=False)


def itemknn(split, block, refit):
    n_items = split["fit"].shape[1]
    ks = sorted({min(k, n_items - 1) for k in KNN_KS if k > 0 and n_items > 1})
    t_tune = time.perf_counter()
    t0 = time.perf_counter()
    neigh = knn_neighbours(split["fit"], max(ks))
    sim_seconds = time.perf_counter() - t0
    log(f"item-kNN: similarity on fit.txt in {sim_seconds:.1f} s ({neigh.nnz} neighbour entries)")
    tried = []
    best = None
    for k in ks:
        t0 = time.perf_counter()
        sim = truncate(neigh, k)
        valid, _ = evaluate(knn_scorer(split["fit"], sim), split["fit"], split["valid"], block)
        tried.append({"params": {"k": k}, "valid": short(valid), "seconds": round(time.perf_counter() - t0, 2)})
        log(f"item-kNN k={k}: valid {short(valid)} ({tried[-1]['seconds']} s)")
        if best is None or valid[SELECT_BY] > best[1][SELECT_BY]:
            best = (k, valid, sim)
    tune_seconds = time.perf_counter() - t_tune
    k = best[0]
    if refit:
        t0 = time.perf_counter()
        sim = knn_neighbours(split["train"], k)
        fit_seconds = time.perf_counter() - t0
        log(f"item-kNN: refit k={k} on train.txt in {fit_seconds:.1f} s")
    else:
        # fit.txt is train.txt: the chosen model is the final one; its fit is the similarity and the truncation.
        sim = best[2]
        fit_seconds = sim_seconds
    t0 = time.perf_counter()
    test, _ = evaluate(knn_scorer(split["train"], sim), split["train"], split["test"], block)
    return {
        "params": {"k": k},
        "tried": tried,
        "tuneSeconds": tune_seconds,
        "fitSeconds": fit_seconds,
        "refit": refit,
        "valid": short(best[1]),
        "scoreSeconds": time.perf_counter() - t0,
        "test": test,
    }


def als_fit(x, cfg):
    model = AlternatingLeastSquares(
        factors=cfg["factors"],
        regularization=cfg["regularization"],
        alpha=cfg["alpha"],
        iterations=ALS_ITERATIONS,
        random_state=SEED,
    )
    model.fit(x, show_progress=False)
    return model


def als_scorer(model):
    return lambda ub: model.user_factors[ub] @ model.item_factors.T


def als_configs_grid():
    return [
        {"factors": f, "regularization": r, "alpha": a}
        for f in ALS_FACTORS
        for r in ALS_REGULARIZATION
        for a in ALS_ALPHA
    ]


def als(split, block, refit, search):
    tried = []
    cache = {}
    best = {"cfg": None, "valid": None, "model": None, "fitSeconds": 0.0}

    def trial(cfg):
        key = (cfg["factors"], cfg["regularization"], cfg["alpha"])
        if key in cache:
            return cache[key]
        t0 = time.perf_counter()
        model = als_fit(split["fit"], cfg)
        fit_seconds = time.perf_counter() - t0
        valid, _ = evaluate(als_scorer(model), split["fit"], split["valid"], block)
        seconds = time.perf_counter() - t0
        tried.append({"params": dict(cfg), "valid": short(valid), "fitSeconds": round(fit_seconds, 2), "seconds": round(seconds, 2)})
        log(f"ALS {cfg}: valid {short(valid)} (fit {fit_seconds:.1f} s, total {seconds:.1f} s)")
        cache[key] = valid[SELECT_BY]
        # Only the best model is kept: with fit.txt = train.txt it is the final one.
        if best["valid"] is None or valid[SELECT_BY] > best["valid"][SELECT_BY]:
            best.update(cfg=dict(cfg), valid=valid, model=model, fitSeconds=fit_seconds)
        return cache[key]

    t_tune = time.perf_counter()
    if search == "grid":
        for cfg in als_configs_grid():
            trial(cfg)
    else:
        # Coordinate search from ALS_START: alpha, then regularization, then factors, each swept with the others
        # held at their best so far.
        cur = dict(ALS_START)
        for name, values in (("alpha", ALS_ALPHA), ("regularization", ALS_REGULARIZATION), ("factors", ALS_FACTORS)):
            scored = [(trial({**cur, name: v}), v) for v in values]
            cur[name] = max(scored, key=lambda sv: sv[0])[1]
    tune_seconds = time.perf_counter() - t_tune
    cfg = best["cfg"]
    if refit:
        t0 = time.perf_counter()
        model = als_fit(split["train"], cfg)
        fit_seconds = time.perf_counter() - t0
        log(f"ALS: refit {cfg} on train.txt in {fit_seconds:.1f} s")
    else:
        model = best["model"]
        fit_seconds = best["fitSeconds"]
    t0 = time.perf_counter()
    test, _ = evaluate(als_scorer(model), split["train"], split["test"], block)
    return {
        "params": {**cfg, "iterations": ALS_ITERATIONS, "random_state": SEED},
        "tried": tried,
        "tuneSeconds": tune_seconds,
        "fitSeconds": fit_seconds,
        "refit": refit,
        "valid": short(best["valid"]),
        "scoreSeconds": time.perf_counter() - t0,
        "test": test,
    }


# ---------------------------------------------------------------------------------------------------------------


def threads_report(blas_warnings):
    env = {
        k: os.environ[k]
        for k in (
            "OPENBLAS_NUM_THREADS",
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
            "OPENBLAS_CORETYPE",
            "OPENBLAS_L2_SIZE",
        )
        if k in os.environ
    }
    pools = [
        {"library": p.get("internal_api"), "prefix": p.get("prefix"), "threads": p.get("num_threads")}
        for p in threadpoolctl.threadpool_info()
    ]
    return {
        "cpus": os.cpu_count(),
        "env": env,
        "pools": pools,
        "implicitNumThreads": "0 (implicit's default: every core)",
        "warnings": blas_warnings,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="a directory with fit.txt, valid.txt, train.txt, test.txt")
    ap.add_argument("--users", type=int, default=0, help="number of users (default: largest id + 1)")
    ap.add_argument("--items", type=int, default=0, help="number of items (default: largest id + 1)")
    ap.add_argument("--peers", default="pop,itemknn,als")
    ap.add_argument("--als-search", choices=("coordinate", "grid"), default="coordinate")
    ap.add_argument("--block", type=int, default=1024, help="users scored at a time")
    args = ap.parse_args()
    peers = [p for p in args.peers.split(",") if p]
    unknown = [p for p in peers if p not in ("pop", "itemknn", "als")]
    if unknown:
        ap.error(f"--peers takes pop, itemknn and als, but got: {','.join(unknown)}")

    files = {name: os.path.join(args.data, f"{name}.txt") for name in ("fit", "valid", "train", "test")}
    for path in files.values():
        if not os.path.exists(path):
            ap.error(f"the split directory must contain {os.path.basename(path)}, but {path} does not exist")
    n_users, n_items = args.users, args.items
    if not (n_users and n_items):
        mu, mi = max_ids(files.values())
        n_users, n_items = n_users or mu, n_items or mi
    split = {name: read_split_file(path, n_users, n_items) for name, path in files.items()}
    refit = not same_matrix(split["fit"], split["train"])
    log(
        f"{n_users} users, {n_items} items; fit {split['fit'].nnz}, valid {split['valid'].nnz}, "
        f"train {split['train'].nnz}, test {split['test'].nnz}; "
        + ("refit on train.txt" if refit else "fit.txt is train.txt: no refit")
    )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = {}
        for name in peers:
            log(f"{name}: start")
            if name == "pop":
                r = popularity(split, args.block)
            elif name == "itemknn":
                r = itemknn(split, args.block, refit)
            else:
                r = als(split, args.block, refit, args.als_search)
            r["timeToQualitySeconds"] = r["tuneSeconds"] + (r["fitSeconds"] if r["refit"] else 0.0)
            r["recall@20"] = r["test"]["recall@20"]
            r["ndcg@20"] = r["test"]["ndcg@20"]
            for key in ("tuneSeconds", "fitSeconds", "scoreSeconds", "timeToQualitySeconds"):
                r[key] = round(r[key], 2)
            log(f"{name}: test {short(r['test'])}, time to quality {r['timeToQualitySeconds']} s, params {r['params']}")
            results[name] = r
    blas_warnings = sorted({str(w.message).split(".")[0] for w in caught})

    out = {
        "selectBy": SELECT_BY,
        "alsSearch": args.als_search,
        "python": platform.python_version(),
        "versions": {"implicit": implicit.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
        "threads": threads_report(blas_warnings),
        "data": {
            "users": n_users,
            "items": n_items,
            **{name: int(m.nnz) for name, m in split.items()},
            "refit": refit,
        },
        "peers": results,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
