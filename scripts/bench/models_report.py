"""Prints the tables of scripts/bench/MODELS.md from models_bench's results.jsonl, with ratios
trq / reference (time: below 1 is faster; quality: above 1 is better)."""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]


def pick(bench, model):
    return next((r for r in rows if r.get("bench") == bench and r.get("model") == model), None)


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


print("### Recommend: Last.fm 2K, 20% of each user's artists held out, k = 10\n")
print("| model | P@10 | R@10 | NDCG@10 | MAP@10 | coverage | s/iteration |")
print("|---|---|---|---|---|---|---|")
for name in ["als", "implicit_als", "bpr", "implicit_bpr", "item_knn", "implicit_item_knn", "popularity", "python_popularity"]:
    r = pick("lastfm", name)
    if r:
        spi = r.get("seconds_per_iteration") or 0
        print(f"| {name} | {r['precision']:.4f} | {r['recall']:.4f} | {r['ndcg']:.4f} | {r['map']:.4f} | "
              f"{r['coverage']:.4f} | {spi:.4f} |" if spi else
              f"| {name} | {r['precision']:.4f} | {r['recall']:.4f} | {r['ndcg']:.4f} | {r['map']:.4f} | {r['coverage']:.4f} | - |")
for ours, theirs in [("als", "implicit_als"), ("bpr", "implicit_bpr")]:
    a, i = pick("lastfm", ours), pick("lastfm", theirs)
    if a and i:
        print(f"\n{ours}: trq/implicit P@10 {ratio(a['precision'], i['precision'])}, NDCG@10 {ratio(a['ndcg'], i['ndcg'])}, "
              f"time per iteration {ratio(a['seconds_per_iteration'], i['seconds_per_iteration'])}")
lastfm = [r for r in rows if r.get("bench") == "lastfm" and "precision" in r and r["model"] not in ("popularity", "python_popularity")]
if lastfm:
    best_trq = max((r for r in lastfm if not r["model"].startswith("implicit")), key=lambda r: r["precision"])
    best_ref = max((r for r in lastfm if r["model"].startswith("implicit")), key=lambda r: r["precision"], default=None)
    if best_ref:
        print(f"\nbest trq ({best_trq['model']}, P@10 {best_trq['precision']:.4f}) / best implicit ({best_ref['model']}, "
              f"P@10 {best_ref['precision']:.4f}): {ratio(best_trq['precision'], best_ref['precision'])}")

s = [r for r in rows if r.get("bench") == "synth" and "seconds_per_iteration" in r]
if len(s) == 2:
    print("\n### ALS on 10M synthetic interactions (100k users x 50k Zipf items), 64 factors, 2 threads\n")
    print("| library | pairs | s/iteration | peak MB |")
    print("|---|---|---|---|")
    for r, name in zip(s, ["trq", "implicit"]):
        print(f"| {name} | {r['pairs']} | {r['seconds_per_iteration']:.3f} | {r['peak_mb']:.0f} |")
    print(f"\ntrq/implicit time per iteration: {ratio(s[0]['seconds_per_iteration'], s[1]['seconds_per_iteration'])}")

for bench, title in [("spotify10", "Spotify, 10 genres (10,000 tracks)"), ("spotify114", "Spotify, 114 genres (114,000 tracks)")]:
    rs = [r for r in rows if r.get("bench") == bench]
    if not rs:
        continue
    print(f"\n### Classify: {title}, stratified 20% test split, audio features\n")
    print("| model | accuracy | macro-F1 | train s | peak MB |")
    print("|---|---|---|---|---|")
    for r in rs:
        print(f"| {r['model']} | {r['accuracy']:.4f} | {r['macro_f1']:.4f} | {r['train_seconds']:.2f} | {r['peak_mb']:.0f} |")
    ours = max((r for r in rs if not r["model"].startswith("sklearn")), key=lambda r: r["accuracy"])
    ref = max((r for r in rs if r["model"].startswith("sklearn")), key=lambda r: r["accuracy"], default=None)
    if ref:
        print(f"\ntrq best ({ours['model']}) / scikit-learn best ({ref['model']}): accuracy "
              f"{ratio(ours['accuracy'], ref['accuracy'])}, train time {ratio(ours['train_seconds'], ref['train_seconds'])}, "
              f"peak memory {ratio(ours['peak_mb'], ref['peak_mb'])}")

for k in (8, 20):
    rs = [r for r in rows if r.get("bench") == f"kmeans{k}"]
    if len(rs) != 2:
        continue
    print(f"\n### Cluster: k-means, k = {k}, all Spotify tracks, 14 standardized audio features, 10 starts\n")
    print("| library | inertia | iterations (kept start) | train s | peak MB |")
    print("|---|---|---|---|---|")
    for r in rs:
        print(f"| {r['model']} | {r['inertia']:.1f} | {r['iterations']} | {r['train_seconds']:.2f} | {r['peak_mb']:.0f} |")
    print(f"\ntrq/scikit-learn: inertia {rs[0]['inertia'] / rs[1]['inertia']:.5f}, "
          f"train time {ratio(rs[0]['train_seconds'], rs[1]['train_seconds'])}")
