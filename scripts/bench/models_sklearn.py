"""Reference side of scripts/bench/models_bench for classification: scikit-learn on the Spotify
by-genre CSVs, on exactly the rows trq-bench-models held out (its --split-out file). Loads the
files in the same order (sorted by name, rows in file order). Prints one JSON object per model;
peak_mb is this process's peak resident memory."""
import glob, json, os, resource, sys, time
import numpy as np
import pandas as pd

FEATURES = ("danceability energy key loudness mode speechiness acousticness instrumentalness "
            "liveness valence tempo time_signature duration_ms explicit").split()


def main():
    directory, split_path, models = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    genres = set(sys.argv[4].split(",")) if len(sys.argv) > 4 and sys.argv[4] else None
    frames = [pd.read_csv(f) for f in sorted(glob.glob(os.path.join(directory, "*.csv")))]
    df = pd.concat(frames, ignore_index=True)
    if genres:
        df = df[df.track_genre.isin(genres)].reset_index(drop=True)
    X = df[FEATURES].astype(float).to_numpy()
    y = np.asarray(df.track_genre.astype(str).tolist())
    test = np.loadtxt(split_path, dtype=np.int64, ndmin=1)
    mask = np.zeros(len(y), dtype=bool)
    mask[test] = True
    Xtr, ytr, Xte, yte = X[~mask], y[~mask], X[mask], y[mask]
    from sklearn.metrics import accuracy_score, f1_score
    for name in models:
        if name == "forest":
            from sklearn.ensemble import RandomForestClassifier
            model = RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)
        elif name == "logistic":
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler
            model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        elif name == "mlp":
            from sklearn.neural_network import MLPClassifier
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler
            model = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(128, 64), early_stopping=True, random_state=0))
        elif name == "hgb":
            from sklearn.ensemble import HistGradientBoostingClassifier
            model = HistGradientBoostingClassifier(random_state=0)
        else:
            raise SystemExit(f"unknown model {name}")
        t = time.perf_counter()
        model.fit(Xtr, ytr)
        seconds = time.perf_counter() - t
        pred = model.predict(Xte)
        print(json.dumps(dict(model="sklearn_" + name, rows=len(y), classes=len(set(y)),
                              accuracy=accuracy_score(yte, pred), macro_f1=f1_score(yte, pred, average="macro"),
                              train_seconds=seconds,
                              peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)), flush=True)


if __name__ == "__main__":
    main()
