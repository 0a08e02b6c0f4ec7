#!/usr/bin/env python3
"""Generates an OpenMetrics backfill file: SERIES series x SAMPLES samples every STEP seconds,
every value changing (counters with irregular increments and gauges with random walks), ending
with # EOF. Deterministic (seeded). Usage: gen_openmetrics.py OUT [series] [samples] [step] [start]"""
import random
import sys

out = sys.argv[1]
nseries = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
nsamples = int(sys.argv[3]) if len(sys.argv) > 3 else 720
step = int(sys.argv[4]) if len(sys.argv) > 4 else 30
start = int(sys.argv[5]) if len(sys.argv) > 5 else 1_700_000_000 // 7200 * 7200  # 2h aligned

rng = random.Random(42)
families = 20
per_family = nseries // families
with open(out, "w", buffering=1 << 20) as f:
    for fam in range(families):
        counter = fam % 2 == 0
        name = f"bench_metric_{fam}" + ("_total" if counter else "")
        f.write(f"# HELP {name} Benchmark metric {fam}.\n")
        f.write(f"# TYPE {name} {'counter' if counter else 'gauge'}\n")
        for s in range(per_family):
            labels = f'instance="host-{s % 100}:9100",job="node",path="/api/v{s // 100}/items",code="{200 + s % 5}"'
            series = f"{name}{{{labels}}}"
            v = rng.uniform(0, 1000)
            lines = []
            for i in range(nsamples):
                if counter:
                    v += rng.randint(1, 500)
                    val = str(int(v))
                else:
                    v += rng.uniform(-5, 5)
                    val = repr(round(v, 3))
                lines.append(f"{series} {val} {start + i * step}\n")
            f.write("".join(lines))
    f.write("# EOF\n")
