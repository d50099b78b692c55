"""The command line: render a report into a folder (exit status: see render_report.py)."""

import argparse
import os
import signal
import sys

from .figures import case_figures, import_plotting
from .files import write_text_atomic
from .load import ReportError, load_report
from .page import case_section, figure_html, page, run_status, status_text
from .text import INSTALL_HINT, esc, visible

def render(report, outdir, want_figures):
    """Writes index.html (and figures) into outdir. Returns the figure error messages."""
    reason = import_plotting() if want_figures else None
    draw = want_figures and reason is None
    if not want_figures:
        banner = ('<p class="note">Figures were not drawn (--no-figures). To get them, re-run '
                  "this script without --no-figures; it needs Matplotlib and NumPy (%s).</p>"
                  % esc(INSTALL_HINT))
    elif reason:
        banner = ('<p class="note">Figures were not drawn: Matplotlib/NumPy could not be imported '
                  "(%s). To get them: %s.</p>" % (esc(reason), esc(INSTALL_HINT)))
    else:
        banner = ""
    sections, errors = [], []
    drawn = draw_all(report["cases"], outdir) if draw else []
    for i, case in enumerate(report["cases"]):
        figs_html = ""
        if draw:
            figures, errs = drawn[i]
            errors += errs
            figs_html = "<h3>Figures</h3>\n" + "\n".join(figure_html(f) for f in figures)
            figs_html += "".join('<p class="warn">Figure not drawn: %s</p>' % esc(e) for e in errs)
        sections.append(case_section(i, case, figs_html))
    write_text_atomic(os.path.join(outdir, "index.html"), page(report, sections, banner))
    if want_figures and reason:
        print("render_report: figures skipped (%s); %s" % (reason, INSTALL_HINT), file=sys.stderr)
    return errors


def draw_all(cases, outdir):
    """Every case's figures, [(figure records, errors)] in case order: on a process per CPU
    (Matplotlib draws on one core; a suite's ~50 figures take half a minute on one), each case
    in one process; in this process when there is one CPU or one case."""
    workers = min(len(cases), os.cpu_count() or 1)
    if workers <= 1:
        return [case_figures(i, c, outdir) for i, c in enumerate(cases)]
    import concurrent.futures
    import multiprocessing
    ctx = multiprocessing.get_context("fork")  # the workers inherit the imported Matplotlib
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        return list(pool.map(case_figures, range(len(cases)), cases,
                             [outdir] * len(cases)))


def parse_args(argv, description, json_name, folder):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("report", help="path to %s" % json_name)
    p.add_argument("--out", help="output folder (default: '%s' next to %s)" % (folder, json_name))
    p.add_argument("--no-figures", action="store_true", help="write the HTML tables only")
    return p.parse_args(argv)


def _exit_on_sigterm(signum, frame):
    # orbitmc stops the renderer with SIGTERM when it is interrupted: raise SystemExit so that
    # write_atomic's cleanup removes the temporary being written.
    sys.exit(128 + signum)


def run_renderer(argv, prog, description, json_name, folder, load, load_error, render_page,
                 unfinished):
    """The command both renderers share: load (exit 2 on load_error), render into the folder
    (exit 1 when it cannot be written or a figure failed), say on stderr when the run did not
    finish (unfinished(report): None, or the text to print)."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = parse_args(argv, description, json_name, folder)
    try:
        report = load(args.report)
    except load_error as e:
        print("%s: error: %s" % (prog, visible(e)), file=sys.stderr)
        return 2
    outdir = args.out or os.path.join(os.path.dirname(os.path.abspath(args.report)), folder)
    try:
        os.makedirs(outdir, exist_ok=True)
        errors = render_page(report, outdir, not args.no_figures)
    except OSError as e:
        print("%s: error: cannot write to %s: %s" % (prog, outdir, e), file=sys.stderr)
        return 1
    for e in errors:
        print("%s: figure not drawn: %s" % (prog, visible(e)), file=sys.stderr)
    note = unfinished(report)
    if note:
        print("%s: %s" % (prog, visible(note)), file=sys.stderr)
    print("%s: wrote %s" % (prog, os.path.join(outdir, "index.html")))
    return 1 if errors else 0


def main(argv=None):
    return run_renderer(
        argv, "render_report", "Render an orbitmc report.json as HTML + figures.", "report.json",
        "report", load_report, ReportError, render,
        lambda r: None if run_status(r)["complete"] else
        "the run did not finish: %s; the page says INCOMPLETE" % status_text(r))
