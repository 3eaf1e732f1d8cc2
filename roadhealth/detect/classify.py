"""Kinds from measured features: physics rules with scores, every decision explainable.

Each candidate region gets a score in 0-1 for every kind and for every kind of clutter, from
smooth ramps of its features (:mod:`roadhealth.detect.features`); the highest score wins, and
clutter wins are dropped. The rules, from the physics of the reflections (``docs/detection.md``):

================  ===============================================================================
kind              evidence
================  ===============================================================================
cavity            a strong top reflection of polarity opposite to the surface's (soil to air),
                  curved or with diffraction flanks (not a point hyperbola), often ringing, and
                  one top (not several apexes at different depths: stones); or,
                  for an air body thinner than a quarter wavelength, a strong continuous
                  reflection of undefined polarity (top and bottom merged)
void              a strong, flat, laterally continuous reflection in the pavement or base (top
                  within ``void_max_depth_m``): a thin air gap; its polarity is not used (the
                  top and bottom of a gap thinner than a quarter wavelength merge into one
                  wavelet whose sign at the envelope peak is undefined); one that runs off the
                  line's end seen over at least ``END_VOID_MIN_M``; not a top of the surface's
                  polarity whose energy arrives ``THICK_DELAY_PERIODS`` or more under it (a wet
                  lens's separate bottom)
water_rich        a reflection of the surface's polarity (soil to wetter, slower soil) that is
                  broader than a point diffractor; attenuation and frequency loss below add to it
loose             chaotic, incoherent scattering: no consistent polarity or phase along the top,
                  low lateral coherence along any dip, energy spread over many periods,
                  moderately above the background; or volume scattering under a weak top (more
                  energy in the periods below the top than in the top lobe) that is not one
                  wavelet, strong and incoherent at zero dip and along its own dip; or a rough
                  top (soil to looser soil keeps the polarity of air): apex narrower than a point
                  diffractor's Fresnel zone, no hyperbola, energy below it, incoherent at zero dip;
                  or a scattering interior: energy under the top that does not follow its dip;
                  or a body of soil looser or drier than its surroundings: a top of the polarity
                  of air with a bottom reflection of its own but without the internal multiple
                  an air body rings with
pipe (clutter)    a point-diffractor hyperbola: its fitted velocity within 0.7-1.32 x the survey
                  velocity (a pipe of finite radius looks faster) with a small residual, or a
                  compact apex (flat over at most ``compact_max_ratio`` x a point's first
                  Fresnel zone), at most ``pipe_max_length_m`` long (or 1.7 x its depth: a deep
                  hyperbola's flanks reach farther); in an array also the same
                  on every channel: all channels reached with similar strength, apexes on a
                  line in plan. On one profile a round wet body up to about half a metre across
                  (a same-polarity point hyperbola with a weak bottom, as a water-filled pipe's)
                  reads the same and is rejected with the pipes (blind batch 39), unless a lossy
                  body lies under it or its top is broken along its dip with energy under it
                  (a wet lens in noise: ``PIPE_COHERENT_TOP``)
surface (clutter) a region whose surface reflection is itself anomalous (relative to the region, or
                  outright when the region reverberates), or a shallow region that rings (metal
                  manhole covers, plates)
layer (clutter)   a flat, coherent event that is weak or longer than ``layer_min_length_m``, or a
                  dipping planar event longer than ``planar_min_length_m``, or a planar
                  continuous event longer than 2-3 m not much stronger than the background, or a
                  flat coherent planar event running off the end of the line (below the voids'
                  depth): a change of layer thickness or strength or an interface, not a defect
================  ===============================================================================

``confidence`` combines how far the region stands above the background (``z``) with the margin
of the winning kind over the runner-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["KIND_RULES", "SOIL_BODY_CALL", "Thresholds", "classify"]

KINDS = ("cavity", "void", "water_rich", "loose")

#: A cavity whose ``point_like`` exceeds this has a response that is also a point diffractor's (an
#: air-filled pipe crossing the line gives the same picture on one profile): its evidence and
#: :func:`~roadhealth.detect.explain.explain` say so.
POINT_LIKE_SAID = 0.1

#: Along-track extent of a point diffractor's hyperbola per metre of depth (flanks to +-40 degrees).
PIPE_FLANKS_PER_DEPTH = 1.7

#: Hyperbola velocity (over the scores' velocity) from which a compact top whose flanks fit a
#: hyperbola well is too flat for a round pipe (:func:`scores`).
PIPE_MAX_V_RATIO = 1.7

#: ... and from which (the first of these; all of it from the second) a compact top whose flanks
#: fit a hyperbola only roughly, misfit within ``DOMED_TOP_MISFIT`` periods (the first pair a ramp
#: up, the second down), is a domed top, no round pipe: a round pipe's top bends as a point's a
#: radius deeper, so a fast fit of a pipe is still a close one (full-wave pipes fitting 1.4-1.75:
#: misfits 0.03-0.11 period, clean and noisy), while a lens's flattened dome fits a fast
#: hyperbola only roughly (noisy 600-900 MHz wet lenses called pipes: 1.67-1.9 at 0.14-0.27).
#: A misfit over the second pair fits no hyperbola at all (the velocity says nothing). None: not used.
DOMED_TOP_V_RATIO: tuple[float, float] | None = (1.55, 1.65)
DOMED_TOP_MISFIT = ((0.12, 0.15), (0.45, 0.35))
CLUTTER = ("pipe", "surface", "layer", "weak")

#: The surface-anomaly ratio a region must reach when its top lies at the first searched rows
#: (within 0.7-0.8 period of the surface, where a metal cover's region starts: covers 1.55-2.44 of
#: the region's own score on the full-wave sets). A void under thin asphalt there changes the
#: surface reflection as well, and in noise its own score drops while the surface rows' stays:
#: blind 400 MHz voids 0.07-0.92 (0.92 a 3 cm void under 11 cm of asphalt, noisy, lost at 0.5) ...
SURFACE_RATIO_NEAR = 1.2

#: ... and when its top lies 0.8-2.5 periods under the surface: a void under thin asphalt, whose
#: reflection overlaps the surface's and changes it (blind 400 MHz voids: 0.16-1.21 of the
#: region's own score at the surface rows; metal covers 1.55-2.44).
SURFACE_RATIO_BELOW = 1.4

#: ... and there, where the top's own lobes reach the surface rows, the surface anomaly must also be
#: about as strong in amplitude as the top (``surface_amplitude_ratio``, ramp from the first value
#: to the second; elsewhere 0.1-0.2): a metal cover's is stronger than what lies under it (the
#: full-wave covers 1.68-2.21), a void's leading lobe under thin asphalt is part of its own top
#: (a blind 400 MHz void under 13.5 cm of asphalt on dry sand, 0.9 period down: 0.64, at a score
#: ratio of 1.65, taken for a cover before). Not at the ends of a line, where records start
#: anomalous and nothing shows a body bounded (a blind cavity line's first 1.2 m would be a void).
#: Covers that ring (the sample survey's, 1.7 periods down, amplitude 0.58-0.62) are the
#: reverberation terms' whatever this says. It holds from the first searched rows on (until the
#: thirtieth session from 0.7-0.8 period down): a top closer to the surface reaches the surface
#: rows even more, and since those rows are scored against the traces undisturbed there (as the
#: region's top is) a void's lobes in them score high (a blind 3 cm void under 11 cm of asphalt on
#: one uniform soil, 0.64 period down: score ratio 1.68 at an amplitude of 1.02, taken for a cover).
SURFACE_AMPLITUDE_BELOW = (0.8, 1.2)

#: A region within 1.5-2.5 periods of the surface under a surface anomaly this strong in amplitude
#: against its top (ramp from the first value to the second), and at least 0.3-0.45 of its score,
#: is a metal cover whatever its score ratio: a cover's reflection is total where the asphalt's is
#: about 0.4, so its anomaly outshines what lies under it (full-wave covers 1.43-2.41 of the region's
#: top; every full-wave defect that close to the surface 0.72 or less, but a 2 GHz wet lens, 1.52)
COVER_AMPLITUDE = (1.0, 1.4)

#: A region under an anomalous surface reflection is a metal cover by its ringing (the second and
#: third surface terms) only where that anomaly is at least this fraction of the region's top in
#: amplitude (ramp from the first value to the second; unmeasured: no bar), as the first term
#: already asks outside the band where a top's lobes reach the surface rows. A cover's anomaly is
#: its own reflection, total (full-wave covers and the sample survey's 0.6-29 of what lies under
#: them); the direct wave's residual that only a noise-free record's score makes large is a few
#: hundredths (a blind clean 400 MHz loose zone 0.76 m down, ringing 0.90 and reverberating 0.96
#: with its bottom, under surface rows scoring 10.8 at 0.018 of its amplitude: called a cover; the
#: same line with noise was loose at 1.0). Not at a line's end, where records start anomalous (a
#: blind clean road's layer step running off its end, 0.2 m down: a 'void' without that exemption
#: where the displaced-layer rule is off).
COVER_MIN_AMPLITUDE = (0.1, 0.2)

#: A shallow region that rings is a metal plate only where it reverberates: its first internal
#: multiple (``multiple_ratio``) at least this fraction of the echo under its top (ramp from the
#: first value to the second; unmeasured: no bar). The sample survey's covers 0.45-0.80; a blind
#: wet lens 0.2 m down, 0.25 m thick, whose bottom made it ring 0.9: 0.07.
COVER_REVERBERATION = (0.15, 0.3)

#: Periods under the surface within which a region's top counts as lying at the first searched
#: rows, and the fraction of its peak score that then stands for its top's (void and layer rules).
FIRST_ROWS_PERIODS = 1.6
TOP_FROM_PEAK = 0.25

#: A void whose strong columns reach the first or last traces of the line must be seen over at
#: least this length (m; none of it under 0.2 m less): a shorter flat event there is as likely the
#: residual of a layer whose thickness steps near the line's end (blind full-wave lines: 0.42-0.46 m
#: 'voids' at 0.14-0.19 m; no full-wave void lies at a line's end).
END_VOID_MIN_M = 0.8

#: ... and, however long, a top there no stronger than the subtracted background's own reflection
#: at its time (``background_ratio``, a short line's: none at the first value, fully at the second)
#: is that layer displaced, no void or cavity: a layer that steps near a line's end leaves, from
#: the step on, the difference of two shifted copies of its own reflection (blind lines, forty-first
#: session: seven 'voids' and 'cavities' 0.16-0.22 m down from a step to the line's end, 0.8-1.5 m
#: long, ratios 0.06-0.43), while a body's top adds a reflection of its own (blind air bodies found:
#: 5th percentile 1.25, those at a line's end 11-14). None: off.
END_LAYER_RATIO: tuple[float, float] | None = (0.9, 0.6)

#: A top that the short line's background reflection at its time, moved a little in time,
#: explains is that layer displaced, no void or cavity (``layer_shift_residual``: the fraction of
#: its energy left unexplained, none at the first value of the first pair, fully at the second;
#: ``layer_shift_periods``: the shift, periods, either way, none at the first value of the second
#: pair, fully at the second). A layer whose thickness steps by a centimetre along the road moves
#: its reflection by 0.05-0.08 period (blind clean roads, forty-sixth session: three 'voids' at
#: 0.78-1.00 on 1 cm steps of the asphalt or base, and six more false alarms on layer steps of
#: other lines, explained but 4-19 %); a thin air gap right under a layer interface looks to
#: first order like that interface moved too, but further (blind voids explained as well as the
#: steps: 0.13-0.45 period); a void under 9 cm of asphalt, on the surface wave's tail, leaves
#: 0.28. None: off.
LAYER_SHIFT: tuple | None = ((0.25, 0.2), (0.11, 0.09))

#: A flat top that reflects on its own, and strongly, is strong enough for a void whatever the
#: section's noise. The void rule's scores measure a top against the section's noise: under noise
#: a gap's top scores like a layer residual of a quiet record (blind noisy voids read as layers:
#: top scores 3.9-4.2 under peaks of 7.5-12.6). Three measures that noise leaves alone say it is a
#: gap: on a short line, its top at least (ramp) the first pair's times the subtracted
#: background's reflection at its time (``background_ratio``), at least the second pair's
#: fraction of its energy left unexplained by that reflection moved in time
#: (``layer_shift_residual``), and its reflection, the gain undone, at least the third pair's
#: fraction of the surface's (``top_surface_ratio``: blind voids median 0.48, 5 % under 0.1; the
#: regions on no body, median 0.06; the clean roads' layer residuals that pass the first two,
#: 0.02-0.04). It then counts as a top of the void rule's score (``void_min_z`` + 0.5). None: off.
VOID_OWN_REFLECTION: tuple | None = ((1.5, 2.0), (0.5, 0.7), (0.12, 0.2))

#: A top that is only a part of what every trace holds at its time is no body. On a short line the
#: background taken away is the mean of the traces no defect disturbs (a layer's reflection, the
#: surface wavelet's tail, the record's own ringing); a body's top reflects on its own, with a
#: contrast of its own: against a weak interface its excess over that background is as large as
#: the interface's reflection or larger (an air body replaces the interface's reflection with one
#: of the other sign), and where the background is strong (the surface wavelet over a void under
#: thin asphalt) the body is strong against the surface too. A region whose top reads under the
#: first pair of times the background's reflection at its time (``background_ratio``; the factor
#: starts at the first value and is full at the second) and under the second pair of the surface's
#: (``top_surface_ratio``, likewise) is that reflection's own
#: change along the line (an interface in heterogeneous ground, a layer bent or shadowed under a
#: body, a body's late echo) and scores as no defect of any kind. Measured (sixty-fourth session,
#: every region the blind set called a defect, batches 1-202 and batch 203's lines run, clean and
#: noisy): of the 1,700 on a true body of their kind, none reads under 1.28 times the background
#: with a top under 0.22 of the surface's, the separation measured (under 1.25 times, every one is
#: a void under the asphalt at 0.27-0.77 of the surface); 18 on no body do (0.06-1.21 times, tops
#: 0.000-0.134), 17 of them within the bar below and 13 fully, among them
#: the 'void' over an air-filled pipe 1 m down under 21 cm of asphalt in heterogeneous ground
#: (blind batch 203; 0.35, 0.13) and deep echoes under cavities (0.81-0.97). The surface bar sits
#: low: a gap much thinner than a quarter wavelength reflects in proportion to its thickness over
#: the wavelength, so under a longer pulse it reads weaker against the surface (the blind 200 MHz
#: void under the asphalt, 0.34, read 0.19 with every trace integrated in time, robustness variant
#: ``integral``; with a bar of 0.22-0.18 it was lost there), while the calls on no body read at most
#: 0.134 (0.079-0.134 under the robustness variants). Where the ratio is not measured (a long
#: line's moving background) it says nothing. None: off.
BACKGROUND_RESIDUAL: tuple | None = ((1.15, 0.9), (0.16, 0.13))

#: A flat shallow top of the surface's polarity whose envelope energy under it has arrived only
#: this many periods later (``energy_delay_ns``) is a slow body's top (a wet lens), not a void's.
THICK_DELAY_PERIODS = 3.5

#: A flat top that firmly keeps the surface's polarity (``polarity`` under the first pair: none at
#: its first value, full at its second; one wavelet along it) below the upper part of the pavement
#: (``depth_top_m`` over the second pair, m) is a slower body's top, a wet lens, not a void's. An
#: air gap there lies clear of the surface wavelet: one thinner than a quarter wavelength returns
#: its top and bottom merged (about 90 degrees from either polarity), a thicker one the polarity
#: of air; the blind full-wave voids that read the surface's polarity (under -0.6: 18 of the 359
#: regions found as voids, clean and noisy) all lie 0.08-0.43 m down, where their reflection
#: overlaps the surface's and the asphalt's, while six of the nine wet-lens regions read as voids
#: lie 0.57-0.61 m down at -0.85 to -1.0 (fifty-second session). The depth ramp starts at 0.5 m:
#: a fast-model void 0.49 m down under its base read -1.0 (at 0.4-0.5 m it was lost). None: off.
VOID_SLOW_BODY: tuple[tuple[float, float], tuple[float, float]] | None = ((-0.5, -0.7), (0.5, 0.56))

#: A void's length is its flat top's (``flat_top_length_m``: down to a quarter of its strongest
#: top, :data:`~roadhealth.detect.features.FLAT_TOP_FRACTION`) where the region is a thin gap:
#: little energy under its top (``ringing`` under this ramp; an air gap thinner than a quarter
#: wavelength reflects in proportion to its thickness, so it fades towards its edges, while a
#: body tall enough to return a bottom of its own does not: blind voids found in the upper
#: 0.7 m, 90 % under 0.12; cavities there, median 0.18) ...
FLAT_TOP_MAX_RINGING: tuple | None = (0.2, 0.12)
#: ... and a reflector of its own: on a short line, its top stronger than the subtracted
#: background's reflection at its time (``background_ratio`` over this ramp): a layer's residual
#: continues faintly along the layer (four blind 'voids' so lengthened, a clean road's among them,
#: 0.38-0.60; the voids it found 2.0-9.1). Not at a line's end, where that background holds the
#: region's own reflection. On a line long enough for a moving background no ratio is measured:
#: the rule reads the flat top's length there (fast-model test split, long lines: voids found 0.706
#: -> 0.853, void precision 0.955 -> 0.966), but the reported extent stays the strong columns' (a
#: gap under a layer interface lies at the layer's time, and a layer residual runs on from its faint
#: edges: the sample campaign's WAIMAO void, 1.80 m in its truth, read 3.65 m from its flat top and
#: 1.60 m from its strong columns).
FLAT_TOP_MIN_BACKGROUND_RATIO = (0.9, 1.2)

#: An air body is at least as long as its flat top (``flat_top_length_m``), where that top is a
#: reflector of its own (``background_ratio`` over :data:`FLAT_TOP_MIN_BACKGROUND_RATIO`, or not
#: measured): the cavity rule's shortest length (0.25-0.45 m) reads the longer of the strong
#: columns' extent and the flat top. Over a small, tall air body the top, the bottom and the edges'
#: diffractions add at its centre, so its strong columns (half its peak) span less than the body:
#: blind `bw400_cavity_161` (0.58 m flat-topped, part water) and `bw600_cavity_64` (0.36 m): strong
#: columns 0.24 and 0.18 m, flat tops 0.40 and 0.42 m; the first was missed, the second read as a
#: void (both cavities now, at 0.6). A point diffractor's flat top spans its Fresnel zone, but the
#: air-filled pipes were cavities already (sixty-fifth session, blind 1-207, clean and noisy: one
#: cavity more found, one more with its kind right, one loose zone missed before found as a
#: cavity; no pipe, stone or clean road moved).
#: False: the strong columns' extent alone.
COMPACT_BODY_FLAT_TOP = True

#: A flat shallow air top is no thin gap where the body under it is tall enough to return a bottom
#: and an internal multiple of its own: energy under the top (``ringing`` over the first pair: none
#: at its first value, full at its second) with the internal multiple of an air body after its
#: bottom (``multiple_ratio`` over the second pair). A gap thinner than a quarter wavelength returns
#: its top and bottom as one wavelet, and what rings under it is the layer it lies on, which has no
#: such multiple (blind voids found as voids that ring 0.29-0.40: multiple 0.05-0.26, the higher
#: values in noise), while an air body bounces between its bottom and top, r^2 of the bottom (air in
#: soil of eps_r 9-16: 0.25-0.36). Blind cavities 0.14-0.42 m tall, tops 0.34-0.42 m down,
#: called voids at 0.86-1.00 (fifty-fourth session): ringing 0.32-0.74, multiple 0.26-0.49; one
#: 0.21 m tall at 400 MHz, whose bottom merges into its top (ringing 0.13), stays a void. The
#: bounce inside one body is weaker than the bottom it follows: a 'multiple' stronger than that
#: (over the third pair: full at its first value, none at its second) is another reflector, a layer
#: of a real road (the faint 'void' of the 400 MHz GSSI line ``FILE____032.DZT``: 2.39). None: off.
VOID_TALL_BODY: tuple[tuple[float, float], ...] | None = ((0.25, 0.35), (0.2, 0.3), (0.8, 1.0))

#: A reverberating top is a metal cover's only within this many antenna periods of the surface
#: (to two more, partly) as well as within 0.25-0.35 m of it: a cover lies at the surface, its top
#: within a few periods (real covers 2.9; 0.35 m is 6 periods at 900 MHz, 14 at 2 GHz).
COVER_MAX_PERIODS = 6.0

#: A loose zone is a zone, not one scatterer: 0.4-0.8 m long at 400-900 MHz, where that is 1.5-4
#: wavelengths and more; under a shorter wavelength at least this many wavelengths, to twice that
#: (0.21-0.42 m at 2 GHz). Four found the blind 2 GHz loose zone more surely (0.77 against 0.68)
#: but made two more stone clusters loose on the fast model's 1.6 GHz lines, five one.
LOOSE_MIN_WAVELENGTHS = 5.0

#: A top broken along its own best dip is chaotic whatever its polarity and phase read
#: (``coherence_dip`` under the first value, fully at the second; None: not used). Polarity and
#: phase consistency are read on the top's strong columns, and a scattering zone's top may be a
#: few bright columns whose phases agree by chance (the mean of four random unit phasors is 0.44
#: on average and often 0.7); the semblance along the dip is read at each column over its
#: neighbouring traces. One reflector keeps it: on the blind set, tops called cavities, wet
#: zones, voids, pipes or layers read 0.69-0.97 at their 5th percentile, clean and noisy; a noisy
#: loose zone called nothing read 0.34, a clean one called wet 0.25.
INCOHERENT_TOP_DIP: tuple[float, float] | None = (0.4, 0.3)
#: ... read on a top of at least this many strong columns: the dip of a lone column is not known
#: (its neighbours are predicted flat), so a dipping flank there, or two flanks crossing, read as
#: incoherent as chaos (between a cavity and a void of a hand-written gprMax model whose background
#: was removed, a lone column 0.03: called loose).
INCOHERENT_TOP_MIN_COLUMNS = 3

#: A loose zone's scattering must show below its top (``ringing``, energy 1-4 periods under the
#: top lobe over the lobe's, over 0.2-0.4) ... unless its top is broken every way a top can be: no
#: lateral coherence at zero dip nor along its own dip (``coherence``, ``coherence_dip`` under the
#: first pair), no preferred dip either (``coherence_dip`` at most 0.2-0.3 over ``coherence``: a
#: dipping flank, of a pipe's hyperbola or a body's edge, is coherent along its dip and not at
#: zero dip; chaos is alike at every dip), no hyperbola (``hyperbola_rms_all_ns`` over the second
#: pair of periods), a phase that wanders along it (``phase_consistency`` under the third), along
#: a zone (the fourth pair, m) and strong (``z_peak`` over the strong-reflection threshold).
#: ``ringing`` is read on the strong columns only, and where those are a few bright scatterers of
#: the zone, its brightest is their 'top' and little lies under it (blind 400 MHz loose zones
#: called nothing: ``ringing`` 0.06-0.19, ``coherence`` 0.20-0.61, ``coherence_dip`` 0.44-0.61,
#: misfit 0.43-0.82 period, ``phase_consistency`` 0.19-0.48; pieces of three pipes' regions and a
#: clean road's that the same bars without the dip condition made loose: ``coherence`` 0.01-0.08
#: under ``coherence_dip`` 0.45-0.53; a noisy stone cluster, under the strength bar). None: the
#: ringing alone (forty-fifth session).
LOOSE_BROKEN_TOP: tuple[tuple[float, float], ...] | None = ((0.7, 0.6), (0.35, 0.45), (0.55, 0.45), (0.6, 0.8))
#: ... the bounds of the "no preferred dip" condition above (``coherence_dip - coherence``).
LOOSE_BROKEN_MAX_DIP_GAIN = (0.3, 0.2)

#: A strong zone incoherent every way is loose whatever its top's polarity and phase read and
#: however little rings under it: ``coherence`` under the first pair, ``coherence_dip`` under the
#: second, no hyperbola (a fit made over at least three strong columns, its misfit over the third
#: pair of periods; picks that could not be fitted measure no top), at least the fourth
#: pair of metres long (or of the region's zone) and ``z_peak`` over the fifth. In noise the strong
#: columns of a scattering zone shrink to its few brightest scatterers, whose polarities and phases
#: then agree by chance and under which little stands above the noise (blind noisy loose zones
#: called nothing: polarity -1 to +1, phase consistency 0.08-1.0, ringing 0.06-0.75; coherence
#: 0.02-0.39 and along the dip 0.15-0.72). None: off.
LOOSE_INCOHERENT_ZONE: tuple[tuple[float, float], ...] | None = ((0.4, 0.3), (0.75, 0.65), (0.3, 0.4), (0.5, 0.7),
                                                                  (12.0, 16.0))
#: ... where its picks stay within a period or so of one curve (misfit under these periods: picks
#: that jump further follow several events, a pipe's flanks and what rings under them: two blind
#: pipe lines' pieces, 0.93 and 1.15, against the noisy loose zones' 0.40-0.67) ...
LOOSE_INCOHERENT_MAX_MISFIT = (0.9, 0.8)
#: ... and where no other kind or clutter class explains the region (every other score under the
#: first value, fully under the second): blind clean wet lenses and cavities became loose without it.
#: Nor, in an array, where the region is linear in plan across every channel (a pipe crossing it).
LOOSE_INCOHERENT_UNEXPLAINED = (0.35, 0.25)

#: The first Fresnel zone (``fresnel_m``: where a point's top stays within a quarter period of its
#: apex) up to which an air body's region may be ``Thresholds.cavity_max_length_m`` long; past it the
#: limit grows by twice the excess, the diffraction flanks reaching that much further past each
#: edge. The limit was set on 400-900 MHz lines (Fresnel zones 0.2-0.7 m); a 100 MHz antenna's
#: zone 2.5 m down is 1.6 m.
CAVITY_FRESNEL_REF_M = 0.5

#: A body of soil, not air (:func:`scores`): an opposite-polarity top with a bottom reflection of
#: its own (``bottom_ratio`` from the first value up to full weight at the second) whose first
#: internal multiple (``multiple_ratio``) is weaker than the first value down to the second. An
#: air body rings (r^2 = 0.25-0.36 at soil eps_r 9-16); full-wave cavities with such a bottom read
#: 0.21-0.63, a hand-written box of eps_r 7 in 13 under the base 0.12 (called a cavity at 1.00).
#: In dry sand (eps_r 4-6) air rings less (r^2 0.11-0.18): a cavity there with a clear bottom may
#: be called loose (the one full-wave cavity in such sand had too weak a bottom, 0.18, to be read).
SOIL_BODY_BOTTOM = (0.3, 0.4)
SOIL_BODY_MULTIPLE = (0.17, 0.13)
#: ... where the product of the two ramps reaches this (the ``soil_body`` column: a body called
#: loose as soil, measured as a body, not as chaotic scattering).
SOIL_BODY_CALL = 0.5
#: ... but not where the top reflects as strongly as air does: a top at the first value of the
#: surface's reflection (``top_surface_ratio``, the gain undone) and more is spared that call, fully
#: at the second. The 'bottom' read 1.2-6 periods under a strong top may be no bottom of its own: a
#: layer under a small cavity, pulled up where the wave crossed air, leaves a residual under it with
#: no multiple at twice its delay. Blind clean cavities so called loose (sixty-third session) read
#: 0.22-0.42 with such 'bottoms' 3-5.3 periods down; the blind loose zones this path calls loose
#: read at most 0.14 (soil on soil reflects |r| 0.05-0.15, air under soil 0.4-0.6). Where the
#: strength is measured only. None: off.
SOIL_BODY_MAX_STRENGTH: tuple | None = (0.19, 0.22)

#: A body of soil, not air, by its strength (:func:`scores`): a wide, flat top (``flat_top_length_m``
#: from the second pair's first value, fully at its second), laterally continuous at zero dip
#: (``coherence``, first pair), of the polarity of air but weak against the surface reflection
#: (``top_surface_ratio`` under the third pair's first value, fully under its second), no deeper
#: than the last value (m). A reflector wider than its Fresnel zone is not weakened by its size:
#: air under soil returns |r| 0.4-0.6 and a looser or drier body of soil 0.05-0.15 (eps_r 7 in 12:
#: 0.13). Blind full-wave cavities called cavities whose tops are that flat and continuous (19,
#: clean and noisy, 0.35-1.07 m down, 400-900 MHz) read 0.20-0.90; the hand-written loose boxes (eps_r
#: 5-9, 0.7-1.1 m down) 0.025-0.076, and were cavities wherever noise lifted their internal multiple
#: over the bar above (the multiple of a body of soil is a few hundredths of its bottom; noise reads
#: 0.36-0.46 there). Where the measure exists only: short lines with their gain known
#: (``top_surface_ratio`` is NaN otherwise). None: off.
WEAK_FLAT_BODY: tuple | None = ((0.85, 0.9), (0.6, 0.7), (0.14, 0.10), 1.2)

#: ... and, with the same flat, continuous top no deeper than ``WEAK_FLAT_BODY``'s depth, a body of
#: soil among the void calls too (not only the cavity calls), where its bottom reflection is nearly as strong as its top
#: (``bottom_ratio`` from the first pair's first value, fully at its second) and its top is weak for
#: air (``top_surface_ratio`` under the second pair's first value, fully under its second). A body of
#: soil in soil returns its contrast twice, at its top and, reversed, at its bottom, 2h sqrt(eps_r)/c
#: later; a thin air gap (a void) has no bottom of its own, and what reads as its bottom is the next
#: layer. Blind full-wave voids found clean: ``bottom_ratio`` at most 0.65 (95th percentile 0.43), and
#: those whose tops are under 0.2 of the surface's (six) at most 0.33; their weakest top 0.16. The
#: hand-written eps_r 6.5 box 0.55 m down under a 900 MHz antenna (``loosebox900``): top 0.126,
#: bottom 0.74, called a void. None: off.
THICK_WEAK_BODY: tuple | None = ((0.5, 0.6), (0.18, 0.14))

#: ... and, at any depth and whatever the shape of its top, a body of soil by what rings under a
#: weak top: a top of air's polarity that reflects under the first pair's first value of the
#: surface's (``top_surface_ratio``, fully under its second) with more energy in the periods under
#: it than the second pair asks (``ringing``, from its first value, fully at its second), where the
#: top stands clear of the noise (``z_peak`` from the third pair's first value, fully at its
#: second). An air body's bottom and internal multiples return its own contrast (|r| 0.4-0.6): a top
#: weakened by its size or depth has a bottom weakened alike, so it rings no more than a strong one
#: (blind full-wave cavities found clean whose tops read under 0.14 of the surface's: ringing at
#: most 0.26; those that ring over 0.35 read 0.145 and more). Soil looser or drier than its
#: surroundings reflects weakly at its top (|r| 0.05-0.15) while what scatters inside it does not
#: follow that contrast: blind clean loose zones with domed tops called cavities (sixty-third
#: session) read 0.06-0.10 and ring 0.56-1.21. Noise under a faint top rings too (noisy blind
#: cavities at ``z_peak`` 14-19 rang 0.61), hence the third pair. Where the strength is measured
#: only (short lines with their gain known). None: off.
RINGING_WEAK_BODY: tuple | None = ((0.12, 0.10), (0.35, 0.45), (25.0, 40.0))

#: The soil-body rules that read a top's strength against what lies under it (``RINGING_WEAK_BODY``,
#: and the spare of ``SOIL_BODY_MAX_STRENGTH``) read it with a 3-D wave's spreading undone between
#: the surface arrival and the top: ``top_surface_ratio`` x sqrt(1 + t / (this x T)), t the top's
#: two-way time under the surface (``t_below_ns``) and T the period (the surface arrival comes about
#: 0.65 periods after the pulse leaves a ground-coupled antenna; gprMax's Ricker peaks a period
#: after the source fires, the direct wave's envelope 1.65). Their bars separate soil on soil
#: (|r| 0.05-0.15) from air under soil (0.4-0.6) and were set on 2-D simulations, whose line source
#: spreads as 1 / sqrt(r): a 3-D wave (a field survey, a 3-D simulation) spreads as 1 / r, and a top
#: 0.4-1 m down reads 2.5-4 times weaker against the surface (the gprMax 3-D run of the blind 400 MHz
#: cavity ``bw400_cavity_25``, 0.7 m down: 0.031 against 0.151 in 2-D). Under a 3-D spreading
#: (``validation/fullwave_robustness.py``'s ``clean_3d``, blind 1-209) 22 cavities called cavities in
#: 2-D were called loose; read so, a body is called soil by these two only where its top is weak
#: whichever way the wave spread (sixty-sixth session: 16 of the 22 are cavities again). On the 2-D
#: files they then call fewer bodies soil: of blind 1-209 clean, eight loose zones became cavities
#: and one was missed, two cavities called loose are cavities; noisy, one loose zone a cavity. The
#: wide-flat-top rules (``WEAK_FLAT_BODY``, ``THICK_WEAK_BODY``) read the strength as measured:
#: the homogeneous boxes of loose soil they tell, as an independent modeller writes them (the
#: hand-written gprMax models, 0.025-0.076), read 2.6 times and more under the flattest 2-D cavities
#: (0.20), and only these rules tell them from air; under a 3-D spreading they call six flat,
#: wide-topped blind cavities loose (or leave one missed). The time under the surface unknown: read
#: as measured. None: off.
#:
#: That is where the file does not say how its wave spread (SEG-Y, arrays in memory). Where it does
#: (``wave_spreading_3d``, from the survey's ``attrs["wave_spreading"]`` or detect's
#: ``wave_spreading`` option, :data:`roadhealth.survey.WAVE_SPREADINGS`; sixty-seventh
#: session), the strength is read for that world: on a 2-D file (a gprMax model one cell thick) as
#: measured by all four rules, as the bars were set; on a 3-D one (a field instrument's file, a 3-D
#: gprMax model) with the spreading undone by all four, the wide-flat-top rules too (no 2-D box is
#: then at stake: under ``clean_3d`` declared 3-D the six flat cavities keep their kind).
STRENGTH_SPREADING: float | None = 0.65

#: ... but not a layer that steps: a top laterally continuous at zero dip (``coherence`` from the
#: first value of the first pair, fully at the second) that fits no single plane (``plane_rms_ns``
#: over the period from the first value of the second pair, fully at the second) is two flat
#: pieces of one layer at two depths, whose residual after background removal reads as a top and
#: a 'bottom' with no multiple. A body's top is one plane (the hand-written eps_r 7 box: zero-dip
#: coherence 0.99, plane misfit 0.025 period) or curved, and then not continuous at zero dip
#: (blind loose zones called soil bodies: 0.02-0.51). Blind clean roads (forty-first session): two
#: layer steps near a line's start called loose by this path, coherence 0.96-0.97, misfit 0.39-0.62
#: period. The misfit is read without isolated cycle skips (``plane_rms_kept_ns``, sixty-first
#: session): a step is two runs of picks at two depths. None: off.
SOIL_BODY_LAYER_STEP: tuple[tuple[float, float], tuple[float, float]] | None = ((0.85, 0.93), (0.15, 0.25))

#: A top of a pipe's shape and the surface's polarity is no pipe where it is broken along its own
#: dip (``coherence_dip`` under the first pair: none at its upper value, full at its lower) and
#: energy follows it (``ringing`` over the second pair). A metal pipe is one interface that
#: reflects totally: its top one coherent hyperbola, nothing under it (noisy blind metal pipes
#: called pipes: ``coherence_dip`` median 0.97, ``ringing`` 0.02); a wet lens reflects a fifth of
#: that, so noise breaks its top, and its lossy body and bottom ring under it (noisy blind lenses
#: called pipes: 0.78 and 0.18). On a single profile only: in an array a pipe's apexes lie on a
#: line across the channels. None: not used.
PIPE_COHERENT_TOP: tuple[tuple[float, float], tuple[float, float]] | None = ((0.85, 0.9), (0.05, 0.08))

#: ... unless its flanks fit a hyperbola of the ambient velocity (under the first of these times
#: the survey's; none of it from the second; no fit counts as none): a small pipe's top bends as a
#: point's a radius deeper, sqrt(1 + R / d) fast, 1.0-1.15, while a domed lens reads faster. Under
#: -40 dB noise (robustness variant ``noise40``) metal pipes read as broken as noisy lenses
#: (``coherence_dip`` 0.80-0.81, ``ringing`` 0.12) but fit 1.05-1.13; the noisy lenses the rule
#: is for fit 1.2-1.9.
PIPE_AMBIENT_V_RATIO = (1.1, 1.2)

#: A compact top of the surface's polarity (a pipe's shape) is no pipe where a bottom reflection
#: between these fractions of its top comes back with no internal multiple after it over
#: LOSSY_MAX_MULTIPLE of it (``bottom_ratio``, ``multiple_ratio``): a wet lens (the lossy body of
#: :func:`scores`). None: every such top is a pipe.
LOSSY_BOTTOM: tuple[float, float] | None = (0.2, 0.45)
LOSSY_MAX_MULTIPLE = 0.3

#: ... unless what lies 1-5 periods under it is quieter than the rows at those times elsewhere
#: (``below_db`` under the first of these values, dB; none of it over the second): a shadow. A wet
#: lens rings with its own bottom and internal multiples under its top (the 101 clean blind lenses
#: called wet: ``below_db`` -1.0 to +22 but for one 0.6 m tall lens, -16, whose bottom lies past
#: that window and whose wide, flat top is no pipe's anyway), while a metal pipe passes nothing and
#: shadows the layers under it, and the wave creeping round it reads as a 'bottom' (clean blind
#: metal pipes 0.15-0.33 m wide called wet: ``bottom_ratio`` 0.24-0.29, ``below_db`` -4.2 to
#: -3.7). Noise fills a shadow: noisy pipes read -0.3 to +2.0 and are not told so. None: off
#: (thirty-ninth session).
SHADOW_BELOW_DB: tuple[float, float] | None = (-2.5, -1.5)

#: ... and a 'bottom' that arrives as long after the top as the top arrives after the surface
#: (``bottom_delay_ns`` against ``t_below_ns``, within these many periods: none at the first, full
#: at the second) is the top's surface multiple, not a bottom: a wave that went down to the top,
#: back up to the surface, down again and back. A metal pipe reflects totally and the surface
#: sends a third or more of it down again, so its multiple is a hyperbola parallel to it, one
#: apex time under it (blind 400 MHz metal pipe 0.3 m wide 0.5 m down called wet: bottom 8.6 ns
#: under a top 8.5 ns under the surface, 0.20 of it). None: off.
SURFACE_MULTIPLE_PERIODS: tuple[float, float] | None = (0.5, 0.3)


@dataclass(frozen=True)
class Thresholds:
    """Thresholds of the rules (units in the names)."""

    void_max_depth_m: float = 0.65
    void_min_z: float = 6.5
    pipe_max_length_m: float = 1.6
    layer_min_length_m: float = 8.0
    planar_min_length_m: float = 0.8
    cavity_max_length_m: float = 3.5
    surface_ratio: float = 0.08
    min_z: float = 8.0
    compact_max_ratio: float = 1.5
    min_score: float = 0.15


#: Short statement of every rule, for ``docs`` and ``explain``.
KIND_RULES = {
    "cavity": "strong reflection of polarity opposite to the surface's, not a point hyperbola",
    "void": "strong flat continuous reflection directly under the pavement",
    "water_rich": "reflection of the surface's polarity, broader than a point diffractor",
    "loose": "chaotic incoherent scattering with no consistent polarity, or a rough scattering top",
    "pipe": "point-diffractor hyperbola fitting the survey velocity (a pipe; on one profile a round wet body "
            "reads the same)",
    "surface": "anomalous surface reflection (manhole cover, metal plate)",
    "layer": "flat coherent event, weak or long: a layer change",
    "weak": "too weak above the background",
}


def undo_spreading(strength, periods_below):
    """A top's strength against the surface's with a 3-D wave's spreading from the surface arrival
    to the top undone (:data:`STRENGTH_SPREADING`; ``periods_below`` the top's two-way time under
    the surface in periods, unknown or negative read as 0); as measured where that is off."""
    if STRENGTH_SPREADING is None:
        return strength
    periods = np.maximum(np.nan_to_num(np.asarray(periods_below, dtype=float), nan=0.0), 0.0)
    return strength * np.sqrt(1.0 + periods / STRENGTH_SPREADING)


def ramp(x, lo, hi):
    """0 below ``lo``, 1 above ``hi``, linear in between (``lo > hi`` reverses it); NaN -> 0."""
    x = np.asarray(x, dtype=float)
    out = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return np.nan_to_num(out, nan=0.0)


def scores(f: pd.DataFrame, th: Thresholds = Thresholds()) -> pd.DataFrame:
    """Score of every kind and clutter class for every region (rows of ``f``), 0-1."""
    pol = f["polarity"].to_numpy(float)
    z = f["z_top"].to_numpy(float)
    zpk = f["z_peak"].to_numpy(float)
    coh = f["coherence"].to_numpy(float)
    rng_p = (f["top_range_ns"] / f["period_ns"]).to_numpy(float)  # top spread in periods
    length = (f["distance_end_m"] - f["distance_start_m"]).to_numpy(float)
    depth = f["depth_top_m"].to_numpy(float)
    ring = f["ringing"].to_numpy(float)
    # the top's reflection against the surface's, the gain undone (NaN where not measured: the
    # strength rules then say nothing)
    strength = (f["top_surface_ratio"].to_numpy(float) if "top_surface_ratio" in f
                else np.full(len(f), np.nan))
    # ... and against the short line's subtracted background at its time (NaN likewise: long lines)
    bg_ratio = (f["background_ratio"].to_numpy(float) if "background_ratio" in f
                else np.full(len(f), np.nan))
    # the flat top's reach past the strong columns (0 where not measured) and whether that flat top
    # is the region's own reflector, not the background's continued (1 where no ratio is measured):
    # read by the void rule's length and the cavity rule's (FLAT_TOP_MIN_BACKGROUND_RATIO)
    flat_extra = (np.nan_to_num(np.fmax(f["flat_top_length_m"].to_numpy(float) - length, 0.0))
                  if "flat_top_length_m" in f else np.zeros(len(f)))
    own_flat = ramp(bg_ratio, *FLAT_TOP_MIN_BACKGROUND_RATIO)
    own_flat_or_unknown = np.where(np.isnan(bg_ratio), 1.0, own_flat)
    vr = f["hyperbola_v_ratio"].to_numpy(float)
    hrms = (f["hyperbola_rms_ns"] / f["period_ns"]).to_numpy(float)
    # the residual of every pick, isolated cycle skips included: a scattering top's picks wander,
    # a point's do not (the rules on several scatterers, rough and misfit tops read this one)
    hrms_all = ((f["hyperbola_rms_all_ns"] if "hyperbola_rms_all_ns" in f else f["hyperbola_rms_ns"])
                / f["period_ns"]).to_numpy(float)
    strong = ramp(zpk, th.min_z, th.min_z + 3) * ramp(z, 3.0, 4.5)  # and a clear top reflection
    consistency = f["phase_consistency"].to_numpy(float) if "phase_consistency" in f else np.ones(len(f))
    flat = ramp(rng_p, 0.78, 0.55)
    continuous = ramp(coh, 0.6, 0.85)
    # a polarity means something only where the top is one wavelet (consistent phase)
    one_wavelet = ramp(consistency, 0.3, 0.5)
    opposite = ramp(pol, 0.2, 0.6) * one_wavelet
    # (a wet top reads 14-27 degrees off the layer reference, clean, and noise spreads it by some 25
    # degrees more: full "same" from -29 degrees, none from -41, where thin air bodies begin)
    same = ramp(pol, -0.1, -0.4) * one_wavelet
    # chaotic: no consistent polarity, or no consistent phase along the top (random phases of
    # many small scatterers), and no lateral coherence along any dip (a curved reflector, a
    # hyperbola flank, is coherent along its own dip)
    coh_dip = f["coherence_dip"].to_numpy(float) if "coherence_dip" in f else coh
    chaotic = np.maximum(ramp(np.abs(pol), 0.5, 0.2), ramp(consistency, 0.5, 0.3)) * ramp(coh_dip, 0.7, 0.5)
    if INCOHERENT_TOP_DIP is not None:  # (see INCOHERENT_TOP_DIP)
        n_cols = f["n_columns"].to_numpy(float) if "n_columns" in f else np.zeros(len(f))
        chaotic = np.maximum(chaotic, ramp(coh_dip, *INCOHERENT_TOP_DIP) * (n_cols >= INCOHERENT_TOP_MIN_COLUMNS))
    logv = np.log(np.where(np.isfinite(vr) & (vr > 0), vr, 1e9))
    # a point diffractor's hyperbola is seen over about +-40 degrees of the antenna beam: its
    # flanks reach +-0.85 x its depth, so a deep pipe's region is longer than a shallow one's
    pipe_len = np.maximum(th.pipe_max_length_m, PIPE_FLANKS_PER_DEPTH * depth)
    hyperbola = ramp(logv, np.log(1.42), np.log(1.32)) * ramp(logv, np.log(0.6), np.log(0.7)) * ramp(hrms, 0.4, 0.25)
    # in an array a pipe is the same hyperbola on every channel: it reaches all channels with
    # similar strength and its apexes lie on a straight line in plan (the apex *times* are not
    # used: channel time-zero differences of half a period are common)
    n_ch = f["n_channels_survey"].to_numpy(float) if "n_channels_survey" in f else np.ones(len(f))
    array = n_ch >= 4
    linear = (ramp(f["channel_fraction"].to_numpy(float), 0.75, 0.9)
              * ramp(f["channel_amplitude_ratio"].to_numpy(float), 0.35, 0.5)
              * ramp(np.nan_to_num(f["apex_line_rms_m"].to_numpy(float), nan=1.0), 0.25, 0.12))
    # a compact apex: the top stays within a quarter period of the apex over no more than a
    # point diffractor's first Fresnel zone (a pipe of finite radius a little more); an extended
    # body (a wet zone, a wide cavity) is flat over its own length. A pipe of large radius looks
    # too fast for the velocity rule above; this one does not need the velocity.
    flat_ratio = f["apex_flat_ratio"].to_numpy(float) if "apex_flat_ratio" in f else np.full(len(f), np.nan)
    # But a top whose flanks fit a clean hyperbola far too fast for the ground is no pipe: a round
    # pipe's apex (radius R, top d down) bends as a point's at d + R, so it reads sqrt(1 + R / d)
    # fast, about 1.3-1.6 for a pipe as wide as it is deep (full-wave pipes: at most 1.55, in
    # soils of eps_r 5-20 against the scores' 8), while a wet lens's domed top reads 1.6-2.2
    # (900 MHz lenses under noise called pipes: 1.79, 1.94; a 600 MHz lens beside a pipe, 1.97;
    # regions 1.9-3 times as long as deep)
    # (over an aperture that constrains the velocity: flanks along at least about the depth; an
    # air-filled PVC pipe's 0.35 m region 0.5 m down read 2.07 at 900 MHz)
    wide = ramp(length / np.maximum(depth, 0.05), 0.8, 1.2)
    too_fast = ramp(logv, np.log(PIPE_MAX_V_RATIO), np.log(PIPE_MAX_V_RATIO + 0.15)) * ramp(hrms, 0.25, 0.15) * wide
    if DOMED_TOP_V_RATIO is not None:  # (see DOMED_TOP_V_RATIO)
        (m0, m1), (m2, m3) = DOMED_TOP_MISFIT
        domed = (ramp(logv, np.log(DOMED_TOP_V_RATIO[0]), np.log(DOMED_TOP_V_RATIO[1]))
                 * ramp(hrms, m0, m1) * ramp(hrms, m2, m3) * wide)
        too_fast = np.maximum(too_fast, domed)
    compact_top = (ramp(np.nan_to_num(flat_ratio, nan=9.0), th.compact_max_ratio + 0.2, th.compact_max_ratio)
                   * ramp(consistency, 0.5, 0.7)  # one clean wavelet
                   * (1 - ramp(rng_p, 0.78, 0.55) * ramp(coh, 0.6, 0.85))  # not a flat continuous top (a void)
                   * (1 - too_fast))
    compact = compact_top * ramp(ring, 0.6, 0.3)  # and no reverberation

    def point_shape(apex):  # a hyperbola or, on a single profile, a compact apex; in an array, linear
        one = np.maximum(hyperbola, np.where(array, 0.0, apex))
        return np.where(array, one * linear, one)

    shape = point_shape(compact)
    # the same shape read on the top alone, whatever rings under it: a pipe with a body under it
    # (whose energy spoils the pipe's clean point response) is looked under (core._look_under_pipes)
    shape_top = point_shape(compact_top)
    # the length a point response may have: a fixed limit where a point may also be a small
    # cavity (the cavity rules below), the depth-dependent one for a pipe of the surface's
    # polarity (a metal pipe 1.2 m deep at 400 MHz spans 1.7-1.9 m)
    point = shape * ramp(length, th.pipe_max_length_m + 0.4, th.pipe_max_length_m)
    # an unmistakable point diffractor: an apex as compact as a point's Fresnel zone and flanks on a
    # hyperbola of the ambient velocity. Its strong flanks reach further under a longer wavelength
    # (a blind 200 MHz metal pipe 1 m deep: 2.36 m, flat 1.15, velocity 1.10, misfit 0.03 period,
    # called a wet zone); every full-wave wet zone is flatter (1.65-3.3) or fits no such hyperbola.
    # (A point's apex spans its Fresnel zone, ratio 1; a pipe's radius adds a little: full at 1.45,
    # none from 1.6, fifty-second session, until then 1.25-1.35. Blind metal pipes in dry sand
    # read 1.35-1.5 with their tops 15 % too shallow at the default velocity, so their regions
    # outran 1.7 x depth and they were wet zones: clean false alarms 115 -> 112 and noisy 88 -> 86
    # on batches 1-169, one wet lens 2.2 times as long as deep, 1.44, lost, no cavity moved. The
    # old bar had kept out a 0.8 m cavity, 1.51, read with the wrong polarity in noise on uniform
    # soil)
    clean_point = (ramp(np.nan_to_num(flat_ratio, nan=9.0), 1.6, 1.45) * ramp(hrms, 0.15, 0.1)
                   * ramp(logv, np.log(1.6), np.log(1.45)) * ramp(logv, np.log(0.75), np.log(0.85)))
    point_same = shape * ramp(length, pipe_len * (1 + 0.5 * clean_point) + 0.4, pipe_len * (1 + 0.5 * clean_point))
    # but a round top with a lossy body under it is a wet lens, not a pipe: a metal pipe has no
    # bottom reflection (full-wave metal pipes: ``bottom_ratio`` 0.01-0.20), the water in a plastic
    # pipe is lossless and its far wall comes back strong (0.5-1.95 where it falls in the window) and
    # rings inside (an internal multiple), a pipe that rings with the antenna rings again after its
    # 'bottom' (the sample campaign's metal pipes: multiples 0.52 and 0.89 of it); a wet lens's
    # bottom comes back through the lossy body (0.20-0.45 of its top) with nothing after it
    # (its internal multiple r^2 times the losses again). (`lossy_bottom`: looked under as a pipe,
    # :func:`roadhealth.detect.core._look_under_pipes`, since a body right under a pipe reads so too)
    # (a body's bottom reflection and first internal multiple, features.MULTIPLE_*; read by the soil
    # body rule below too)
    bt = f["bottom_ratio"].to_numpy(float) if "bottom_ratio" in f else np.full(len(f), np.nan)
    mult = f["multiple_ratio"].to_numpy(float) if "multiple_ratio" in f else np.full(len(f), np.nan)
    lossy = np.zeros(len(f))
    if LOSSY_BOTTOM is not None:
        lo, hi = LOSSY_BOTTOM
        lossy = (np.nan_to_num(ramp(bt, lo - 0.03, lo + 0.03) * ramp(bt, hi + 0.05, hi - 0.05), nan=0.0)
                 * np.where(np.isnan(mult), 1.0, ramp(mult, LOSSY_MAX_MULTIPLE + 0.05, LOSSY_MAX_MULTIPLE - 0.05)))
        if SHADOW_BELOW_DB is not None and "below_db" in f:
            b_db = f["below_db"].to_numpy(float)
            lossy = lossy * np.where(np.isnan(b_db), 1.0, ramp(b_db, *SHADOW_BELOW_DB))
        if SURFACE_MULTIPLE_PERIODS is not None and "bottom_delay_ns" in f and "t_below_ns" in f:
            off = np.abs(f["bottom_delay_ns"].to_numpy(float) - f["t_below_ns"].to_numpy(float)) / f["period_ns"].to_numpy(float)
            lossy = lossy * (1 - ramp(off, *SURFACE_MULTIPLE_PERIODS))  # (unknown delay: no multiple)
        point_same = point_same * (1 - lossy)
    if PIPE_COHERENT_TOP is not None:
        # and a pipe is one interface: its top one coherent hyperbola along its own dip, nothing
        # under it (see PIPE_COHERENT_TOP)
        (c_lo, c_hi), (r_lo, r_hi) = PIPE_COHERENT_TOP
        v_lo, v_hi = PIPE_AMBIENT_V_RATIO
        broken = ramp(coh_dip, c_hi, c_lo) * ramp(ring, r_lo, r_hi) * ramp(logv, np.log(v_lo), np.log(v_hi))
        # (in an array its apexes on a line across the channels say pipe whatever rings under it:
        # the sample campaign's 0.25 m metal pipe crossing 12 channels at 60 degrees, under an
        # antenna that rings, reads 0.81 and 0.26)
        point_same = point_same * (1 - np.where(array, 0.0, broken))
    # an opposite-polarity point hyperbola is an air-filled pipe or a small cavity; missing a
    # cavity is the worse error, so it counts as a pipe only on strict evidence
    # (on a single profile never: nothing there tells a pipe from a small cavity)
    strict = (ramp(logv, np.log(1.25), np.log(1.15)) * ramp(logv, np.log(0.8), np.log(0.88))
              * ramp(hrms, 0.2, 0.12)
              * np.where(array, ramp(f["channel_amplitude_ratio"].to_numpy(float), 0.55, 0.7), 0.0))
    point_opposite = point * strict
    shallow = ramp(depth, th.void_max_depth_m + 0.1, th.void_max_depth_m - 0.1)
    # a top within about 1.6 periods of the surface lies at the first searched rows: its median
    # score is read on the rising edge of its reflection, cut by the start of the search, against
    # the rows right under the surface wavelet, the busiest of the section. There a quarter of
    # its peak score measures its strength where that is more (blind voids under the asphalt:
    # median top score 3.4-5.0 under peaks of 45-74, called a layer or a cavity; every other
    # full-wave void 9-40, with peaks 1.5-17 times that)
    # periods under the surface (unknown: 9, well under the first rows; 0 for the cover rule below)
    below = (f["t_below_ns"] / f["period_ns"]).to_numpy(float) if "t_below_ns" in f else np.full(len(f), np.nan)
    # the strength the soil-body rules read against what lies under a top: a 3-D wave's spreading
    # from the surface arrival to the top undone, unless the survey says its wave spread in 2-D;
    # and the strength the wide-flat-top rules read: undone only where it says 3-D (see
    # STRENGTH_SPREADING; unknown time under the surface: as measured)
    spread3d = (f["wave_spreading_3d"].to_numpy(float) if "wave_spreading_3d" in f
                else np.full(len(f), np.nan))
    undone = undo_spreading(strength, below)
    soil_strength = np.where(spread3d == 0.0, strength, undone)
    flat_strength = np.where(spread3d == 1.0, undone, strength)
    below_p = np.nan_to_num(below, nan=9.0)
    z_flat = np.where(below_p <= FIRST_ROWS_PERIODS, np.maximum(z, TOP_FROM_PEAK * zpk), z)
    if VOID_OWN_REFLECTION is not None and {"background_ratio", "layer_shift_residual",
                                            "top_surface_ratio"} <= set(f.columns):
        (b0, b1), (u0, u1), (s0, s1) = VOID_OWN_REFLECTION
        own_reflection = np.nan_to_num(ramp(bg_ratio, b0, b1)
                                       * ramp(f["layer_shift_residual"].to_numpy(float), u0, u1)
                                       * ramp(strength, s0, s1), nan=0.0)
        z_flat = np.maximum(z_flat, (th.void_min_z + 0.5) * own_reflection)
    out = pd.DataFrame(index=f.index)
    # the top reflection of a void, cavity or wet zone is its main lobe, not a weak precursor
    top_main = ramp(ring, 2.0, 1.2)
    at_end = f["at_line_end"].to_numpy(float) if "at_line_end" in f else np.zeros(len(f))
    end_layer = np.zeros(len(f))
    if END_LAYER_RATIO is not None:  # (see END_LAYER_RATIO)
        end_layer = at_end * ramp(bg_ratio, *END_LAYER_RATIO)  # (NaN: unknown -> 0)
    displaced = np.zeros(len(f))
    if LAYER_SHIFT is not None and {"layer_shift_residual", "layer_shift_periods"} <= set(f.columns):  # (NaN -> 0)
        (u0, u1), (p0, p1) = LAYER_SHIFT
        displaced = (ramp(f["layer_shift_residual"].to_numpy(float), u0, u1)
                     * ramp(np.abs(f["layer_shift_periods"].to_numpy(float)), p0, p1))
    # a top of the surface's polarity, one clean wavelet along it, whose energy under it arrives
    # periods later: a body with a bottom that is slower than its surroundings (a wet lens), not a
    # thin air gap (whose top and bottom make one wavelet; full-wave voids that read the
    # surface's polarity have their energy within 1.6 periods of the top, the hand-written
    # gaussiandotnorm fixture's void, -0.88, within 2.5; the 900 MHz wet box 7.9)
    e_delay_p = (f["energy_delay_ns"] / f["period_ns"]).to_numpy(float) if "energy_delay_ns" in f else np.zeros(len(f))
    thick_slow = (ramp(pol, -0.6, -0.8) * ramp(consistency, 0.85, 0.95)
                  * np.nan_to_num(ramp(e_delay_p, THICK_DELAY_PERIODS - 0.5, THICK_DELAY_PERIODS + 0.5), nan=0.0))
    # a flat top of the surface's polarity under the upper part of the pavement: a slower body (a
    # wet lens), not an air gap (see VOID_SLOW_BODY)
    slow_deep = np.zeros(len(f))
    if VOID_SLOW_BODY is not None:
        (p0, p1), (d0, d1) = VOID_SLOW_BODY
        slow_deep = ramp(pol, p0, p1) * one_wavelet * ramp(depth, d0, d1)
    # a void's length: its flat top's down to a quarter of its strongest (a gap thins to nothing
    # at its edges and reflects in proportion to its thickness; features.FLAT_TOP_FRACTION), where
    # it is such a gap and a reflector of its own (see FLAT_TOP_MAX_RINGING)
    void_len = length
    tapered = np.zeros(len(f))
    if FLAT_TOP_MAX_RINGING is not None and "flat_top_length_m" in f:
        # (not at a line's end: there the short line's background, seeded by the end traces, holds
        # the region's own reflection, and its inverse painted on the traces beside it reads as a
        # faint continuation of its top: a hand-written void running off a line's end read 0.74 m
        # longer than it is)
        thin_gap = ramp(ring, *FLAT_TOP_MAX_RINGING) * (1 - at_end)
        # the length the rule reads: where no ratio is measured (a long line's moving background)
        # nothing speaks against the flat top; the extent reported (core._zone_extent): only where
        # the ratio says the top is the gap's own (a gap right under a layer interface lies at its
        # time, and its flat top runs on along the layer's residual: the sample campaign's WAIMAO
        # void, 1.80 m in its truth and 1.60 m from its strong columns, read 3.65 m)
        void_len = length + flat_extra * thin_gap * own_flat_or_unknown
        tapered = thin_gap * np.nan_to_num(own_flat, nan=0.0)
    # a wide, flat, continuous top that is weak for air over a bottom nearly as strong: a body of
    # soil, thick, not a thin air gap (see THICK_WEAK_BODY); scored as loose below
    flat_wide = np.zeros(len(f))
    if WEAK_FLAT_BODY is not None and {"top_surface_ratio", "flat_top_length_m"} <= set(f.columns):
        (c0, c1), (l0, l1), _, d_max = WEAK_FLAT_BODY
        flat_wide = np.nan_to_num(ramp(coh, c0, c1) * ramp(f["flat_top_length_m"].to_numpy(float), l0, l1),
                                  nan=0.0) * (depth <= d_max)
    thick_weak = np.zeros(len(f))
    if THICK_WEAK_BODY is not None:
        (b0, b1), (s0, s1) = THICK_WEAK_BODY
        thick_weak = flat_wide * np.nan_to_num(ramp(bt, b0, b1) * ramp(flat_strength, s0, s1),
                                               nan=0.0)
    out["void"] = (ramp(zpk, th.void_min_z - 1, th.void_min_z + 1) * flat * continuous * shallow
                   * ramp(z_flat, th.void_min_z - 1.5, th.void_min_z + 0.5) * ramp(void_len, 0.3, 0.5) * top_main
                   * ramp(consistency, 0.6, 0.8)  # a thin gap: one wavelet along the whole top
                   * (1 - at_end * ramp(length, END_VOID_MIN_M, END_VOID_MIN_M - 0.2)) * (1 - end_layer)
                   * (1 - thick_slow) * (1 - displaced) * (1 - slow_deep) * (1 - thick_weak))
    if VOID_TALL_BODY is not None:  # a tall air body, no thin gap (see VOID_TALL_BODY)
        (r0, r1), (m0, m1), (u0, u1) = VOID_TALL_BODY
        tall = np.nan_to_num(ramp(ring, r0, r1) * ramp(mult, m0, m1) * ramp(mult, u1, u0),
                             nan=0.0)  # (no multiple measured: none)
        out["void"] = out["void"].to_numpy(float) * (1 - tall)
    # an air body thinner than about a quarter wavelength: its top and bottom reflections merge
    # into one wavelet of undefined polarity (so does a curved top, whose phase diffraction
    # shifts by up to 45 degrees); coherent along its dip (unlike chaotic loose soil) and strong:
    # a layer whose depth changes along the road leaves, after background removal, the
    # difference of two shifted wavelets (a derivative, +-90 degrees: undefined polarity too),
    # but only as strong as the layer's own reflection, far weaker than an air body's
    thin = ramp(np.abs(pol), 0.5, 0.3) * ramp(coh_dip, 0.6, 0.75) * ramp(z, 8.0, 12.0)
    air = np.maximum(opposite, 0.8 * thin)
    # one air body has one top: flat, domed or a diffraction hyperbola, one smooth curve. A top
    # spread over more than about two periods that fits no single hyperbola is several
    # scatterers at different depths (stones, rubble), not one cavity
    # (a top that bends the wrong way for any hyperbola has no fit at all: NaN counts as no fit)
    several = np.where(np.isnan(hrms_all), 1.0, ramp(hrms_all, 0.5, 0.8)) * ramp(rng_p, 1.8, 2.4)
    # a rough, scattering top (loose soil whose top, to looser soil, keeps the polarity of air):
    # its earliest strong part is narrower than a point diffractor's first Fresnel zone, which no
    # single reflector's top can be (one bright scatterer poking above the rest), it fits no
    # hyperbola, and energy follows it from below (volume scattering). Full-wave: loose tops
    # 0.19-0.43 of a Fresnel zone, hyperbola misfit 0.33-0.92 period, ringing 0.37-0.56; air
    # bodies 0.46-3.3, 0.03-0.39 and 0.00-0.51, never all three together. And it is laterally
    # incoherent at zero dip, as scattering is (0.05-0.11; the ringing stripes of real layered
    # roads, which share the other three, 0.75-0.94)
    rough = (ramp(np.nan_to_num(flat_ratio, nan=9.0), 0.6, 0.45) * np.where(np.isnan(hrms_all), 1.0, ramp(hrms_all, 0.25, 0.35))
             * ramp(ring, 0.25, 0.35) * ramp(coh, 0.6, 0.4))
    # or a scattering interior: energy under the top (ringing) that does not follow the top along
    # its dip. A body's bottom reflection and internal multiples run parallel to its top (full-wave
    # cavities that ring, 0.36-0.51: semblance along the dip 0.49-0.76); the scatterers inside
    # loose soil do not (a blind 400 MHz loose zone under a smooth dome: 0.26-0.29)
    c_below = f["coherence_below"].to_numpy(float) if "coherence_below" in f else np.full(len(f), np.nan)
    # (the energy under the top must stand clear of the noise, whose incoherence would pass for
    # scattering: its score, about z_peak x sqrt(ringing), at least 8-16; an air-filled PVC pipe
    # of the fast model at z 11.4 and ringing 0.39, noise below its top, is no loose zone)
    # And its top is not laterally coherent at zero dip, as the rough top's (the ringing stripes of
    # a real grid line, whose ringing does not follow the top either: coherence 0.75)
    clear_below = ramp(zpk * np.sqrt(np.maximum(ring, 0.0)), th.min_z, 2 * th.min_z) * ramp(coh, 0.65, 0.45)
    # Only under a top that is not itself one smooth interface along its dip: the boundary of
    # scattering soil is rough (the loose zones this rule serves, full-wave: semblance along the
    # dip 0.80-0.87), while a tall air body's top is smooth (0.92-0.99) and its reverberation,
    # bent by a curved bottom, need not follow it (blind 900 MHz and 1.5 GHz cavities called
    # loose: 0.97, 0.92)
    interior = (ramp(ring, 0.3, 0.4) * ramp(np.nan_to_num(c_below, nan=1.0), 0.45, 0.35) * clear_below
                * ramp(coh_dip, 0.92, 0.88))
    # or a top that is neither one smooth curve nor one wavelet: it fits no hyperbola (misfit over
    # half a period) and its phase wanders along it. An air body's top, flat, domed or a
    # diffraction hyperbola, does both (full-wave cavities: misfit at most 0.38 period, phase
    # consistency 0.65-0.99); loose zones with a domed, scattering top 0.57-0.91 and 0.49-0.60
    misfit = np.nan_to_num(ramp(hrms_all, 0.45, 0.6) * ramp(consistency, 0.7, 0.6), nan=0.0)
    # or a body of slow soil under an antenna of 500 MHz or less: its bottom reflection comes 2h/v
    # after its top, 2.5 times later than an air body's of the same height (v about 0.12 against
    # 0.3 m/ns), so a loose zone 0.4-0.7 m tall rings in the window 1.5-4 periods under its top
    # (blind 200-400 MHz loose zones called cavities: ringing 0.45-0.69) where an air body's
    # bottom arrives only if it is taller than about 0.5 m (full-wave cavities at 200-400 MHz: at
    # most 0.30). At 900 MHz tall cavities ring as well (up to 0.47): not used there. With the
    # interior rule's guards: the energy under the top above the noise, and a top not laterally
    # coherent at zero dip (the ringing stripes of real layered roads are)
    slow_body = np.nan_to_num(ramp(ring, 0.35, 0.45) * ramp(f["period_ns"].to_numpy(float), 1.6, 2.0) * clear_below,
                              nan=0.0)
    rough = np.maximum.reduce([rough, interior, misfit, slow_body])
    # or a body of soil, not air: looser or drier soil (lower permittivity) reflects with the
    # polarity of air, but weakly (eps_r 5-9 in 13: |r| 0.09-0.23, against 0.5-0.6 for air), so
    # where its bottom reflection stands apart from its top no internal multiple follows at twice
    # that delay (r^2: 0.01-0.05 of the bottom, against 0.25-0.36 inside an air body). Measured
    # (features.MULTIPLE_*): full-wave cavities with a separate bottom 0.21-0.63; a hand-written
    # box of eps_r 7 in 13, 0.5 m tall, 0.12. Not for voids: a layer under the pavement is their
    # "bottom" (0.02-0.06 then)
    soil_body = ramp(bt, *SOIL_BODY_BOTTOM) * ramp(mult, *SOIL_BODY_MULTIPLE)  # (NaN -> 0)
    if SOIL_BODY_MAX_STRENGTH is not None:  # (a top as strong as air's)
        soil_body = soil_body * (1 - np.nan_to_num(ramp(soil_strength, *SOIL_BODY_MAX_STRENGTH), nan=0.0))
    by_multiple = soil_body.copy()
    # or, whatever rings under it, by its strength: a wide flat top of air's polarity that reflects
    # as weakly as soil on soil (see WEAK_FLAT_BODY)
    weak_flat = np.zeros(len(f))
    if WEAK_FLAT_BODY is not None:  # (flat_wide is 0 where the flat top is not measured)
        _, _, (s0, s1), _ = WEAK_FLAT_BODY
        weak_flat = flat_wide * np.nan_to_num(ramp(flat_strength, s0, s1), nan=0.0)
        weak_flat = np.maximum(weak_flat, thick_weak)  # (or weak for air over a bottom as strong)
        soil_body = np.maximum(soil_body, weak_flat)
    # or, whatever its top's shape, a weak top with more under it than an air body's contrast
    # returns (see RINGING_WEAK_BODY)
    weak_ringing = np.zeros(len(f))
    if RINGING_WEAK_BODY is not None:
        (s0, s1), (r0, r1), (z0, z1) = RINGING_WEAK_BODY
        weak_ringing = np.nan_to_num(ramp(soil_strength, s0, s1) * ramp(ring, r0, r1) * ramp(zpk, z0, z1), nan=0.0)
        soil_body = np.maximum(soil_body, weak_ringing)
    # (one or the other, with the body's whole score: a score shared between cavity and loose in
    # the ramps' middle would tie them and lose the body to any clutter class or to the
    # confidence floor)
    is_soil = soil_body >= SOIL_BODY_CALL
    step = np.zeros(len(f))
    if SOIL_BODY_LAYER_STEP is not None and "plane_rms_ns" in f:  # (see SOIL_BODY_LAYER_STEP)
        (c0, c1), (p0, p1) = SOIL_BODY_LAYER_STEP
        # (the misfit without isolated cycle skips: one pick that jumped a lobe in noise is no step;
        # the hand-written eps_r 9 box under noise, one edge pick 2.6 ns off: 0.25 -> 0.09 period)
        misfit = f["plane_rms_kept_ns"] if "plane_rms_kept_ns" in f else f["plane_rms_ns"]
        p_step = (misfit / f["period_ns"]).to_numpy(float)
        step = ramp(coh, c0, c1) * ramp(p_step, p0, p1)
    # a flat, planar, laterally coherent event that runs off the end of the line: a layer whose
    # depth steps (its residual after background removal has an opposite-looking lobe), not a
    # body, whose top is curved or ends in diffractions (zero-dip coherence of full-wave cavity
    # tops: at most 0.69, median 0.09; the 200 MHz blind layer step 0.93-0.95). Not a cavity at
    # any depth (under the pavement a layer step is likelier still: a clean fast-model road gave
    # one at 0.52 m, a "cavity" at 0.71, when shallow events were spared); layer clutter only below
    # the voids' depth, so that a void cut by the end of a file stays a void where it is seen over
    # END_VOID_MIN_M (a shorter one there is dropped by the void rule: in a campaign the next file,
    # and in detect_chunked the overlapping window, sees it whole)
    plane_p = (f["plane_rms_ns"] / f["period_ns"]).to_numpy(float)
    # the longest air body's region: ``cavity_max_length_m`` holds where the diffraction flanks past
    # a body's edges reach about as far as at 400-900 MHz (a first Fresnel zone of up to
    # CAVITY_FRESNEL_REF_M); under a longer wavelength and deeper they reach a Fresnel zone further
    # on each side (a blind 100 MHz cavity 2 m long, 2.5 m down: Fresnel zone 1.57 m, region 4.7 m)
    fres = np.nan_to_num(f["fresnel_m"].to_numpy(float), nan=0.0) if "fresnel_m" in f else np.zeros(len(f))
    cav_max = th.cavity_max_length_m + 2 * np.maximum(fres - CAVITY_FRESNEL_REF_M, 0.0)
    edge_layer = np.nan_to_num(at_end * ramp(coh, 0.8, 0.9) * ramp(plane_p, 0.2, 0.1), nan=0.0)
    cav_len = length + flat_extra * own_flat_or_unknown if COMPACT_BODY_FLAT_TOP else length
    air_body = (strong * air * top_main * (1 - point_opposite) * (1 - 0.4 * point) * (1 - 0.5 * out["void"])
                * (1 - several) * (1 - rough) * (1 - edge_layer) * (1 - end_layer) * (1 - displaced)
                * ramp(cav_len, 0.25, 0.45) * ramp(length, cav_max + 1.0, cav_max))
    out["cavity"] = np.where(is_soil, 0.0, air_body)
    # the top of a wet zone is a smooth interface: one wavelet along it (full-wave 0.95-0.99)
    # (read along the smoothed top as well, the better of the two: in noise a column's envelope
    # maximum jitters by a fraction of a period around the wavelet's peak and the phase read there
    # turns with it; a blind 400 MHz lens under white noise read 0.50 at the picks, 0.80 along its
    # smoothed top. Not for the other kinds: a loose zone's top, soil to looser soil, is an
    # interface too, whose picks jump to the stronger scatterers under it, and read along the
    # smoothed top five clean blind loose zones became cavities or wet zones)
    cons_wet = consistency
    if "phase_consistency_smooth" in f:
        cons_wet = np.fmax(consistency, f["phase_consistency_smooth"].to_numpy(float))
    out["water_rich"] = (strong * same * top_main * (1 - point_same) * ramp(length, 0.6, 1.2) * (1 - out["void"])
                         * ramp(cons_wet, 0.5, 0.7) * (1 - displaced))  # (a layer moved: see LAYER_SHIFT)
    zcpk = f["zc_peak"].to_numpy(float) if "zc_peak" in f else np.zeros(len(f))
    # chaotic scattering is measured on the short stack: a longer one averages it out
    zpk_s = f["z_peak_short"].to_numpy(float) if "z_peak_short" in f else zpk
    scattering = np.maximum(ramp(zpk_s, th.min_z - 1, th.min_z + 2), ramp(zcpk, 1.5, 2.0))
    # a chaotic zone's extent is the whole region's: its strong columns may be one bright scatterer
    zone = (f["region_end_m"] - f["region_start_m"]).to_numpy(float) if "region_end_m" in f else length
    # or volume scattering: more energy in the periods below the top than in the top itself (the
    # top of a loose zone, soil to looser soil, is weak; a body's top is its main lobe), under a
    # top that is not one wavelet (a bending layer's residual is), laterally incoherent (random
    # scatterers; full-wave loose zones 0.03-0.24) and clearly above the background (layered
    # real roads ring below many of their events, but coherently: 0.72-0.91 on the real grid)
    volume = (ramp(ring, 1.0, 1.6) * ramp(consistency, 0.8, 0.7) * ramp(zpk, th.min_z, th.min_z + 3)
              * ramp(coh, 0.65, 0.5) * ramp(coh_dip, 0.9, 0.8))  # (a curved top is coherent along itself)
    # (a rough top as strong as a body's, clearly above the background, as the volume path)
    rough_top = rough * air * ramp(zpk, th.min_z, th.min_z + 3)
    # (a zone, not one scatterer: at least 0.4-0.8 m long, and under a short wavelength at least
    # LOOSE_MIN_WAVELENGTHS wavelengths to twice that where that is less: a blind 2 GHz loose zone,
    # 0.6 m long, scattered strongly over 0.38 m, nine wavelengths)
    lam = (f["velocity_m_per_ns"] * f["period_ns"]).to_numpy(float) if "velocity_m_per_ns" in f \
        else np.full(len(f), np.inf)  # wavelength, m (unknown: the length in metres alone)
    loose_min = np.minimum(0.4, LOOSE_MIN_WAVELENGTHS * np.where(np.isfinite(lam), lam, np.inf))
    extent = np.maximum(length, zone)
    ring_gate = ramp(ring, 0.2, 0.4)
    if LOOSE_BROKEN_TOP is not None:  # (see LOOSE_BROKEN_TOP)
        (d0, d1), (m0, m1), (k0, k1), (l0, l1) = LOOSE_BROKEN_TOP
        broken = (ramp(coh_dip, d0, d1) * ramp(coh, d0, d1) * np.where(np.isnan(hrms_all), 1.0, ramp(hrms_all, m0, m1))
                  * ramp(consistency, k0, k1) * ramp(extent, l0, l1)
                  * ramp(coh_dip - coh, *LOOSE_BROKEN_MAX_DIP_GAIN) * ramp(zpk, th.min_z, th.min_z + 3))
        ring_gate = np.maximum(ring_gate, broken)
    out["loose"] = (scattering * np.maximum.reduce([chaotic, volume, rough_top]) * ring_gate
                    * ramp(extent, loose_min, 2 * loose_min))
    if LOOSE_INCOHERENT_ZONE is not None:  # (see LOOSE_INCOHERENT_ZONE)
        (c0, c1), (d0, d1), (m0, m1), (l0, l1), (z0, z1) = LOOSE_INCOHERENT_ZONE
        # (the top measured along it: at least three strong columns whose picks were fitted; a
        # region of one or two bright columns, a pipe's or a cavity's piece, has no measured top)
        n_top = f["n_columns"].to_numpy(float) if "n_columns" in f else np.zeros(len(f))
        incoherent_zone = (ramp(coh, c0, c1) * ramp(coh_dip, d0, d1) * (n_top >= INCOHERENT_TOP_MIN_COLUMNS)
                           * ramp(hrms_all, m0, m1) * ramp(hrms_all, *LOOSE_INCOHERENT_MAX_MISFIT)
                           * ramp(extent, max(l0, 0.0), l1) * ramp(extent, loose_min, 2 * loose_min)
                           * ramp(zpk, z0, z1)
                           # (in an array, not linear in plan across every channel: a pipe or a
                           # trench crossing it; the sample campaign's air-filled PVC pipe, 0.2 m,
                           # crossing all 12 channels, apexes on a line within 0.11 m)
                           * (1 - np.where(array, linear, 0.0)))
    else:
        incoherent_zone = np.zeros(len(f))
    # (a body of soil scores as loose what it would have scored as a cavity)
    soil = np.where(is_soil, air_body.to_numpy(float) * (1 - step), 0.0)
    out["loose"] = np.maximum(out["loose"].to_numpy(float), soil)
    out["pipe"] = np.maximum(point_same * same, point_opposite * opposite)
    z_surf = f["z_surface"].to_numpy(float)
    # a region whose top lies within a period or two of the surface reaches the surface rows with
    # its own lobes, and a void under thin asphalt changes the surface reflection itself (blind
    # 400 MHz voids 0.8-1.3 periods down: 0.16-1.21 of their strength there); a metal cover
    # replaces the surface reflection (1.55-2.44 of the region's on the full-wave sets), and its
    # region starts at the first searched rows (0.6-0.7 period under the surface), where the
    # anomaly runs on from the surface itself
    near_ratio = SURFACE_RATIO_BELOW + (SURFACE_RATIO_NEAR - SURFACE_RATIO_BELOW) * ramp(below_p, 0.8, 0.7)
    ratio_min = th.surface_ratio + (near_ratio - th.surface_ratio) * ramp(below_p, 2.5, 1.5)
    spill = ramp(below_p, 2.5, 1.5)  # the rows where a top's lobes reach the surface rows
    # (and the surface anomaly a fair part of the region's top in amplitude: a cover's is stronger
    # than what rings under it, 0.6-29 on the full-wave sets and the sample survey; the residual of
    # a direct wave that only a noise-free record's score makes large is a few hundredths: a
    # hand-written gprMax cavity, 0.02, was rejected as a cover at a score ratio of 0.07)
    below_c = np.nan_to_num(below, nan=0.0)  # (unknown: no limit)
    amp = (f["surface_amplitude_ratio"].to_numpy(float) if "surface_amplitude_ratio" in f
           else np.full(len(f), np.nan))  # (not measured: no bar)
    inner_spill = spill * (1 - np.nan_to_num(at_end))  # (the band where a top's lobes reach the surface rows, not at a line's end)
    reverberates = np.where(np.isnan(mult), 1.0, ramp(mult, *COVER_REVERBERATION))
    # (not at a line's end, where records start anomalous and the surface anomaly still counts)
    cover_amp = np.maximum(ramp(np.nan_to_num(amp, nan=1e6, posinf=1e6), *COVER_MIN_AMPLITUDE),
                           np.nan_to_num(at_end))
    out["surface"] = np.maximum.reduce([
        ramp(f["surface_ratio"].to_numpy(float), 0.6 * ratio_min, ratio_min) * ramp(z_surf, 6.0, 10.0)
        * ramp(np.nan_to_num(amp, nan=1e6, posinf=1e6), 0.1 + (SURFACE_AMPLITUDE_BELOW[0] - 0.1) * inner_spill,
               0.2 + (SURFACE_AMPLITUDE_BELOW[1] - 0.2) * inner_spill),
        # (a shallow top that reverberates: a metal plate; the full-wave voids under the pavement ring
        # at most 0.30, the fast model's covers 0.97-1.07. Shallow in metres where an antenna period is
        # long, and within COVER_MAX_PERIODS periods of the surface where it is short: 0.3 m down is 14
        # periods at 2 GHz, where a loose zone's bright scatterer rang 1.44 and was called a cover.
        # A reverberation: its energy comes back again after the first echo under the top, as a
        # plate's does between it and the antenna (the sample survey's covers: internal multiple
        # 0.45-0.80 of that echo); a wet lens under thin asphalt rings with its one bottom
        # reflection, 2-3 periods down, and nothing after it (0.07: COVER_REVERBERATION)
        ramp(ring, 0.5, 0.9) * ramp(depth, 0.35, 0.25) * ramp(below_c, COVER_MAX_PERIODS + 2, COVER_MAX_PERIODS)
        * reverberates,
        # a metal cover: the surface reflection itself is anomalous and what lies under it
        # reverberates (a defect under the pavement leaves the surface reflection alone)
        ramp(z_surf, 6.0, 10.0) * ramp(ring, 0.3, 0.5) * reverberates * cover_amp,
        # (with a little reverberation only where the surface rows' anomaly cannot be the region's
        # own leading lobes: a top 0.8-2.5 periods down reaches them, as a void under thin asphalt
        # does, a blind one beside a pipe z 18 there; the real covers that ring little lie 2.9
        # periods down. At the ends of a line, where records start anomalous and nothing shows a
        # body bounded, the surface anomaly still counts: a blind clean road's first 0.4 m, z 271)
        ramp(z_surf, 8.0, 12.0) * ramp(ring, 0.15, 0.3) * (1 - spill * (1 - np.nan_to_num(at_end))) * cover_amp,
        # a metal cover's surface anomaly outshines what lies under it in amplitude (its reflection
        # is total where asphalt's is 0.4: COVER_AMPLITUDE), whatever the rows' scores say
        ramp(np.nan_to_num(amp, nan=0.0), *COVER_AMPLITUDE) * ramp(f["surface_ratio"].to_numpy(float), 0.3, 0.45)
        * ramp(z_surf, 6.0, 10.0) * ramp(below_p, 2.5, 1.5)])
    out["layer"] = flat * continuous * np.maximum(ramp(z_flat, th.void_min_z - 1.5, th.void_min_z - 3),
                                                  ramp(length, th.layer_min_length_m, th.layer_min_length_m + 2))
    # a planar event (flat or dipping) longer than a defect top: a layer or interface
    planar = (ramp((f["plane_rms_ns"] / f["period_ns"]).to_numpy(float), 0.3, 0.15)
              * ramp(length, th.planar_min_length_m, th.planar_min_length_m + 1.0)
              * ramp(np.abs(f["dip_ns_per_m"].to_numpy(float)), 0.2, 0.4)
              * ramp(coh, 0.45, 0.65))  # laterally coherent, as a layer is
    # a long, continuous, planar event that is not much stronger than the background: a layer
    # whose strength or depth varies along the road (left over by the background removal)
    planar_long = (ramp((f["plane_rms_ns"] / f["period_ns"]).to_numpy(float), 0.25, 0.15)
                   * ramp(length, 2.0, 3.0) * ramp(coh, 0.8, 0.9) * ramp(z, 12.0, 8.0))
    out["layer"] = np.maximum.reduce([out["layer"].to_numpy(float), np.nan_to_num(np.maximum(planar, planar_long), nan=0.0),
                                      edge_layer * (1 - shallow), displaced])
    out["weak"] = np.minimum(ramp(zpk, th.min_z, th.min_z - 2), ramp(zcpk, 1.6, 1.3))
    # (the incoherent zone only where nothing else explains the region: see LOOSE_INCOHERENT_ZONE)
    others = out.drop(columns=["loose"]).to_numpy(float).max(axis=1) if out.shape[1] > 1 else np.zeros(len(f))
    unexplained = incoherent_zone * ramp(others, *LOOSE_INCOHERENT_UNEXPLAINED)
    out.attrs["unexplained_zone"] = np.where(unexplained > out["loose"].to_numpy(float), unexplained, 0.0)
    out["loose"] = np.maximum(out["loose"].to_numpy(float), unexplained)
    out.attrs["point_like"] = point
    out.attrs["point_top"] = shape_top * ramp(length, th.pipe_max_length_m + 0.4, th.pipe_max_length_m)
    out.attrs["lossy_bottom"] = lossy * shape
    out.attrs["soil_body"] = np.where(soil > 0, soil_body, 0.0)  # the factor, where it moved a body
    # (by its strength alone: where the missing multiple says it too, the evidence gives that)
    out.attrs["weak_flat_body"] = np.where((soil > 0) & (by_multiple < SOIL_BODY_CALL), weak_flat, 0.0)
    out.attrs["weak_ringing_body"] = np.where((soil > 0) & (by_multiple < SOIL_BODY_CALL) & (weak_flat < SOIL_BODY_CALL),
                                              weak_ringing, 0.0)
    out.attrs["flat_top_taper"] = tapered
    residual = np.zeros(len(f))
    if BACKGROUND_RESIDUAL is not None:  # (see BACKGROUND_RESIDUAL)
        (b0, b1), (s0, s1) = BACKGROUND_RESIDUAL
        # (the factor taken off every kind's score, 0-1; ramp reads NaN, not measured, as 0)
        residual = ramp(bg_ratio, b0, b1) * ramp(strength, s0, s1)
        for k in KINDS:
            out[k] = out[k].to_numpy(float) * (1 - residual)
    out.attrs["background_residual"] = residual
    return out


def classify(f: pd.DataFrame, th: Thresholds = Thresholds()) -> pd.DataFrame:
    """Decide each region's kind (or clutter class) and confidence.

    Parameters
    ----------
    f : pandas.DataFrame
        Region features, with ``polarity`` relative to the surface (+1 opposite).

    Returns
    -------
    pandas.DataFrame
        ``f`` plus ``decision`` (a kind or a clutter class), ``is_defect``, ``score``, ``margin``,
        ``confidence``, one ``score_<class>`` column per class and the factors some rules measured
        (``point_like``, ``soil_body``, ... and ``background_residual``, the fraction taken off every
        kind's score by :data:`BACKGROUND_RESIDUAL`).
    """
    if f.empty:
        return f.assign(decision=pd.Series(dtype=object), is_defect=pd.Series(dtype=bool),
                        confidence=pd.Series(dtype=float))
    s = scores(f, th)
    arr = s.to_numpy().copy()
    # clutter wins ties: a defect must beat every clutter explanation by a margin
    is_clutter = np.isin(np.array(s.columns), CLUTTER)
    arr[:, is_clutter] += 0.05
    order = np.argsort(-arr, axis=1)
    best = arr[np.arange(len(arr)), order[:, 0]]
    second = arr[np.arange(len(arr)), order[:, 1]]
    decision = np.array(s.columns)[order[:, 0]]
    decision = np.where(best < th.min_score, "weak", decision)
    is_defect = np.isin(decision, KINDS)
    strength = ramp(f["z_peak"].to_numpy(float), th.min_z, 3 * th.min_z)
    margin = best - second
    conf = np.clip(0.35 + 0.35 * best + 0.2 * strength + 0.1 * ramp(margin, 0, 0.5), 0, 1)
    # a cavity shorter than the first Fresnel zone looks like any small opposite-polarity
    # scatterer (an air-filled pipe, a cobble with a void): less sure
    length = (f["distance_end_m"] - f["distance_start_m"]).to_numpy(float)
    conf = np.where(decision == "cavity", conf * (0.7 + 0.3 * ramp(length, 0.4, 0.9)), conf)
    # chaotic scattering is the least specific evidence (noise, ringing stripes and rough layers
    # are chaotic too): a loose call barely above the background is less sure (the ringing
    # stripes of a real grid line, z 10.4, had reached 0.83)
    # (not a body of soil, measured as a body: one top, one bottom)
    soil_body = np.asarray(s.attrs.get("soil_body", np.zeros(len(s))), dtype=float)
    chaotic_loose = (decision == "loose") & (soil_body < SOIL_BODY_CALL)
    conf = np.where(chaotic_loose, conf * (0.85 + 0.15 * ramp(f["z_peak"].to_numpy(float), th.min_z,
                                                              2 * th.min_z)), conf)
    # an air gap under the asphalt is among the strongest reflections of a road section (full-wave
    # voids: z_peak 50-930); a flat event under the pavement barely above the background is more
    # often a rough interface's residual (a blind clean road: two "voids" at z 9, confidence 0.6)
    conf = np.where(decision == "void", conf * (0.7 + 0.3 * ramp(f["z_peak"].to_numpy(float), th.min_z,
                                                                   3 * th.min_z)), conf)
    new = {f"score_{c}": s[c].to_numpy() for c in s.columns}
    new.update(point_like=np.asarray(s.attrs.get("point_like", np.zeros(len(s))), dtype=float),
               point_top=np.asarray(s.attrs.get("point_top", np.zeros(len(s))), dtype=float),
               lossy_bottom=np.asarray(s.attrs.get("lossy_bottom", np.zeros(len(s))), dtype=float),
               flat_top_taper=np.asarray(s.attrs.get("flat_top_taper", np.zeros(len(s))), dtype=float),
               unexplained_zone=np.asarray(s.attrs.get("unexplained_zone", np.zeros(len(s))), dtype=float),
               soil_body=soil_body,
               weak_flat_body=np.asarray(s.attrs.get("weak_flat_body", np.zeros(len(s))), dtype=float),
               weak_ringing_body=np.asarray(s.attrs.get("weak_ringing_body", np.zeros(len(s))), dtype=float),
               background_residual=np.asarray(s.attrs.get("background_residual", np.zeros(len(s))), dtype=float),
               decision=decision,
               is_defect=is_defect, score=best, margin=margin, confidence=np.where(is_defect, conf, 0.0))
    # one concatenation (a column at a time costs more than the rules on a few regions); columns
    # already in ``f`` (classifying a classified table) are replaced
    return pd.concat([f.drop(columns=[c for c in new if c in f.columns]), pd.DataFrame(new, index=f.index)], axis=1)
