#!/usr/bin/env python3
"""Render an orbitmc experiment report (experiment.json) as a static HTML page with figures.

`orbitmc experiment` writes experiment.json (schema "orbitmc.experiment/1", documented in
host/experiment/README.md) and runs this script on it. The page shows, in this order: what the
run shows (sentences from its numbers), the training curves (training loss and test metric
against steps, every parametrisation on one axis per noise model), the printed summary as a
table, designed against baseline (seed by seed, and the final metrics as box plots), the
balance checks of docs/THEORY.md §7 with their figures, the experiment's other series, and what
ran. A series is drawn against training steps (median over seeds, 5–95 % band) per noise model —
more than 8 labels as small multiples (one panel per label), more than 24 as a profile against
the index at the start and at the end. Captions quote the run's own numbers (verdicts,
start → end, the §7 checks). Figures are 200 dpi PNG with an SVG beside each.

    python3 validation/render_experiment.py EXPERIMENT_JSON [--out OUTDIR] [--no-figures]

OUTDIR defaults to a folder `page` next to EXPERIMENT_JSON. A report of a run that did not
finish is rendered with the runs it holds under an INCOMPLETE banner.

Exit status: 0 page written; 1 page written but a figure could not be drawn, or the output
could not be written; 2 missing, unreadable or invalid experiment.json.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from orbitmc_report.experiment_cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
