import Hummingbird

/// A small built-in web page: `/` redirects to `/graph` (as Prometheus), where a query box runs
/// instant or range queries through /api/v1 and shows a table and a line chart; `/targets` lists
/// the scrape targets. Not Prometheus's React UI — enough to look at a server from a browser.
public enum WebUI {
    /// Adds `/`, `/graph` and `/targets` to `router` (the pages call the API on the same origin).
    public static func register<C: RequestContext>(on router: Router<C>) {
        router.get("/") { _, _ in
            Response(status: .found, headers: [.location: "/graph"])
        }
        router.get("/graph") { _, _ in page(graphBody) }
        router.get("/targets") { _, _ in page(targetsBody) }
    }

    static func page(_ body: String) -> Response {
        Reply.bytes(Array((head + body + "</body></html>\n").utf8), contentType: "text/html; charset=utf-8")
    }

    static let head = """
    <!doctype html><html><head><meta charset="utf-8"><title>promfleet</title>
    <style>
    body{font-family:sans-serif;margin:1.5em;color:#222} nav a{margin-right:1em}
    textarea{width:100%;font-family:monospace;font-size:14px} table{border-collapse:collapse;margin-top:1em}
    td,th{border:1px solid #ccc;padding:3px 8px;font-family:monospace;font-size:13px;text-align:left}
    .err{color:#b00;white-space:pre-wrap} canvas{border:1px solid #ccc;margin-top:1em}
    </style></head><body>
    <nav><b>promfleet</b> &nbsp; <a href="/graph">Graph</a><a href="/targets">Targets</a><a href="/metrics">Metrics</a></nav>

    """

    static let graphBody = """
    <p><textarea id="q" rows="3" placeholder="PromQL expression"></textarea></p>
    <p><label><input type="radio" name="k" value="instant" checked> instant</label>
    <label><input type="radio" name="k" value="range"> range, last <input id="r" value="1h" size="4"></label>
    <button onclick="run()">Execute</button> <span id="info"></span></p>
    <div id="err" class="err"></div><canvas id="c" width="900" height="300" style="display:none"></canvas>
    <div id="out"></div>
    <script>
    const $ = id => document.getElementById(id);
    const esc = s => String(s).replace(/[&<>]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
    const metric = m => { const n = m.__name__ || ''; const l = Object.keys(m).filter(k => k != '__name__').map(k => k + '="' + m[k] + '"');
      return n + '{' + l.join(', ') + '}'; };
    function secs(t) { const m = /^(\\d+)([smhdw])$/.exec(t); return m ? m[1] * {s:1,m:60,h:3600,d:86400,w:604800}[m[2]] : 3600; }
    async function run() {
      const q = $('q').value, range = document.querySelector('input[name=k]:checked').value == 'range';
      const now = Date.now() / 1000, p = new URLSearchParams({query: q});
      let url = '/api/v1/query';
      if (range) { const r = secs($('r').value); p.set('start', now - r); p.set('end', now); p.set('step', Math.max(1, Math.round(r / 250))); url = '/api/v1/query_range'; }
      else p.set('time', now);
      history.replaceState(null, '', '?g0.expr=' + encodeURIComponent(q));
      const t0 = performance.now(), res = await fetch(url + '?' + p), d = await res.json();
      $('info').textContent = ((performance.now() - t0) | 0) + ' ms';
      $('err').textContent = d.status == 'error' ? d.errorType + ': ' + d.error : (d.warnings || []).join('\\n');
      $('out').innerHTML = ''; $('c').style.display = 'none';
      if (d.status != 'success') return;
      const r = d.data.result, t = d.data.resultType;
      if (t == 'scalar' || t == 'string') { $('out').innerHTML = '<table><tr><td>' + esc(r[1]) + '</td></tr></table>'; return; }
      if (t == 'vector') { $('out').innerHTML = '<table><tr><th>series</th><th>value</th></tr>' + r.map(s => '<tr><td>' + esc(metric(s.metric)) + '</td><td>' + esc(s.value[1]) + '</td></tr>').join('') + '</table>'; return; }
      draw(r);
      $('out').innerHTML = '<table><tr><th>series</th><th>points</th><th>last</th></tr>' + r.map(s => '<tr><td>' + esc(metric(s.metric)) + '</td><td>' + s.values.length + '</td><td>' + esc(s.values[s.values.length - 1][1]) + '</td></tr>').join('') + '</table>';
    }
    function draw(r) {
      const c = $('c'), g = c.getContext('2d'); c.style.display = 'block'; g.clearRect(0, 0, c.width, c.height);
      let t0 = Infinity, t1 = -Infinity, v0 = Infinity, v1 = -Infinity;
      for (const s of r) for (const [t, v] of s.values) { const f = +v; if (!isFinite(f)) continue; t0 = Math.min(t0, t); t1 = Math.max(t1, t); v0 = Math.min(v0, f); v1 = Math.max(v1, f); }
      if (!isFinite(t0)) return; if (v0 == v1) { v0 -= 1; v1 += 1; } if (t0 == t1) t1 = t0 + 1;
      const X = t => 40 + (t - t0) / (t1 - t0) * (c.width - 50), Y = v => c.height - 20 - (v - v0) / (v1 - v0) * (c.height - 30);
      g.fillStyle = '#555'; g.font = '11px sans-serif'; g.fillText(v1.toPrecision(4), 2, 12); g.fillText(v0.toPrecision(4), 2, c.height - 22);
      r.slice(0, 50).forEach((s, i) => { g.strokeStyle = 'hsl(' + (i * 47 % 360) + ',70%,45%)'; g.beginPath();
        let prev = null; for (const [t, v] of s.values) { const f = +v; if (!isFinite(f)) { prev = null; continue; }
          if (prev === null || t - prev > 2 * (t1 - t0) / 250 + 1) g.moveTo(X(t), Y(f)); else g.lineTo(X(t), Y(f)); prev = t; } g.stroke(); });
    }
    const e = new URLSearchParams(location.search).get('g0.expr'); if (e) { $('q').value = e; run(); }
    $('q').addEventListener('keydown', ev => { if (ev.key == 'Enter' && !ev.shiftKey) { ev.preventDefault(); run(); } });
    </script>
    """

    static let targetsBody = """
    <div id="out">loading…</div>
    <script>
    const esc = s => String(s).replace(/[&<>]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
    fetch('/api/v1/targets').then(r => r.json()).then(d => {
      const ts = d.data.activeTargets;
      document.getElementById('out').innerHTML = '<table><tr><th>pool</th><th>endpoint</th><th>state</th><th>labels</th><th>last scrape</th><th>duration</th><th>error</th></tr>' +
        ts.map(t => '<tr><td>' + esc(t.scrapePool) + '</td><td>' + esc(t.scrapeUrl) + '</td><td>' + esc(t.health) + '</td><td>' +
          esc(Object.entries(t.labels).map(([k, v]) => k + '="' + v + '"').join(', ')) + '</td><td>' + esc(t.lastScrape) + '</td><td>' +
          (t.lastScrapeDuration * 1000).toFixed(1) + ' ms</td><td>' + esc(t.lastError) + '</td></tr>').join('') + '</table>' +
        (ts.length ? '' : '<p>No active targets.</p>');
    });
    </script>
    """
}
