#!/usr/bin/env python3
"""A small reference LightGCN in PyTorch, for a side-by-side time-to-quality comparison with graphrec's trainer.

It follows the official LightGCN-PyTorch recipe (He et al., SIGIR 2020; gusye1234/LightGCN-PyTorch): 64 dims, 3
layers, E = mean of the layers, symmetric-normalised user-item adjacency, normal(0, 0.1) init, one BPR triple per
train interaction per epoch (uniform user, one of its items, one uniform negative), batch 2048, Adam lr 0.001,
L2 1e-4 on the batch's ego embeddings, the whole graph propagated for every batch. Evaluation is the paper's
protocol: every test user ranks all items not in their train list; Recall@20 and NDCG@20 averaged over test users.

Usage (torch is not a project dependency: install it where you run this, e.g. `python3 -m venv /opt/torchenv &&
/opt/torchenv/bin/pip install torch numpy`):

  /opt/torchenv/bin/python bench/torch_lightgcn.py --data /work/shared/datasets/gowalla --minutes 30

Prints one JSON line per evaluation and a final JSON summary (seconds to Recall@20 0.17 and 0.18, or null).
Training seconds exclude evaluation, as graphrec's bench does.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch


def read_lists(path):
    users, items = [], []
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            try:
                u = int(parts[0])
                its = [int(x) for x in parts[1:]]
            except ValueError:
                sys.exit(f"{path}:{line_no}: not a line of integer ids")
            users.extend([u] * len(its))
            items.extend(its)
    return np.asarray(users, dtype=np.int64), np.asarray(items, dtype=np.int64)


def norm_adj(train_u, train_i, n_users, n_items):
    n = n_users + n_items
    rows = np.concatenate([train_u, train_i + n_users])
    cols = np.concatenate([train_i + n_users, train_u])
    deg = np.bincount(rows, minlength=n).astype(np.float64)
    inv = np.where(deg > 0, deg ** -0.5, 0.0)
    vals = (inv[rows] * inv[cols]).astype(np.float32)
    idx = torch.from_numpy(np.stack([rows, cols]))
    return torch.sparse_coo_tensor(idx, torch.from_numpy(vals), (n, n)).coalesce().to_sparse_csr()


def propagate(adj, e0, layers):
    out = e0
    acc = e0
    for _ in range(layers):
        out = adj @ out
        acc = acc + out
    return acc / (layers + 1)


def evaluate(emb, n_users, train_by_user, test_by_user, k=20, block=1024):
    users_e, items_e = emb[:n_users], emb[n_users:]
    test_users = [u for u in range(n_users) if test_by_user[u]]
    recall = ndcg = 0.0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    with torch.no_grad():
        for b0 in range(0, len(test_users), block):
            us = test_users[b0 : b0 + block]
            scores = users_e[us] @ items_e.T
            for r, u in enumerate(us):
                if train_by_user[u]:
                    scores[r, train_by_user[u]] = -float("inf")
            top = torch.topk(scores, k, dim=1).indices.numpy()
            for r, u in enumerate(us):
                truth = test_by_user[u]
                hits = np.fromiter((i in truth for i in top[r]), dtype=bool, count=k)
                recall += hits.sum() / len(truth)
                idcg = discounts[: min(k, len(truth))].sum()
                ndcg += (discounts * hits).sum() / idcg
    return recall / len(test_users), ndcg / len(test_users)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="directory with train.txt and test.txt (LightGCN format)")
    ap.add_argument("--minutes", type=float, default=30.0, help="training time budget (evaluation excluded)")
    ap.add_argument("--dims", type=int, default=64)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--batch", type=int, default=2048)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--eval-every-minutes", type=float, default=5.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)

    tu, ti = read_lists(os.path.join(a.data, "train.txt"))
    su, si = read_lists(os.path.join(a.data, "test.txt"))
    n_users = int(max(tu.max(), su.max())) + 1
    n_items = int(max(ti.max(), si.max())) + 1
    train_by_user = [[] for _ in range(n_users)]
    for u, i in zip(tu.tolist(), ti.tolist()):
        train_by_user[u].append(i)
    test_by_user = [set() for _ in range(n_users)]
    for u, i in zip(su.tolist(), si.tolist()):
        test_by_user[u].add(i)
    train_sets = [set(x) for x in train_by_user]
    active = np.asarray([u for u in range(n_users) if train_by_user[u]], dtype=np.int64)
    adj = norm_adj(tu, ti, n_users, n_items)

    e0 = torch.nn.Parameter(torch.randn(n_users + n_items, a.dims) * 0.1)
    opt = torch.optim.Adam([e0], lr=a.lr)
    budget = a.minutes * 60
    trained = 0.0
    next_eval = a.eval_every_minutes * 60
    epoch = step = 0
    first = {0.17: None, 0.18: None}
    best = {"recall@20": 0.0, "ndcg@20": 0.0}

    def report(final=False):
        nonlocal best
        with torch.no_grad():
            emb = propagate(adj, e0, a.layers)
        t = time.time()
        rec, nd = evaluate(emb, n_users, train_by_user, test_by_user)
        for th in first:
            if first[th] is None and rec >= th:
                first[th] = round(trained, 1)
        if rec > best["recall@20"]:
            best = {"recall@20": rec, "ndcg@20": nd}
        print(json.dumps({"epoch": epoch, "step": step, "trainSeconds": round(trained, 1), "recall@20": round(rec, 4),
                          "ndcg@20": round(nd, 4), "evalSeconds": round(time.time() - t, 1), "final": final}),
              flush=True)

    n_train = len(tu)
    while trained < budget:
        epoch += 1
        users = rng.choice(active, size=n_train)
        for b0 in range(0, n_train, a.batch):
            t0 = time.time()
            ub = users[b0 : b0 + a.batch]
            pos = np.fromiter((train_by_user[u][rng.integers(len(train_by_user[u]))] for u in ub), dtype=np.int64,
                              count=len(ub))
            neg = rng.integers(n_items, size=len(ub))
            for j, u in enumerate(ub):  # resample negatives the user has (as the official sampler does)
                while neg[j] in train_sets[u]:
                    neg[j] = rng.integers(n_items)
            emb = propagate(adj, e0, a.layers)
            ue, pe, ne = emb[ub], emb[n_users + pos], emb[n_users + neg]
            loss = torch.nn.functional.softplus((ue * ne).sum(1) - (ue * pe).sum(1)).mean()
            ego = e0[ub].pow(2).sum() + e0[n_users + pos].pow(2).sum() + e0[n_users + neg].pow(2).sum()
            loss = loss + a.l2 * 0.5 * ego / len(ub)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            trained += time.time() - t0
            if trained >= next_eval:
                report()
                next_eval += a.eval_every_minutes * 60
            if trained >= budget:
                break
    report(final=True)
    print(json.dumps({"model": "lightgcn-pytorch", "torch": torch.__version__, "threads": a.threads,
                      "epochs": epoch, "epochsDone": round(step * a.batch / n_train, 2), "steps": step,
                      "trainSeconds": round(trained, 1),
                      "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                      "secondsPerEpoch": round(trained / max(step * a.batch / n_train, 1e-9), 1),
                      "secondsTo": {"0.17": first[0.17], "0.18": first[0.18]}, "best": best}), flush=True)


if __name__ == "__main__":
    main()
