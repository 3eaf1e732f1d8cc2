"""Write ``wet_pipe_merged.h5``: a road model written by hand for gprMax, not by roadhealth's
exporter (run once, with gprMax installed; the output is committed).

A 2-D road at 600 MHz (an antenna frequency no validation set uses): 0.15 m of asphalt (eps_r 6)
over 0.30 m of base (9) over subgrade (14), a water-rich zone (eps_r 25, 0.05 S/m) 1.0 m long and
0.3 m tall with its top 0.7 m down, and a metal pipe (0.1 m across, centre 0.5 m down) 1.0 m
beside it; a Hertzian dipole 1 cm over the road, the receiver 0.1 m after it, 71 traces 5 cm
apart. Along the survey (the first midpoint at 0): the wet zone spans 0.75-1.75 m, the pipe lies
at 2.75 m. The pipe's flank rises over the wet zone's top without a saddle between them.

gprMax writes ``wet_pipe1.h5`` ... ``wet_pipe71.h5``; this script joins their ``Ez`` as gprMax 4's
``tools.outputfiles_merge`` does, keeping every third sample (35 ps: the Ricker pulse has no energy
above 3 GHz) in float32, compressed, to keep the file small.

Usage: ``python tests/data/gprmax/make_wet_pipe.py /path/to/python-with-gprMax [workdir]``
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
N = 71
DECIMATE = 3
MODEL = """#title: roadhealth test: a wet zone beside a metal pipe, 600 MHz
#domain: 4.0 1.3 0.005
#dx_dy_dz: 0.005 0.005 0.005
#time_window: 32e-9
#material: 6 0.001 1 0 asphalt
#material: 9 0.005 1 0 base
#material: 14 0.01 1 0 subgrade
#material: 25 0.05 1 0 wet
#box: 0 0 0 4.0 0.70 0.005 subgrade
#box: 0 0.70 0 4.0 1.00 0.005 base
#box: 0 1.00 0 4.0 1.15 0.005 asphalt
#box: 1.0 0.15 0 2.0 0.45 0.005 wet
#cylinder: 3.0 0.65 0 3.0 0.65 0.005 0.05 pec
#waveform: ricker 1 600e6 src
#hertzian_dipole: z 0.2 1.16 0 src
#rx: 0.3 1.16 0
#src_steps: 0.05 0 0
#rx_steps: 0.05 0 0
"""


def merge(files, out):
    with h5py.File(out, "w") as fo:
        for i, f in enumerate(files):
            with h5py.File(f, "r") as fi:
                ez = fi["rxs/rx1/Ez"][::DECIMATE].astype(np.float32)
                if i == 0:
                    for k in ("gprMax", "nx_ny_nz", "dx_dy_dz", "nsrc", "nrx", "srcsteps", "rxsteps"):
                        fo.attrs[k] = fi.attrs[k]
                    fo.attrs["Iterations"] = ez.size
                    fo.attrs["dt"] = fi.attrs["dt"] * DECIMATE
                    fo.create_dataset("rxs/rx1/Ez", (ez.size, len(files)), dtype=np.float32,
                                      compression="gzip", shuffle=True)
                fo["rxs/rx1/Ez"][:, i] = ez


if __name__ == "__main__":
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp())
    if not (work / f"wet_pipe{N}.h5").exists():
        (work / "wet_pipe.in").write_text(MODEL, encoding="ascii")
        subprocess.run([python, "-m", "gprMax", "wet_pipe.in", "-n", str(N), "--log-level", "30",
                        "--hide-progress-bars"], cwd=work, check=True)
    merge([work / f"wet_pipe{k}.h5" for k in range(1, N + 1)], HERE / "wet_pipe_merged.h5")
    print(round((HERE / "wet_pipe_merged.h5").stat().st_size / 1e3, 1), "kB")
