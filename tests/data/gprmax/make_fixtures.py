"""Write the gprMax reader's test files (run once, with gprMax installed; the outputs are committed).

A 2-D model (a metal bar under 4 cm of asphalt, 1.5 GHz Ricker, Hertzian dipole) run as a B-scan
of 6 traces 16 mm apart: gprMax writes ``bscan1.h5`` ... ``bscan6.h5`` (kept: a series), and
this script joins them as gprMax's ``tools.outputfiles_merge`` does, twice:

* ``bscan_merged.h5``: gprMax 4's merge (root attributes kept: ``dx_dy_dz``, ``srcsteps`` and
  ``rxsteps`` in cells);
* ``bscan_v3_merged.out``: gprMax 3's merge (only ``Title``, ``gprMax``, ``Iterations``, ``dt``,
  ``nrx``: no trace step).

Usage: ``python tests/data/gprmax/make_fixtures.py /path/to/python-with-gprMax``
"""

import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
MODEL = """#title: roadhealth reader test: metal bar under asphalt, 1.5 GHz
#domain: 0.240 0.200 0.002
#dx_dy_dz: 0.002 0.002 0.002
#time_window: 3.5e-9
#material: 5.5 0.001 1 0 asphalt
#material: 9 0.005 1 0 base
#waveform: ricker 1 1.5e9 my_ricker
#hertzian_dipole: z 0.060 0.170 0 my_ricker
#rx: 0.080 0.170 0
#src_steps: 0.016 0 0
#rx_steps: 0.016 0 0
#box: 0 0 0 0.240 0.160 0.002 base
#box: 0 0.120 0 0.240 0.160 0.002 asphalt
#cylinder: 0.120 0.080 0 0.120 0.080 0.002 0.012 pec
"""
N = 6


def merge(files, out, keep):
    with h5py.File(out, "w") as fo:
        for i, f in enumerate(files):
            with h5py.File(f, "r") as fi:
                if i == 0:
                    for k in keep:
                        fo.attrs[k] = fi.attrs[k]
                    for name in fi["rxs/rx1"]:
                        fo.create_dataset(f"rxs/rx1/{name}", (fi.attrs["Iterations"], len(files)),
                                          dtype=fi[f"rxs/rx1/{name}"].dtype)
                for name in fi["rxs/rx1"]:
                    fo[f"rxs/rx1/{name}"][:, i] = fi[f"rxs/rx1/{name}"][:]


if __name__ == "__main__":
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    (HERE / "bscan.in").write_text(MODEL, encoding="ascii")
    subprocess.run([python, "-m", "gprMax", "bscan.in", "-n", str(N), "--log-level", "30", "--hide-progress-bars"],
                   cwd=HERE, check=True)
    (HERE / "bscan.in").unlink()
    files = [HERE / f"bscan{k}.h5" for k in range(1, N + 1)]
    merge(files, HERE / "bscan_merged.h5", ["gprMax", "Iterations", "nx_ny_nz", "dx_dy_dz", "dt", "nsrc", "nrx",
                                            "srcsteps", "rxsteps"])
    merge(files, HERE / "bscan_v3_merged.out", ["Title", "gprMax", "Iterations", "dt", "nrx"])
    print(np.round([f.stat().st_size / 1e3 for f in HERE.iterdir()], 1))
