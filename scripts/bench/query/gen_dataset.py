#!/usr/bin/env python3
"""Query-benchmark dataset as an OpenMetrics backfill file: counters http_requests_total
{job, instance, code, method} and a classic histogram http_request_duration_seconds
{job, instance, le}, every value changing. Deterministic (seeded).
Usage: gen_dataset.py OUT [series] [hours] [step_seconds] [end_unix]"""
import random
import sys
import time

out = sys.argv[1]
nseries = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
hours = float(sys.argv[3]) if len(sys.argv) > 3 else 6
step = int(sys.argv[4]) if len(sys.argv) > 4 else 30
end = int(sys.argv[5]) if len(sys.argv) > 5 else int(time.time()) // 3600 * 3600 - 3600
nsamples = int(hours * 3600 / step)
start = end - (nsamples - 1) * step
rng = random.Random(42)
les = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"]
codes = ["200", "200", "200", "404", "500"]
methods = ["GET", "POST"]

# Half the series are counters, half histogram buckets (10 buckets per histogram).
ncounters = nseries // 2
nhist = (nseries - ncounters) // len(les)

with open(out, "w", buffering=1 << 20) as f:
    f.write("# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n")
    for s in range(ncounters):
        labels = (f'code="{codes[s % 5]}",instance="host-{s // 10 % 500}:9100",'
                  f'job="job-{s % 20}",method="{methods[s // 5 % 2]}",shard="{s // 10000}"')
        v = rng.uniform(0, 1000)
        lines = []
        for i in range(nsamples):
            v += rng.randint(0, 50)
            lines.append(f"http_requests_total{{{labels}}} {int(v)} {start + i * step}\n")
        f.write("".join(lines))
    f.write("# HELP http_request_duration_seconds Latency.\n# TYPE http_request_duration_seconds histogram\n")
    for h in range(nhist):
        base = f'instance="host-{h % 500}:9100",job="job-{h % 20}",shard="{h // 500}"'
        counts = [0.0] * len(les)
        series = [[] for _ in les]
        for i in range(nsamples):
            incs = [rng.randint(0, 20) for _ in les]
            acc = 0
            for b in range(len(les)):
                acc += incs[b]
                counts[b] += acc
                series[b].append(f'http_request_duration_seconds_bucket{{{base},le="{les[b]}"}} {int(counts[b])} {start + i * step}\n')
        for b in range(len(les)):
            f.write("".join(series[b]))
    f.write("# EOF\n")
print(f"{ncounters + nhist * len(les)} series x {nsamples} samples, {start}..{end}")
