"""The campaign report: one self-contained HTML file an engineer can e-mail.

Figures are embedded as PNG data URIs and the only script (table sorting, a few lines) is inline,
so the file needs no network and no other file. Every string that comes from an input (file
names, header text, road names, evidence, error messages) goes through :func:`html.escape`; the
report itself writes the only tags. The output is deterministic: the same content gives the same
bytes (no time stamps; timings live in ``run.json``).
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ReportContent", "render_report", "write_report"]


@dataclass
class ReportContent:
    """Everything the report shows, already computed (the report draws no conclusions itself).

    Attributes
    ----------
    title : str
    summary : list of (label, value)
        Campaign summary lines (plain text; escaped when rendered).
    stages : list of dict
        ``{"stage", "status", "detail"}`` per stage of the run (done / not available / skipped).
    map_png : bytes or None
        Map of anomalies by kind and risk over the centrelines.
    anomalies : pandas.DataFrame or None
        The anomaly table (geometry dropped or ignored); None when there is none, with
        ``anomalies_note`` saying why.
    evidence : list of dict
        Per high-risk anomaly: ``title``, ``evidence`` (words), ``facts`` (list of (label, value)),
        ``bscan_png``, ``slice_png`` (bytes or None).
    plan_figures : list of (caption, png bytes)
    plan_tables : list of (caption, pandas.DataFrame)
    plan_note : str
        Why there is no plan, when there is none.
    evaluation : dict or None
        Scores of detection against truth (label -> value).
    surveys : list of dict
        One row per survey (column -> value).
    recipe_toml : str
    configuration : dict
    skipped : list of dict
        ``{"input", "stage", "reason"}`` for every input that was skipped.
    notes : list of dict
        ``{"input", "stage", "reason"}`` for warnings (inputs used, but repaired or reprojected).
    version : str
    """

    title: str
    summary: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    map_png: bytes | None = None
    anomalies: Any = None
    anomalies_note: str = ""
    evidence: list = field(default_factory=list)
    plan_figures: list = field(default_factory=list)
    plan_tables: list = field(default_factory=list)
    plan_note: str = ""
    evaluation: dict | None = None
    surveys: list = field(default_factory=list)
    recipe_toml: str = ""
    configuration: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    version: str = ""


def e(value: Any) -> str:
    """Escape any value for HTML text and attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if not math.isfinite(v):
            return ""
        return f"{v:.3g}" if abs(v) < 1e4 else f"{v:.0f}"
    return str(v)


def _img(png: bytes | None, alt: str, cls: str = "fig") -> str:
    if not png:
        return f'<p class="missing">{e(alt)}: no figure</p>'
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="{cls}" alt="{e(alt)}" src="data:image/png;base64,{data}">'


def _table(df, *, table_id: str = "", sortable: bool = False, max_rows: int = 5000) -> str:
    cols = [c for c in df.columns if c != "geometry"]
    attrs = f' id="{e(table_id)}"' if table_id else ""
    cls = ' class="sortable"' if sortable else ""
    head = "".join(f"<th>{e(c)}</th>" for c in cols)
    rows = []
    for rec in df[cols].head(max_rows).itertuples(index=False):
        cells = []
        for v in rec:
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            key = f' data-v="{e(repr(float(v)))}"' if num and math.isfinite(float(v)) else ""
            cells.append(f"<td{key}>{e(_fmt(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(df) > max_rows:
        more = f"<p>{len(df) - max_rows} more rows in the GeoPackage.</p>"
    return f"<table{attrs}{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def _rows_table(rows: list[dict], columns: list[str] | None = None) -> str:
    if not rows:
        return "<p>None.</p>"
    import pandas as pd

    df = pd.DataFrame(rows)
    if columns:
        df = df[[c for c in columns if c in df.columns]]
    return _table(df)


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC',sans-serif;
 margin:0 auto;max-width:1320px;padding:12px 24px;color:#222;line-height:1.4}
h1{font-size:1.6em;margin:.4em 0} h2{font-size:1.25em;border-bottom:2px solid #3b6ea8;padding-bottom:2px;margin-top:1.6em}
h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;font-size:12px;margin:.4em 0} th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eef2f7} table.sortable th{cursor:pointer;user-select:none} table.sortable th:after{content:' \\2195';color:#999}
img.fig{max-width:100%;height:auto;border:1px solid #ddd} .pair{display:flex;flex-wrap:wrap;gap:8px}
.pair img{max-width:49%} .scroll{overflow-x:auto;max-width:100%} .missing{color:#a33} pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}
.ok{color:#176617} .na{color:#a05a00} .bad{color:#a33} dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}
dt{font-weight:600} dd{margin:0} table.sortable td:last-child{min-width:260px} #anomaly-table td:last-child{min-width:420px} .anomaly{border-left:4px solid #D55E00;padding-left:10px;margin:14px 0}
"""

# Sorts a table.sortable by the clicked column: numbers by their data-v value, text otherwise.
_JS = """
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
  var b=t.tBodies[0],r=Array.prototype.slice.call(b.rows),asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';
  r.sort(function(x,y){var a=x.cells[i],c=y.cells[i],u=a.dataset.v,w=c.dataset.v,k;
   if(u!==undefined&&w!==undefined){k=parseFloat(u)-parseFloat(w);}else{k=a.textContent.localeCompare(c.textContent);}
   return asc?k:-k;});r.forEach(function(x){b.appendChild(x);});});});});
document.body.setAttribute('data-script','ready');
"""


def render_report(c: ReportContent) -> str:
    """The report as one HTML string (see the module docstring)."""
    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>")
    w('<html lang="en"><head><meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{e(c.title)} - roadhealth report</title><style>{_CSS}</style></head><body>")
    w(f"<h1>{e(c.title)}</h1>")
    w(f"<p>roadhealth {e(c.version)} campaign report. Figures and the table script are embedded; "
      "this file needs nothing else.</p>")

    w('<h2 id="summary">Campaign summary</h2><dl>')
    for label, value in c.summary:
        w(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>")
    w("</dl>")
    if c.stages:
        w("<h3>Stages</h3><table><thead><tr><th>stage</th><th>status</th><th>detail</th></tr></thead><tbody>")
        for s in c.stages:
            cls = {"done": "ok", "cached": "ok"}.get(s.get("status"), "na")
            w(f'<tr><td>{e(s.get("stage"))}</td><td class="{cls}">{e(s.get("status"))}</td><td>{e(s.get("detail", ""))}</td></tr>')
        w("</tbody></table>")

    w('<h2 id="map">Map of anomalies</h2>')
    w(_img(c.map_png, "map of anomalies by kind and risk over the road centrelines"))

    w('<h2 id="anomalies">Anomalies</h2>')
    if c.anomalies is None:
        w(f'<p class="na">{e(c.anomalies_note or "No anomaly table.")}</p>')
    elif len(c.anomalies) == 0:
        w("<p>No anomalies found.</p>")
    else:
        w("<p>Click a column heading to sort.</p>")
        w('<div class="scroll">' + _table(c.anomalies, table_id="anomaly-table", sortable=True) + "</div>")

    w('<h2 id="high-risk">High-risk anomalies</h2>')
    if not c.evidence:
        w("<p>None.</p>" if c.anomalies is not None else f'<p class="na">{e(c.anomalies_note)}</p>')
    for item in c.evidence:
        w('<div class="anomaly">')
        w(f"<h3>{e(item.get('title'))}</h3>")
        w(f"<p><b>Evidence:</b> {e(item.get('evidence'))}</p>")
        facts = item.get("facts") or []
        if facts:
            w("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts) + "</dl>")
        w('<div class="pair">')
        w(_img(item.get("bscan_png"), f"B-scan of {item.get('title')}"))
        w(_img(item.get("slice_png"), f"depth slice of {item.get('title')}"))
        w("</div></div>")

    w('<h2 id="plan">Sections and hot in-place recycling plan</h2>')
    if not c.plan_figures and not c.plan_tables:
        w(f'<p class="na">{e(c.plan_note or "No plan.")}</p>')
    for caption, png in c.plan_figures:
        w(f"<h3>{e(caption)}</h3>")
        w(_img(png, caption))
    for caption, df in c.plan_tables:
        w(f"<h3>{e(caption)}</h3>")
        w('<div class="scroll">' + _table(df, sortable=True) + "</div>" if len(df) else "<p>None.</p>")

    if c.evaluation:
        w('<h2 id="evaluation">Detection against truth</h2><dl>')
        for k, v in c.evaluation.items():
            w(f"<dt>{e(k)}</dt><dd>{e(_fmt(v) if isinstance(v, float) else v)}</dd>")
        w("</dl>")

    w('<h2 id="surveys">Surveys</h2>')
    w(_rows_table(c.surveys))

    w('<h2 id="skipped">Skipped inputs and warnings</h2>')
    if c.skipped:
        w(f'<p class="bad">{len(c.skipped)} input(s) skipped:</p>')
        w(_rows_table(c.skipped, ["input", "stage", "reason"]))
    else:
        w("<p>No input was skipped.</p>")
    if c.notes:
        w(f"<p>{len(c.notes)} warning(s): the input was used, see why.</p>")
        w(_rows_table(c.notes, ["input", "stage", "reason"]))

    w('<h2 id="recipe">Recipe and configuration</h2>')
    w("<h3>Processing recipe</h3>")
    w(f"<pre>{e(c.recipe_toml)}</pre>")
    w("<h3>Configuration</h3>")
    w(f"<pre>{e(json.dumps(c.configuration, indent=1, ensure_ascii=False, sort_keys=True, default=str))}</pre>")
    w(f"<script>{_JS}</script>")
    w("</body></html>")
    return "\n".join(out) + "\n"


def write_report(path: str | os.PathLike, content: ReportContent) -> Path:
    """Render and write the report atomically; return its path."""
    from roadhealth.io._common import atomic_write

    text = render_report(content)
    with atomic_write(path, "wb") as f:
        f.write(text.encode("utf-8"))
    return Path(path)
