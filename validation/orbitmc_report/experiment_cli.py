"""The command line of render_experiment.py (exit status: see that script)."""

import argparse
import os
import signal
import sys

from .experiment_figures import experiment_figures
from .experiment_page import ExperimentError, is_complete, load_experiment, page, status_line
from .figures import import_plotting
from .files import write_text_atomic
from .text import INSTALL_HINT, esc, visible


def render(report, outdir, want_figures):
    reason = import_plotting() if want_figures else None
    banner, figures, errors = "", [], []
    if not want_figures:
        banner = '<p class="note">Figures were not drawn (--no-figures).</p>'
    elif reason:
        banner = ('<p class="note">Figures were not drawn: Matplotlib/NumPy could not be imported '
                  "(%s). To get them: %s.</p>" % (esc(reason), esc(INSTALL_HINT)))
    else:
        figures, errors = experiment_figures(report, outdir)
        banner = "".join('<p class="warn">Figure not drawn: %s</p>' % esc(e) for e in errors)
    write_text_atomic(os.path.join(outdir, "index.html"), page(report, figures, banner))
    return errors


def main(argv=None):
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    p = argparse.ArgumentParser(description="Render an orbitmc experiment.json as HTML + figures.")
    p.add_argument("report", help="path to experiment.json")
    p.add_argument("--out", help="output folder (default: 'page' next to experiment.json)")
    p.add_argument("--no-figures", action="store_true", help="write the HTML tables only")
    args = p.parse_args(argv)
    try:
        report = load_experiment(args.report)
    except ExperimentError as e:
        print("render_experiment: error: %s" % visible(e), file=sys.stderr)
        return 2
    outdir = args.out or os.path.join(os.path.dirname(os.path.abspath(args.report)), "page")
    try:
        os.makedirs(outdir, exist_ok=True)
        errors = render(report, outdir, not args.no_figures)
    except OSError as e:
        print("render_experiment: error: cannot write to %s: %s" % (outdir, e), file=sys.stderr)
        return 1
    for e in errors:
        print("render_experiment: figure not drawn: %s" % visible(e), file=sys.stderr)
    if not is_complete(report):
        print("render_experiment: %s; the page says so" % status_line(report), file=sys.stderr)
    print("render_experiment: wrote %s" % os.path.join(outdir, "index.html"))
    return 1 if errors else 0
