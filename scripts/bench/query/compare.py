#!/usr/bin/env python3
"""Answers of Prometheus and promfleet for the same queries over the same data, compared.

Usage: compare.py PROMETHEUS_URL PROMFLEET_URL END_UNIX_SECONDS [QUERY_FILE]

Each query in QUERY_FILE (default: compare_queries.txt next to this script) runs as an instant
query and as a 1 h range query (step 2 m) at END − 15 s, so no evaluation time and no range
boundary falls on a sample of the generated dataset (samples are at :00 and :30): Prometheus
2.42's closed range windows and 3.x's left-open ones (ours) then see the same samples. Series sets,
timestamps and values (relative tolerance 1e-9) must be equal. Subqueries are the exception:
their inner steps are minute-aligned, so 2.42 and 3.x differ there by design; they are reported
separately. Exit status 1 when any other query differs."""
import json, math, os, re, sys, urllib.error, urllib.parse, urllib.request
A, B = sys.argv[1], sys.argv[2]
end = int(sys.argv[3]) - 15
qfile = sys.argv[4] if len(sys.argv) > 4 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare_queries.txt")
Q = [l.strip() for l in open(qfile) if l.strip() and not l.startswith("#")]
def get(base, q, rng):
    if rng:
        p = {"query": q, "start": end - 3600, "end": end, "step": 120}; path = "/api/v1/query_range"
    else:
        p = {"query": q, "time": end}; path = "/api/v1/query"
    try:
        with urllib.request.urlopen(base + path + "?" + urllib.parse.urlencode(p)) as r: return json.load(r)
    except urllib.error.HTTPError as e: return json.load(e)
def norm(d):
    if d["status"] != "success": return ("error", d.get("errorType"))
    r = d["data"]["result"]; t = d["data"]["resultType"]
    if t in ("scalar", "string"): return (t, {(): [tuple(r)]})
    out = {}
    for s in r:
        k = tuple(sorted(s["metric"].items()))
        out[k] = s.get("values") or [s["value"]]
    return (t, out)
def close(a, b):
    fa, fb = float(a), float(b)
    if math.isnan(fa) and math.isnan(fb): return True
    if fa == fb: return True
    return abs(fa - fb) <= 1e-9 * max(abs(fa), abs(fb))
bad = 0
expected = 0
for q in Q:
    for rng in (False, True):
        a, b = norm(get(A, q, rng)), norm(get(B, q, rng))
        ok = a[0] == b[0]
        if ok and a[0] != "error":
            ok = a[1].keys() == b[1].keys() and all(len(a[1][k]) == len(b[1][k]) and all(x[0] == y[0] and close(x[1], y[1]) for x, y in zip(a[1][k], b[1][k])) for k in a[1])
        if not ok and re.search(r"\[[0-9a-z]+:[0-9a-z]*\]", q):
            expected += 1
            print(f"subquery (2.42 vs 3.x window semantics) {'range' if rng else 'inst'}: {q}")
            continue
        if not ok:
            bad += 1
            ka, kb = (set(a[1].keys()) if isinstance(a[1], dict) else a[1]), (set(b[1].keys()) if isinstance(b[1], dict) else b[1])
            print(f"DIFF {'range' if rng else 'inst'} {q}\n  prom: {a[0]} n={len(ka) if isinstance(ka,set) else ka}  ours: {b[0]} n={len(kb) if isinstance(kb,set) else kb}")
            if isinstance(ka, set) and isinstance(kb, set):
                common = ka & kb
                print("  only prom:", list(ka - kb)[:2], " only ours:", list(kb - ka)[:2])
                for k in list(common)[:1]:
                    print("  prom", a[1][k][:3], "\n  ours", b[1][k][:3])
print(f"{len(Q)*2 - bad - expected}/{len(Q)*2} answers equal, {expected} subquery answers differ by design, {bad} differ")
sys.exit(1 if bad else 0)
