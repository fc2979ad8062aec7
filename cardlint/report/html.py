"""`cardlint report --format html`: one self-contained page (inline CSS, SVG and script; no network).

Every piece of card text goes through html.escape: a heading `<script>` shows as text."""
from __future__ import annotations

import html
import json
import os

from ..wording import plural, severity_counts
from .completeness import Aggregate

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#57606a}.charts{display:flex;flex-wrap:wrap;gap:28px}
.chart{border:1px solid #d0d7de;border-radius:6px;padding:12px}
table.cards{border-collapse:collapse;width:100%}table.cards th,table.cards td{border-bottom:1px solid #d8dee4;
padding:4px 8px;text-align:left}table.cards th{cursor:pointer;background:#f6f8fa;user-select:none}
table.cards th.num,table.cards td.num{text-align:right}table.cards td:first-child{word-break:break-all}
table.cards th[aria-sort=ascending]::after{content:" \\25B2"}table.cards th[aria-sort=descending]::after{content:" \\25BC"}
.t-filled{color:#1a7f37}.t-stub{color:#9a6700}.t-absent{color:#cf222e}
.error{color:#cf222e}.warning{color:#9a6700}.info{color:#0969da}
details{margin:6px 0}summary{cursor:pointer}code{font-size:12px}
"""

SCRIPT = """
(function(){
  var table=document.getElementById('cards');
  function sortBy(col,desc){
    var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
    var num=table.tHead.rows[0].cells[col].classList.contains('num');
    rows.sort(function(a,b){
      var x=a.cells[col].getAttribute('data-v'),y=b.cells[col].getAttribute('data-v');
      var c=num?(parseFloat(x)-parseFloat(y)):x.localeCompare(y);
      return desc?-c:c;});
    rows.forEach(function(r){body.appendChild(r);});
    table.setAttribute('data-sorted',col+(desc?':desc':':asc'));
    Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
      if(i===col){th.setAttribute('aria-sort',desc?'descending':'ascending');}else{th.removeAttribute('aria-sort');}});
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var cur=table.getAttribute('data-sorted')||'';sortBy(i,cur===i+':asc');});});
  var m=/sort=(\\d+)(?::(desc|asc))?/.exec(location.hash);
  if(m){sortBy(parseInt(m[1],10),m[2]==='desc');}
  window.cardlintSummary=JSON.parse(document.getElementById('summary').textContent);
  document.body.setAttribute('data-ready','1');
})();
"""


def _bars(items: list[tuple[str, float]], *, width: int = 420, unit: str = "", max_value: float | None = None,
          label_width: int = 190, title: str = "") -> str:
    """A horizontal bar chart as inline SVG."""
    row = 20
    top = max_value if max_value is not None else max([v for _, v in items] or [1]) or 1
    height = row * len(items) + 10
    parts = [f'<svg class="bars" role="img" aria-label="{html.escape(title)}" width="{width + label_width + 60}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = int(width * value / top) if top else 0
        limit = max(30, label_width // 7)  # about 7 px a character at 12 px
        short = label if len(label) <= limit else label[:limit - 1] + "\u2026"
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" font-size="12">{html.escape(short)}'
                     f'<title>{html.escape(label)}</title></text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{max(w, 1)}" height="{row - 6}" fill="#2f81f7"/>')
        text = f"{value:.0%}" if unit == "%" else f"{value:g}"
        parts.append(f'<text x="{label_width + max(w, 1) + 4}" y="{y + 14}" font-size="12">{text}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _shown(path: str) -> str:
    """A card's path as the page shows it: relative to the working directory when inside it."""
    if "://" in path or not os.path.isabs(path):
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _script_json(data) -> str:
    """JSON that is safe inside <script type="application/json"> and that JSON.parse reads: the element's
    text is not entity-decoded, so <, > and & are written as \\u escapes instead."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write(results, out) -> Aggregate:
    agg = Aggregate()
    cards = []
    for r in results:
        agg.add(r)
        counts = severity_counts(r.findings)
        cards.append((_shown(r.path), r.profile or "", r.score, counts,
                      [(f.severity, f.line, f.column, f.code, f.name, f.message) for f in r.findings], r.topics))
    s = agg.summary()
    e = html.escape
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width\"><title>cardlint report</title>"
              f"<style>{CSS}</style></head><body>\n")
    sev = s["findings"]
    out.write(f"<h1>cardlint report</h1><p class=\"muted\">{plural(s['cards'], 'card')}, mean completeness "
              f"{'' if s['mean_score'] is None else s['mean_score']}; "
              + ", ".join(plural(sev.get(k, 0), k) for k in ("error", "warning", "info")) + "</p>\n")
    fills = [(f"{k} ({v['cards']} cards)", v["filled"]) for k, v in s["topic_fill_rates"].items()]
    out.write('<div class="charts">'
              f'<div class="chart" id="chart-scores"><h2>Score distribution</h2>'
              f'{_bars([(k, v) for k, v in s["score_distribution"].items()], title="score distribution")}</div>'
              f'<div class="chart" id="chart-rules"><h2>Most frequent findings</h2>'
              f'{_bars(list(s["top_findings"].items()), title="findings by rule")}</div>'
              f'<div class="chart" id="chart-topics"><h2>Documentation topics filled</h2>'
              f'{_bars(fills, unit="%", max_value=1, title="topic fill rates", label_width=300)}</div></div>\n')
    out.write('<h2>Cards</h2><table class="cards" id="cards"><thead><tr><th>card</th><th>profile</th>'
              '<th class="num">score</th><th class="num">errors</th><th class="num">warnings</th>'
              '<th class="num">info</th></tr></thead><tbody>\n')
    for i, (path, profile, score, counts, _, _) in enumerate(cards):
        score_v = -1 if score is None else score
        out.write(f'<tr><td data-v="{e(path)}"><a href="#card-{i}">{e(path)}</a></td>'
                  f'<td data-v="{e(profile)}">{e(profile)}</td>'
                  f'<td class="num" data-v="{score_v}">{"" if score is None else f"{score:g}"}</td>'
                  + "".join(f'<td class="num" data-v="{counts[k]}">{counts[k]}</td>' for k in ("error", "warning", "info"))
                  + "</tr>\n")
    out.write("</tbody></table>\n<h2>Findings by card</h2>\n")
    for i, (path, _, score, counts, findings, topics) in enumerate(cards):
        out.write(f'<details id="card-{i}"><summary><code>{e(path)}</code>: {plural(len(findings), "finding")}</summary>')
        if topics:
            out.write('<p class="topics">' + ", ".join(
                f'<span class="t-{t.status}">{e(t.topic)}: {t.status}</span>'
                + (f" (line {t.line})" if t.line else f" ({e(t.where)})" if t.where else "") for t in topics) + "</p>")
        out.write("<ul>")
        for severity, line, column, code, name, message in findings:
            out.write(f'<li><span class="{severity}">{severity}</span> {line}:{column} <b>{e(code)}</b> '
                      f'{e(name)}: {e(message)}</li>')
        out.write("</ul></details>\n")
    out.write(f'<script type="application/json" id="summary">{_script_json(s)}</script>')
    out.write(f"<script>{SCRIPT}</script></body></html>\n")
    return agg
