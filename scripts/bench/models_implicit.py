"""Reference side of scripts/bench/models_bench: the `implicit` library (ALS with the CG solver,
BPR with its defaults, item-kNN) and a popularity baseline on the split files written by trq-bench-models, scored with an independent
implementation of the language contract's metrics. Prints one JSON object per model."""
import json, sys, time
import numpy as np
import scipy.sparse as sp


def read_split(path, shape=None):
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    u, i, w = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2].astype(np.float32)
    return u, i, w


def binary_copy(m):
    b = m.copy()
    b.data[:] = 1.0
    return b


def metrics(recs, train, test, k):
    """recs: user -> ranked item list. Contract definitions, over users with >= 1 test item."""
    p = r = nd = ap = 0.0
    users = 0
    recommended = set()
    for u in range(test.shape[0]):
        rel = set(test.indices[test.indptr[u]:test.indptr[u + 1]])
        if not rel:
            continue
        users += 1
        top = list(recs[u][:k])
        recommended.update(top)
        hits, dcg, psum = 0, 0.0, 0.0
        for rank, item in enumerate(top, start=1):
            if item in rel:
                hits += 1
                dcg += 1 / np.log2(rank + 1)
                psum += hits / rank
        ideal = min(k, len(rel))
        p += hits / k
        r += hits / len(rel)
        nd += dcg / sum(1 / np.log2(j + 1) for j in range(1, ideal + 1))
        ap += psum / ideal
    n = max(users, 1)
    train_items = np.count_nonzero(np.diff(train.tocsc().indptr))
    return dict(precision=p / n, recall=r / n, ndcg=nd / n, map=ap / n,
                coverage=len(recommended) / train_items, users=users)


def main():
    mode = sys.argv[1]
    if mode == "eval":
        train_path, test_path, k = sys.argv[2], sys.argv[3], int(sys.argv[4])
        factors, alpha, confidence, iterations = int(sys.argv[5]), float(sys.argv[6]), sys.argv[7], int(sys.argv[8])
        tu, ti, tw = read_split(train_path)
        eu, ei, ew = read_split(test_path)
        shape = (int(max(tu.max(), eu.max())) + 1, int(max(ti.max(), ei.max())) + 1)
        train = sp.csr_matrix((tw, (tu, ti)), shape=shape)
        test = sp.csr_matrix((ew, (eu, ei)), shape=shape)
        run_eval(train, test, k, factors, alpha, confidence, iterations)
    elif mode == "fit-time":
        d, iterations, factors = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        u = np.fromfile(d + "/users.i32", dtype=np.int32)
        i = np.fromfile(d + "/items.i32", dtype=np.int32)
        m = sp.csr_matrix((np.ones(len(u), dtype=np.float32), (u, i)))
        m.sum_duplicates()
        m.data[:] = 1.0  # binary confidence, as trq's default
        from implicit.cpu.als import AlternatingLeastSquares
        model = AlternatingLeastSquares(factors=factors, alpha=40.0, iterations=iterations, num_threads=2, random_state=42)
        t = time.perf_counter()
        model.fit(m, show_progress=False)
        s = time.perf_counter() - t
        import resource
        print(json.dumps(dict(pairs=int(m.nnz), train_seconds=s, seconds_per_iteration=s / iterations,
                              peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))


def run_eval(train, test, k, factors, alpha, confidence, iterations):
    from implicit.cpu.als import AlternatingLeastSquares
    conf = train.copy()
    if confidence == "binary":
        conf.data[:] = 1.0
    elif confidence == "log":
        conf.data = np.log1p(conf.data).astype(np.float32)
    model = AlternatingLeastSquares(factors=factors, alpha=alpha, iterations=iterations, num_threads=2, random_state=42)
    t = time.perf_counter()
    model.fit(conf, show_progress=False)
    seconds = time.perf_counter() - t
    users = np.arange(train.shape[0])
    ids, _ = model.recommend(users, train, N=k, filter_already_liked_items=True)
    row = metrics(ids, train, test, k)
    print(json.dumps(dict(model="implicit_als", **row, train_seconds=seconds, seconds_per_iteration=seconds / iterations)))
    from implicit.cpu.bpr import BayesianPersonalizedRanking
    # implicit's defaults (100 factors, learning rate 0.01, regularization 0.01, 100 iterations).
    bpr = BayesianPersonalizedRanking(num_threads=2, random_state=42)
    t = time.perf_counter()
    bpr.fit(binary_copy(train), show_progress=False)
    seconds = time.perf_counter() - t
    ids, _ = bpr.recommend(users, train, N=k, filter_already_liked_items=True)
    print(json.dumps(dict(model="implicit_bpr", **metrics(ids, train, test, k), train_seconds=seconds,
                          seconds_per_iteration=seconds / bpr.iterations)))
    from implicit.nearest_neighbours import CosineRecommender
    knn = CosineRecommender(K=20, num_threads=2)
    binary = binary_copy(train)
    t = time.perf_counter()
    knn.fit(binary, show_progress=False)
    seconds = time.perf_counter() - t
    ids, _ = knn.recommend(users, binary, N=k, filter_already_liked_items=True)
    print(json.dumps(dict(model="implicit_item_knn", **metrics(ids, train, test, k), train_seconds=seconds)))
    t = time.perf_counter()
    pop = np.diff(train.tocsc().indptr)
    order = np.lexsort((np.arange(len(pop)), -pop))
    seconds = time.perf_counter() - t
    recs = []
    for u in users:
        seen = set(train.indices[train.indptr[u]:train.indptr[u + 1]])
        recs.append([j for j in order[: k + len(seen)] if j not in seen][:k])
    print(json.dumps(dict(model="python_popularity", **metrics(recs, train, test, k), train_seconds=seconds)))


if __name__ == "__main__":
    main()
