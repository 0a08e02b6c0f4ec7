#!/usr/bin/env python3
"""Federate-benchmark dataset as an OpenMetrics backfill file: SERIES series, SAMPLES samples
each every STEP seconds, the last at END (unix seconds; make it recent: /federate serves only
samples within the lookback window of now). Labels like a node/app fleet: job, instance, path,
code, method; gauges and counters with changing values. Deterministic (seeded).
Usage: gen.py OUT [series] [samples] [step] [end]"""
import random
import sys
import time

out = sys.argv[1]
nseries = int(sys.argv[2]) if len(sys.argv) > 2 else 120000
nsamples = int(sys.argv[3]) if len(sys.argv) > 3 else 4
step = int(sys.argv[4]) if len(sys.argv) > 4 else 15
end = int(sys.argv[5]) if len(sys.argv) > 5 else int(time.time()) - 30
start = end - (nsamples - 1) * step
rng = random.Random(42)
families = 40
per_family = nseries // families
with open(out, "w", buffering=1 << 20) as f:
    for fam in range(families):
        counter = fam % 2 == 0
        name = f"fed_bench_metric_{fam}" + ("_total" if counter else "")
        f.write(f"# HELP {name} Benchmark metric {fam}.\n")
        f.write(f"# TYPE {name} {'counter' if counter else 'gauge'}\n")
        lines = []
        for s in range(per_family):
            labels = (f'code="{200 + s % 5}",instance="host-{s % 500}:9100",job="job-{s % 20}",'
                      f'method="{("GET", "POST")[s // 7 % 2]}",path="/api/v{s // 500}/items"')
            v = rng.uniform(0, 1000)
            for i in range(nsamples):
                if counter:
                    v += rng.randint(1, 500)
                    val = str(int(v))
                else:
                    v += rng.uniform(-10, 10)
                    val = f"{v:.6g}"
                lines.append(f"{name}{{{labels}}} {val} {start + i * step}\n")
        f.write("".join(lines))
    f.write("# EOF\n")
