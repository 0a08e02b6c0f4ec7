"""Router latency and failover measurements (driven by run.sh)."""
import http.client, os, signal, sys, threading, time, urllib.parse

N, PA, PB, PR, PIDA = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

def conn(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=10)

def get(c, path):
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    return r.status, r.getheader("X-Promfleet-Member"), body

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]

now = int(time.time())
cases = {
    "instant": "/api/v1/query?" + urllib.parse.urlencode({"query": "sum by (mode)(rate(node_cpu_seconds_total[5s]))", "time": now - 1}),
    "range": "/api/v1/query_range?" + urllib.parse.urlencode({"query": "rate(node_network_receive_bytes_total[5s])",
                                                               "start": now - 120, "end": now - 1, "step": 1}),
}
# Which replica answers each case through the router: query that replica directly for the baseline.
rc = conn(PR)
print(f"router overhead ({N} requests per case, keep-alive, sequential, interleaved direct/router):")
print(f"{'case':8} {'direct p50':>11} {'router p50':>11} {'overhead p50':>13} {'direct p99':>11} {'router p99':>11} {'overhead p99':>13}")
for name, path in cases.items():
    status, member, body = get(rc, path)
    assert status == 200, body[:200]
    dc = conn(PA if member == "a" else PB)
    for _ in range(50):  # warm-up
        get(dc, path); get(rc, path)
    d, r = [], []
    for _ in range(N):
        t = time.perf_counter(); s1, _, b1 = get(dc, path); d.append(time.perf_counter() - t)
        t = time.perf_counter(); s2, _, b2 = get(rc, path); r.append(time.perf_counter() - t)
        assert s1 == 200 and s2 == 200 and b1 == b2, (s1, s2)
    ms = lambda x: f"{x * 1000:.3f} ms"
    print(f"{name:8} {ms(pct(d, 50)):>11} {ms(pct(r, 50)):>11} {ms(pct(r, 50) - pct(d, 50)):>13} "
          f"{ms(pct(d, 99)):>11} {ms(pct(r, 99)):>11} {ms(pct(r, 99) - pct(d, 99)):>13}")

# Failover: queries that the router sends to replica a, from 4 clients; SIGKILL a.
queries = []
for i in range(200):
    p = "/api/v1/query?" + urllib.parse.urlencode({"query": f"count(up) + {i}", "time": now - 1})
    if get(rc, p)[1] == "a":
        queries.append(p)
assert queries, "no query routed to a"
stop, lock = False, threading.Lock()
ok = fail = 0
first_b_after_kill = None
kill_at = None
def worker(k):
    global ok, fail, first_b_after_kill
    c = conn(PR)
    i = k
    while not stop:
        p = queries[i % len(queries)]; i += 1
        try:
            s, m, _ = get(c, p)
        except Exception:
            s, m = 0, None; c = conn(PR)
        t = time.perf_counter()
        with lock:
            if s == 200:
                ok += 1
                if kill_at is not None and m == "b" and first_b_after_kill is None:
                    first_b_after_kill = t
            else:
                fail += 1
threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in threads: t.start()
time.sleep(1.0)
kill_at = time.perf_counter()
os.kill(PIDA, signal.SIGKILL)
time.sleep(3.0)
stop = True
for t in threads: t.join()
print(f"failover: SIGKILL of the answering replica → first answer from the survivor in "
      f"{(first_b_after_kill - kill_at) * 1000:.1f} ms; {ok} queries ok, {fail} failed across the kill")
