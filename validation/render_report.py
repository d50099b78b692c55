#!/usr/bin/env python3
"""Render an orbitmc validation report (report.json) as a static HTML page with figures.

`orbitmc validate` writes report.json (schema "orbitmc.report/1", documented in
validation/README.md). This script reads only that file and writes OUTDIR/index.html plus one
PNG per figure, so that a reader can judge the samplers by eye: histograms against the theory
(or against the reference sampler), the stiffness limit, the correction-scale scan, the balance
drift, and the test p-values.

    python3 validation/render_report.py REPORT_JSON [--out OUTDIR] [--no-figures]

The code is the package orbitmc_report beside this script: load (report.json), text
(formatting), page (HTML), figures (Matplotlib), files (atomic writes), cli (this command).

OUTDIR defaults to a folder `report` next to REPORT_JSON. Without NumPy/Matplotlib, or with
--no-figures, the page is still written, with every table and a note on how to get the figures.

A report of a run that did not finish ("complete": false, or fewer cases than "cases_planned")
is rendered with the cases it holds, an INCOMPLETE banner and INCOMPLETE as the overall verdict,
never PASS or FAIL. A report without "complete" (older versions) counts as complete.

Exit status: 0 page written; 1 page written but some figure could not be drawn (details on
stderr and in the page), or the output could not be written; 2 missing, unreadable or invalid
report.json.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from orbitmc_report.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
