"""Reference side of scripts/bench/models_bench for clustering: scikit-learn's KMeans (n_init=10,
k-means++, Lloyd) on the standardized audio features of every Spotify track, read in the same
order as trq-bench-models reads them. Prints one JSON object; peak_mb is this process's peak."""
import glob, json, os, resource, sys, time
import numpy as np
import pandas as pd

FEATURES = ("danceability energy key loudness mode speechiness acousticness instrumentalness "
            "liveness valence tempo time_signature duration_ms explicit").split()


def main():
    directory, k = sys.argv[1], int(sys.argv[2])
    frames = [pd.read_csv(f) for f in sorted(glob.glob(os.path.join(directory, "*.csv")))]
    X = pd.concat(frames, ignore_index=True)[FEATURES].astype(float).to_numpy()
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler
    t, cpu = time.perf_counter(), time.process_time()
    Z = StandardScaler().fit_transform(X)
    model = KMeans(n_clusters=k, n_init=10, random_state=0).fit(Z)
    seconds, cpu_seconds = time.perf_counter() - t, time.process_time() - cpu
    print(json.dumps(dict(model="sklearn_kmeans", rows=len(X), k=k, inertia=float(model.inertia_),
                          iterations=int(model.n_iter_), train_seconds=seconds, cpu_seconds=cpu_seconds,
                          peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)), flush=True)


if __name__ == "__main__":
    main()
