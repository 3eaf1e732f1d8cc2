"""Write gprMax road models written by hand, not by roadhealth's exporter, as gprMax writes them
(run once, with gprMax installed; the outputs are committed): ``<name>_merged.h5``.

* ``wet_pipe``: a 2-D road at 600 MHz (an antenna frequency no validation set uses): 0.15 m of
  asphalt (eps_r 6) over 0.30 m of base (9) over subgrade (14), a water-rich zone (eps_r 25,
  0.05 S/m) 1.0 m long and 0.3 m tall with its top 0.7 m down, and a metal pipe (0.1 m across,
  centre 0.5 m down) 1.0 m beside it; a Hertzian dipole 1 cm over the road, the receiver 0.1 m
  after it, 71 traces 5 cm apart. Along the survey (the first midpoint at 0): the wet zone spans
  0.75-1.75 m, the pipe lies at 2.75 m. The pipe's flank rises over the wet zone's top without a
  saddle between them.
* ``gdot_cavity_void``: 400 MHz from a ``gaussiandotnorm`` source (a first-derivative pulse, not
  the Ricker of every validation set), transmitter and receiver 0.2 m apart; 0.20 m of asphalt
  (eps_r 5) over 0.30 m of base (9) over subgrade (12); an air cylinder 0.4 m across with its top
  0.6 m down and a 2 cm air gap 1 m long under the asphalt; 80 traces 5 cm apart. Along the survey:
  the cavity spans 1.05-1.45 m, the void 2.85-3.85 m (top 0.20 m).

* ``wide_wet_box``: 400 MHz, 0.18 m of asphalt (eps_r 5.5) over 0.30 m of base (8) over subgrade
  (13, 0.01 S/m); a homogeneous water-rich box (eps_r 22, 0.04 S/m) 1.8 m long and 0.4 m tall with
  its top 1.1 m down, under 46 % of a 3.7 m line (79 traces 4.8 cm apart: gprMax rounds the 5 cm
  step to 8 cells). Along the survey: 1.10-2.90 m. A body that wide on a line that short biases
  any one background trace of the whole line.
* ``loose_box``: the same road and line, a homogeneous box of lower permittivity (eps_r 7 in the
  subgrade's 13: loosened soil as an independent model may build it, with no internal scattering)
  1.5 m long and 0.5 m tall, top 0.9 m down; along the survey 1.20-2.70 m.
* ``air_box``: the same road and line, an air box 0.8 m long and 0.3 m tall, top 0.8 m down (a
  cavity as an independent model may build it: flat top and bottom, which ring); along the survey
  1.50-2.30 m.

gprMax writes ``<name>1.h5`` ... ``<name>N.h5``; this script joins their ``Ez`` as gprMax 4's
``tools.outputfiles_merge`` does, keeping every ``DECIMATE``-th sample (the pulses have no energy
near the new Nyquist frequency) in float32, compressed, to keep the files small.

Usage: ``python tests/data/gprmax/make_models.py /path/to/python-with-gprMax [workdir]``
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
MODELS = {
    "wet_pipe": (71, 3, """#title: roadhealth test: a wet zone beside a metal pipe, 600 MHz
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
"""),
    "gdot_cavity_void": (80, 4, """#title: roadhealth test: gaussiandotnorm source, a cavity and a void under asphalt, 400 MHz
#domain: 5.0 1.6 0.006
#dx_dy_dz: 0.006 0.006 0.006
#time_window: 40e-9
#material: 5 0.001 1 0 asphalt
#material: 9 0.005 1 0 base
#material: 12 0.01 1 0 subgrade
#box: 0 0 0 5.0 0.95 0.006 subgrade
#box: 0 0.95 0 5.0 1.25 0.006 base
#box: 0 1.25 0 5.0 1.45 0.006 asphalt
#box: 3.2 1.23 0 4.2 1.25 0.006 free_space
#cylinder: 1.6 0.65 0 1.6 0.65 0.006 0.2 free_space
#waveform: gaussiandotnorm 1 400e6 src
#hertzian_dipole: z 0.25 1.456 0 src
#rx: 0.45 1.456 0
#src_steps: 0.05 0 0
#rx_steps: 0.05 0 0
"""),
    "wide_wet_box": (79, 12, """#title: hand model
#domain: 4.5 1.950 0.006
#dx_dy_dz: 0.006 0.006 0.006
#time_window: 45e-9
#material: 5.5 0.001 1 0 asphalt
#material: 8 0.005 1 0 base
#material: 13 0.01 1 0 subgrade
#box: 0 0.0000 0 4.5 1.3200 0.006 subgrade
#box: 0 1.3200 0 4.5 1.6200 0.006 base
#box: 0 1.6200 0 4.5 1.8000 0.006 asphalt
#material: 22 0.04 1 0 wet
#box: 1.4 0.3000 0 3.2 0.7000 0.006 wet
#waveform: ricker 1 400e6 src
#hertzian_dipole: z 0.25 1.8100 0 src
#rx: 0.35 1.8100 0
#src_steps: 0.05 0 0
#rx_steps: 0.05 0 0
"""),
    "loose_box": (79, 12, """#title: hand model
#domain: 4.5 1.950 0.006
#dx_dy_dz: 0.006 0.006 0.006
#time_window: 45e-9
#material: 5.5 0.001 1 0 asphalt
#material: 8 0.005 1 0 base
#material: 13 0.01 1 0 subgrade
#box: 0 0.0000 0 4.5 1.3200 0.006 subgrade
#box: 0 1.3200 0 4.5 1.6200 0.006 base
#box: 0 1.6200 0 4.5 1.8000 0.006 asphalt
#material: 7 0.01 1 0 loose
#box: 1.5 0.4000 0 3.0 0.9000 0.006 loose
#waveform: ricker 1 400e6 src
#hertzian_dipole: z 0.25 1.8100 0 src
#rx: 0.35 1.8100 0
#src_steps: 0.05 0 0
#rx_steps: 0.05 0 0
"""),
    "air_box": (79, 12, """#title: hand model
#domain: 4.5 1.950 0.006
#dx_dy_dz: 0.006 0.006 0.006
#time_window: 45e-9
#material: 5.5 0.001 1 0 asphalt
#material: 8 0.005 1 0 base
#material: 13 0.01 1 0 subgrade
#box: 0 0.0000 0 4.5 1.3200 0.006 subgrade
#box: 0 1.3200 0 4.5 1.6200 0.006 base
#box: 0 1.6200 0 4.5 1.8000 0.006 asphalt
#box: 1.8 0.7000 0 2.6 1.0000 0.006 free_space
#waveform: ricker 1 400e6 src
#hertzian_dipole: z 0.25 1.8100 0 src
#rx: 0.35 1.8100 0
#src_steps: 0.05 0 0
#rx_steps: 0.05 0 0
"""),
}


def merge(files, out, decimate, component="Ez"):
    """One B-scan file of the traces' ``component`` (the source's polarisation: Ez in the 2-D
    models, Ey for the y-polarised dipole of a 3-D export), every ``decimate``-th sample."""
    with h5py.File(out, "w") as fo:
        for i, f in enumerate(files):
            with h5py.File(f, "r") as fi:
                ez = fi[f"rxs/rx1/{component}"][::decimate].astype(np.float32)
                if i == 0:
                    for k in ("gprMax", "nx_ny_nz", "dx_dy_dz", "nsrc", "nrx", "srcsteps", "rxsteps"):
                        fo.attrs[k] = fi.attrs[k]
                    fo.attrs["Iterations"] = ez.size
                    fo.attrs["dt"] = fi.attrs["dt"] * decimate
                    fo.create_dataset(f"rxs/rx1/{component}", (ez.size, len(files)), dtype=np.float32,
                                      compression="gzip", shuffle=True)
                fo[f"rxs/rx1/{component}"][:, i] = ez


if __name__ == "__main__":
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp())
    for name, (n, decimate, model) in MODELS.items():
        if not (work / f"{name}{n}.h5").exists():
            (work / f"{name}.in").write_text(model, encoding="ascii")
            subprocess.run([python, "-m", "gprMax", f"{name}.in", "-n", str(n), "--log-level", "30",
                            "--hide-progress-bars"], cwd=work, check=True)
        merge([work / f"{name}{k}.h5" for k in range(1, n + 1)], HERE / f"{name}_merged.h5", decimate)
        print(name, round((HERE / f"{name}_merged.h5").stat().st_size / 1e3, 1), "kB")
