"""The command line of render_experiment.py (exit status: see that script)."""

import os

from .cli import run_renderer
from .experiment_curves import curves_figure
from .experiment_figures import experiment_figures
from .experiment_page import ExperimentError, is_complete, load_experiment, page, status_line
from . import figures as base
from .figures import import_plotting
from .files import write_text_atomic
from .text import INSTALL_HINT, esc, slug


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
        try:
            curves = curves_figure(report, outdir, "00-%s-training-curves.png" %
                                   slug(report.get("experiment", "?")))
            figures = ([curves] if curves else []) + figures
        except Exception as e:  # one broken figure must not lose the page
            base.plt.close("all")
            errors.append("training curves: %s: %s" % (type(e).__name__, e))
        banner = "".join('<p class="warn">Figure not drawn: %s</p>' % esc(e) for e in errors)
    write_text_atomic(os.path.join(outdir, "index.html"), page(report, figures, banner))
    return errors


def main(argv=None):
    return run_renderer(
        argv, "render_experiment", "Render an orbitmc experiment.json as HTML + figures.",
        "experiment.json", "page", load_experiment, ExperimentError, render,
        lambda r: None if is_complete(r) else "%s; the page says so" % status_line(r))
