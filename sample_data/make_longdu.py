"""Make the Longdu sample campaign in ``sample_data/longdu/`` (run from the repository root).

    python sample_data/make_longdu.py            # the campaign (about 1.5 minutes on 2 cores)
    python sample_data/make_longdu.py --docs     # also the figures in docs/img and docs/gprmax/*.in

Three roads of Longdu, Wanzhou (外贸路 Waimao Road, 金陵路 Jinling Road, 富康路 Fukang Road) with
illustrative geometry, 320-420 m each; two 600 MHz GPR passes of each in its right-hand lane (GSSI
DZT + DZG): a short 12-channel pass (5 cm) over the first 40-60 m and a long 3-channel pass (25 cm)
over the rest; the truth of every defect and clutter object, a surface-condition survey by
stretches (sound, distressed on top, structurally failed) and asphalt cores. Everything comes from
``roadhealth.synth`` with the fixed seed ``roadhealth.synth.campaign.LONGDU_SEED``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from roadhealth.synth.campaign import (
    ILLUSTRATIVE,
    LONGDU_ACQ,
    LONGDU_LONG_ACQ,
    longdu_roads,
    make_longdu,
)

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "longdu"
DOCS = ROOT.parent / "docs"

README = """# Longdu sample campaign (synthetic)

{note}

Regenerate with `python sample_data/make_longdu.py` (fixed seed; see `campaign.json`).

| file | content |
|---|---|
| `centrelines.gpkg` | layer `centrelines` (EPSG:4545): `name`, `name_en`, `width_m`, `lanes`, `length_m` (Waimao 420 m, Jinling 320 m, Fukang 340 m); the metadata repeat that the geometry is illustrative |
| `WAIMAO.DZT`, `JINLING.DZT`, `FUKANG.DZT` | the short passes (chainage 0-60 m, 0-40 m, 0-40 m): GSSI DZT, 12 channels ({spacing} m apart across track), 600 MHz, 256 samples over 32 ns, 16-bit, a trace every 5 cm (survey wheel: `rhf_spm` = 20), 40 scans/s; header words 0/1 hold the scan counter and marks (every 10 m) |
| `WAIMAO_LONG.DZT`, `JINLING_LONG.DZT`, `FUKANG_LONG.DZT` | the long passes, from where the short pass ends to 5 m before the road's end (355, 274 and 295 m): the same radar with {long_channels} channels {long_spacing} m apart and a trace every {long_step} m (8 scans/s), to keep the folder under 25 MB |
| `*.DZG` | GNSS of the array centre (`$GSSIS` + `$GPGGA`, one fix per second = 2 m; 1 cm noise) |
| `truth.gpkg` | layer `anomalies`: every defect in the anomaly schema plus `survey` and `road`; layer `clutter`: pipes, manholes and layer undulations that must not be flagged (one thins the asphalt of Jinling Road to about 5 cm around chainage 185 m) |
| `surface_condition.csv` | by road and 20 m section: `cracking_pct`, `rutting_mm`, `ravelling` (none/light/moderate/severe), `pci` (0-100); by stretches: sound, distressed in the top layer, structurally failed (Jinling Road 140-220 m); worse where defects lie beneath |
| `cores.csv` | asphalt cores in the surveyed lane, 7 per road: chainage, offset from the centreline, x/y (EPSG:4545), `asphalt_mm` |
| `campaign.toml` | how `roadhealth run` reads this folder (written by hand, kept when regenerating) |
| `campaign.json` | the generator's parameters: acquisition, instrument effects, seeds, and each road model (layers, objects) |

Each survey is one pass in the right-hand lane next to the centreline, running in the direction of
the centreline; the short passes start at chainage 0, the long ones where the short ones end
(`chainage_start_m` in `campaign.json`). Truth `distance_*_m` is along that pass from its first
trace (the survey's `distance_m`), `offset_*_m` across it, positive to the left (the survey's
`offset_m`), depths in metres below the road surface. Radar amplitudes are the model's amplitudes
times `amplitude_scale` (in `campaign.json`).

```python
import roadhealth
from roadhealth.synth.campaign import read_truth
s = roadhealth.read("sample_data/longdu/WAIMAO.DZT", crs="EPSG:4545")   # with GNSS positions
truth = read_truth("sample_data/longdu/truth.gpkg", survey="WAIMAO")
```
"""


def write_readme(out: Path) -> None:
    (out / "README.md").write_text(
        README.format(note=ILLUSTRATIVE, spacing=LONGDU_ACQ.channel_spacing_m,
                      long_channels=LONGDU_LONG_ACQ.n_channels, long_spacing=LONGDU_LONG_ACQ.channel_spacing_m,
                      long_step=LONGDU_LONG_ACQ.trace_spacing_m), encoding="utf-8"
    )


# --------------------------------------------------------------------------------------------
# Figures for docs/synthetic.md
# --------------------------------------------------------------------------------------------


def _display(values: np.ndarray, dt_ns: float, t0_ns: float) -> np.ndarray:
    """Display processing (numpy only): dewow, background removal, gain ~ t^2, per channel/trace."""
    from scipy.ndimage import uniform_filter1d

    x = values.astype(float)
    x[..., :2] = 0.0  # GSSI header words
    x = x - uniform_filter1d(x, max(3, round(2.0 / dt_ns)), axis=-1)  # dewow, 2 ns window
    x = x - uniform_filter1d(x, 301, axis=-2, mode="nearest")  # background removal, 15 m
    t = np.arange(x.shape[-1]) * dt_ns
    gain = 1 + np.clip((t - t0_ns) / 5.0, 0, None) ** 2
    return x * gain


def _envelope(x: np.ndarray) -> np.ndarray:
    from scipy.signal import hilbert

    return np.abs(hilbert(x, axis=-1))


def make_figures(out_img: Path) -> list[Path]:
    """B-scans and time slices of each defect kind from the Longdu campaign."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import roadhealth
    from roadhealth.synth.campaign import read_truth

    out_img.mkdir(parents=True, exist_ok=True)
    made = []
    roads = {r["code"]: r for r in longdu_roads()}
    dt = LONGDU_ACQ.dt_ns
    t0 = LONGDU_ACQ.time_zero_ns
    for code in ("WAIMAO", "JINLING", "FUKANG"):
        s = roadhealth.read(OUT / f"{code}.DZT", crs="EPSG:4545")
        raw = np.asarray(s.values)
        proc = _display(raw, dt, t0)
        dist = s.distance_m.values[0]
        t = s.twt_ns.values
        truth = read_truth(OUT / "truth.gpkg", survey=code)
        clutter = read_truth(OUT / "truth.gpkg", survey=code, layer="clutter")
        ch = int(np.argmin(np.abs(s.offset_m.values)))
        # --- full-length B-scan: raw and processed
        fig, axs = plt.subplots(2, 1, figsize=(13, 7.5), sharex=True)
        r = raw[ch].T.astype(float)
        r[:2] = 0
        v = np.percentile(np.abs(r), 99.5)
        axs[0].imshow(r, aspect="auto", cmap="gray", vmin=-v, vmax=v, extent=[dist[0], dist[-1], t[-1], t[0]])
        axs[0].set_title(f"{code}.DZT channel {ch} (offset {s.offset_m.values[ch]:+.3f} m): raw 16-bit counts")
        p = proc[ch].T
        v = np.percentile(np.abs(p[int(5 / dt):]), 99)
        axs[1].imshow(p, aspect="auto", cmap="gray", vmin=-v, vmax=v, extent=[dist[0], dist[-1], t[-1], t[0]])
        axs[1].set_title("dewow, background removal, gain; truth (yellow: defects, cyan: clutter)")
        for _, row in truth.iterrows():
            axs[1].axvspan(row.distance_start_m, row.distance_end_m, ymin=0.96, ymax=1.0, color="yellow")
            axs[1].text((row.distance_start_m + row.distance_end_m) / 2, t[0] + 1.2, row.kind, color="yellow",
                        ha="center", fontsize=9)
        for _, row in clutter.iterrows():
            axs[1].axvspan(row.distance_start_m, row.distance_end_m, ymin=0.0, ymax=0.03, color="cyan")
            axs[1].text((row.distance_start_m + row.distance_end_m) / 2, t[-1] - 1.0, row.kind, color="cyan",
                        ha="center", fontsize=9)
        for ax in axs:
            ax.set_ylabel("two-way time, ns")
        axs[1].set_xlabel("distance along the pass, m")
        fig.tight_layout()
        path = out_img / f"synth_{code.lower()}_bscan.png"
        fig.savefig(path, dpi=80)
        plt.close(fig)
        made.append(path)

        # --- per-defect close-ups: B-scan + time slice of the envelope at the defect's top
        model = roads[code]["model"]
        env = _envelope(proc)
        for _, row in truth.iterrows():
            s_c = 0.5 * (row.distance_start_m + row.distance_end_m)
            sel = (dist > s_c - 4) & (dist < s_c + 4)
            from roadhealth.synth.forward import column

            u_c = 0.5 * (row.offset_start_m + row.offset_end_m)
            col = column(model, s_c, u_c, row.depth_top_m)
            t_top = t0 + float(col["t0_ns"])
            k = round(t_top / dt)
            ks = slice(k + 4, k + 24) if row.kind == "loose" else slice(max(0, k - 2), k + 6)
            fig, axs = plt.subplots(1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1.3, 1]})
            p = proc[ch][sel].T
            v = np.percentile(np.abs(p[int(5 / dt):]), 99.5)
            axs[0].imshow(p, aspect="auto", cmap="gray", vmin=-v, vmax=v,
                          extent=[dist[sel][0], dist[sel][-1], t[-1], t[0]])
            axs[0].axhline(t_top, color="yellow", lw=0.8, ls="--")
            axs[0].set_title(f"{row.kind}: B-scan, {code} channel {ch} (dashed: top, {row.depth_top_m:.2f} m)")
            axs[0].set_xlabel("distance, m")
            axs[0].set_ylabel("two-way time, ns")
            sl = env[:, sel, ks].mean(axis=-1)  # (channel, trace)
            off = s.offset_m.values
            axs[1].imshow(sl, aspect="auto", cmap="magma", origin="upper",
                          extent=[dist[sel][0], dist[sel][-1], off[-1] - 0.0375, off[0] + 0.0375])
            ring_s, ring_u = row.distance_start_m, row.offset_start_m
            axs[1].add_patch(plt.Rectangle((ring_s, ring_u), row.length_m, row.width_m, fill=False, ec="cyan", lw=1))
            axs[1].set_ylim(off[-1] - 0.0375, off[0] + 0.0375)
            axs[1].set_title(f"time slice {t[ks][0]:.1f}-{t[ks][-1]:.1f} ns (envelope, 12 channels)")
            axs[1].set_xlabel("distance, m")
            axs[1].set_ylabel("offset, m (left +)")
            fig.tight_layout()
            path = out_img / f"synth_{code.lower()}_{row.kind}_{round(s_c)}m.png"
            fig.savefig(path, dpi=80)
            plt.close(fig)
            made.append(path)
    return made


def make_gprmax_files(out_dir: Path) -> list[Path]:
    """gprMax inputs of short 2D slices around each defect kind of the Waimao model."""
    from roadhealth.synth.gprmax import write_gprmax

    out_dir.mkdir(parents=True, exist_ok=True)
    model = longdu_roads()[0]["model"]
    made = []
    for name, rng in (("pipe", (4.0, 8.0)), ("cavity", (12.0, 16.0)), ("void", (22.0, 26.0)),
                      ("loose", (40.0, 44.5)), ("water_rich", (49.5, 54.5))):
        made.append(write_gprmax(model, out_dir / f"waimao_{name}_2d.in", s_range_m=rng, time_window_ns=30.0,
                                 frequency_mhz=LONGDU_ACQ.frequency_mhz, trace_step_m=0.02))
    made.append(write_gprmax(model, out_dir / "waimao_cavity_3d.in", dims="3d", s_range_m=(12.5, 15.5),
                             u_range_m=(-0.8, 0.8), depth_m=1.3, time_window_ns=30.0,
                             frequency_mhz=LONGDU_ACQ.frequency_mhz, trace_step_m=0.05))
    return made


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", action="store_true", help="also write docs/img/*.png and docs/gprmax/*.in")
    ap.add_argument("--docs-only", action="store_true", help="only the docs (the campaign must exist)")
    args = ap.parse_args(argv)
    if not args.docs_only:
        make_longdu(OUT, progress=True)
        write_readme(OUT)
        total = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
        print(f"{OUT}: {total / 2**20:.1f} MiB")
    if args.docs or args.docs_only:
        for p in make_figures(DOCS / "img"):
            print(p)
        for p in make_gprmax_files(DOCS / "gprmax"):
            print(p)


if __name__ == "__main__":
    main()
