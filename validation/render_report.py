#!/usr/bin/env python3
"""Render an orbitmc validation report (report.json) as a static HTML page with figures.

`orbitmc validate` writes report.json (schema "orbitmc.report/1", documented in
validation/README.md). This script reads only that file and writes OUTDIR/index.html plus one
PNG per figure, so that a reader can judge the samplers by eye: histograms against the theory
(or against the reference sampler), the stiffness limit, the correction-scale scan, the balance
drift, and the test p-values.

    python3 validation/render_report.py REPORT_JSON [--out OUTDIR] [--no-figures]

OUTDIR defaults to a folder `report` next to REPORT_JSON. Without NumPy/Matplotlib, or with
--no-figures, the page is still written, with every table and a note on how to get the figures.

A report of a run that did not finish ("complete": false, or fewer cases than "cases_planned")
is rendered with the cases it holds, an INCOMPLETE banner and INCOMPLETE as the overall verdict,
never PASS or FAIL. A report without "complete" (older versions) counts as complete.

Exit status: 0 page written; 1 page written but some figure could not be drawn (details on
stderr and in the page), or the output could not be written; 2 missing, unreadable or invalid
report.json.
"""

import argparse
import html
import json
import math
import os
import re
import signal
import sys
import tempfile
import urllib.parse

SCHEMA = "orbitmc.report/1"
INSTALL_HINT = ("apt-get install python3-matplotlib python3-numpy, then re-run this script")
DPI = 110

# Okabe–Ito palette: distinguishable under the common colour-vision deficiencies. Fixed colours
# for the three standard roles keep every figure of the report consistent.
ROLE_COLOURS = {"ambient": "#0072B2", "corrected": "#009E73", "uncorrected": "#D55E00"}
EXTRA_COLOURS = ["#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
ROLE_STYLES = {"ambient": "-", "corrected": "--", "uncorrected": "-."}
ROLE_MARKERS = {"ambient": "o", "corrected": "s", "uncorrected": "^"}
REFERENCE_COLOUR = "#4D4D4D"

# Set by import_plotting(); the figure code only runs when both are available.
np = None
plt = None


class ReportError(Exception):
    """report.json is missing, unreadable or not an orbitmc report."""


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

def load_report(path):
    """Returns the parsed report, or raises ReportError with a one-line reason."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            report = json.load(f)
    except FileNotFoundError:
        raise ReportError("no such file: %s" % path)
    except (OSError, UnicodeDecodeError) as e:
        raise ReportError("cannot read %s: %s" % (path, e))
    except json.JSONDecodeError as e:
        raise ReportError("%s is not valid JSON: %s" % (path, e))
    if not isinstance(report, dict):
        raise ReportError("%s: top level is not a JSON object" % path)
    if report.get("schema") != SCHEMA:
        raise ReportError("%s: schema is %r, expected %r" % (path, report.get("schema"), SCHEMA))
    cases = report.get("cases")
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        raise ReportError("%s: 'cases' must be a list of objects" % path)
    for c in cases:
        if not isinstance(c.get("samplers", []), list):
            raise ReportError("%s: case %r: 'samplers' must be a list" % (path, c.get("name")))
    return report


def samplers_of(case):
    return [s for s in case.get("samplers") or [] if isinstance(s, dict)]


def coords_of(sampler):
    return [c for c in sampler.get("coords") or [] if isinstance(c, dict)]


def find_coord(sampler, coord):
    for c in coords_of(sampler):
        if c.get("coord") == coord:
            return c
    return None


def reference_role(case):
    """Role of the sampler the others are tested against (comparison cases), else None."""
    return case.get("reference") if case.get("kind") == "comparison" else None


# --------------------------------------------------------------------------------------------
# Text formatting (all output goes through esc() before it reaches the page)
# --------------------------------------------------------------------------------------------

# Characters that must not reach the page as they are: C0/C1 controls (other than tab, newline
# and carriage return, which HTML treats as white space), lone surrogates (a JSON "\ud800"
# escape; they cannot even be encoded as UTF-8) and the bidirectional overrides and isolates,
# which could make a case name display as something else. Each is shown as a visible escape.
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
                          "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(value):
    """str(value) with every unsafe character replaced by its escape: \\x1b, \\u202e."""
    return UNSAFE_CHARS.sub(lambda m: "\\x%02x" % ord(m.group()) if ord(m.group()) < 0x100
                            else "\\u%04x" % ord(m.group()), str(value))


def esc(value):
    return html.escape(visible(value), quote=True)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def fmt(v, digits=4):
    """Compact human-readable number; '—' for absent values."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return "{:,}".format(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v == int(v) and abs(v) < 1e15 and abs(v) >= 1:
            return "{:,}".format(int(v))
        if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e6):
            return sci(v, max(digits - 2, 1))
        return "{:.{d}g}".format(v, d=digits)
    return str(v)


def sci(v, decimals):
    """Scientific notation without trailing zeros: 1e-06, 2.5e-05."""
    mantissa, exponent = "{:.{d}e}".format(v, d=decimals).split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa + "e" + exponent


def fmt_p(v):
    """p-values: 3 significant digits, scientific below 10⁻³."""
    if not is_number(v):
        return "—"
    if v == 0:
        return "< 1e-300"  # the C++ side reports an underflowed p-value as 0
    return "{:.3g}".format(v) if v >= 1e-3 else sci(v, 2)


def p_relation(v):
    """'= 0.25' or '< 1e-300' (for an underflowed p), for use after a symbol."""
    text = fmt_p(v)
    return text if text.startswith("<") else "= " + text


def fmt_seconds(v):
    if not is_number(v):
        return "—"
    if v < 120:
        return "%.1f s" % v
    return "%d min %02d s" % (int(v // 60), int(round(v % 60)))


def fmt_range(values):
    """One value, or 'lo–hi' when the samplers of a case differ."""
    vals = sorted({v for v in values if is_number(v)})
    if not vals:
        return "—"
    if len(vals) == 1:
        return fmt(vals[0])
    return "%s–%s" % (fmt(vals[0]), fmt(vals[-1]))


def slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("_") or "case"


def coord_label(case, coord):
    # Only the block model's coordinate 0 has a name we can state with certainty (THEORY §4).
    model = case.get("model") or {}
    if model.get("name") == "block" and coord == 0:
        return "σ = |u|·|v| (orbit coordinate 0)"
    return "orbit coordinate %s" % coord


# --------------------------------------------------------------------------------------------
# Atomic file output: a reader (or a crashed run) never sees a half-written file.
# --------------------------------------------------------------------------------------------

def _default_mode():
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path, writer):
    """Calls writer(binary_file) on a temporary file next to path, then renames it into place."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.splitext(path)[1])
    try:
        with os.fdopen(fd, "wb") as f:
            writer(f)
        os.chmod(tmp, _default_mode())  # mkstemp makes 0600; the page is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text_atomic(path, text):
    write_atomic(path, lambda f: f.write(text.encode("utf-8")))


# --------------------------------------------------------------------------------------------
# HTML building blocks
# --------------------------------------------------------------------------------------------

class Cell:
    """A table cell: plain text (escaped on output) with an optional CSS class."""

    def __init__(self, text, cls=None, code=False):
        self.text, self.cls, self.code = text, cls, code

    def render(self, tag="td"):
        attr = ' class="%s"' % esc(self.cls) if self.cls else ""
        body = esc(self.text)
        if self.code:
            body = "<code>%s</code>" % body
        return "<%s%s>%s</%s>" % (tag, attr, body, tag)


def as_cell(v):
    return v if isinstance(v, Cell) else Cell(fmt(v) if not isinstance(v, str) else v)


def table(headers, rows, cls="data"):
    out = ['<div class="scroll"><table class="%s">' % esc(cls), "<thead><tr>"]
    out += [Cell(h).render("th") for h in headers]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(as_cell(c).render() for c in row) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def key_value_table(pairs):
    rows = ["<tr>%s%s</tr>" % (Cell(k).render("th"), as_cell(v).render()) for k, v in pairs]
    return '<table class="kv"><tbody>\n%s\n</tbody></table>' % "\n".join(rows)


def seed_cell(seed):
    # Seeds are copied into commands: no thousands separators.
    return Cell("—" if seed is None else str(seed))


def verdict_cell(ok):
    # Only a JSON true is a pass; anything other than true or false is shown as unknown.
    if ok is True:
        return Cell("PASS", "pass")
    if ok is False:
        return Cell("FAIL", "fail")
    return Cell("—")


def overall_cell(report):
    """The run's verdict: INCOMPLETE (never PASS or FAIL) when the run did not finish."""
    if run_status(report)["complete"]:
        return verdict_cell(report.get("all_pass"))
    return Cell("INCOMPLETE", "incomplete")


def run_status(report):
    """Whether every planned case ran. A report without "complete" (written before the field
    existed) counts as complete; a "complete" that is present and not true does not, and neither
    does a report holding fewer cases than its "cases_planned"."""
    ran = len(report["cases"])
    planned = report.get("cases_planned")
    planned = planned if isinstance(planned, int) and not isinstance(planned, bool) else None
    interrupted = report.get("interrupted")
    complete = report.get("complete", True) is True and (planned is None or ran >= planned)
    return {"complete": complete, "ran": ran, "planned": planned, "interrupted": interrupted}


def status_text(report):
    """'1 of 3 cases (interrupted by SIGINT)' for an incomplete run."""
    st = run_status(report)
    ran, planned, interrupted = st["ran"], st["planned"], st["interrupted"]
    of = ("%d of %d cases" % (ran, planned) if planned is not None
          else "%d case%s of an unknown number" % (ran, "" if ran == 1 else "s"))
    if interrupted is None:
        why = "still running or killed: no signal was recorded"
    else:
        why = "interrupted by %s" % interrupted
    return "%s (%s)" % (of, why)


def incomplete_banner(report):
    if run_status(report)["complete"]:
        return ""
    return ('<div class="incomplete-banner"><strong>INCOMPLETE</strong> — This run did not '
            "finish: %s. The cases below are the ones that ran, with their own verdicts; the "
            "run as a whole has no verdict, and the cases that did not run were not tested. "
            "Re-run the command below (or resume it from its checkpoint) to get one.</div>"
            % esc(status_text(report)))


CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 1.5em auto;
       max-width: 1200px; padding: 0 1em; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.08em; margin-top: 1.4em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.55em; text-align: right; white-space: nowrap; }
th { background: #f2f2f2; }
table.kv th { text-align: left; }
table.kv td { text-align: left; white-space: normal; }
td.text { text-align: left; white-space: normal; }
.scroll { overflow-x: auto; }
p.small { font-size: 0.85em; color: #444; }
.pass { background: #d7f0dd; color: #0b5d1e; font-weight: 600; }
.fail { background: #f9d6d5; color: #8a1712; font-weight: 600; }
.incomplete { background: #ffe8b3; color: #6b4100; font-weight: 700; }
.incomplete-banner { background: #ffe8b3; border: 3px solid #b26b00; color: #4a2d00;
                     padding: 0.7em 1em; font-size: 1.1em; margin: 1em 0; }
.note { background: #fff7d6; border-left: 4px solid #e6b800; padding: 0.5em 0.8em; }
.warn { background: #f9d6d5; border-left: 4px solid #b42318; padding: 0.5em 0.8em; }
code { background: #f4f4f4; padding: 0 0.2em; white-space: pre-wrap; word-break: break-all; }
figure { margin: 1.2em 0; border: 1px solid #e0e0e0; padding: 0.6em; display: inline-block;
         max-width: 100%; box-sizing: border-box; vertical-align: top; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9em; color: #333; max-width: 860px; margin-top: 0.4em; }
"""


# --------------------------------------------------------------------------------------------
# Page sections
# --------------------------------------------------------------------------------------------

def reproduction_section(report):
    st = run_status(report)
    pairs = [
        ("overall verdict", overall_cell(report)),
        ("run status", Cell("INCOMPLETE: " + status_text(report), "incomplete")
         if not st["complete"] else "complete" if "complete" in report
         else "complete (not recorded: report of an older orbitmc)"),
        ("cases planned", st["planned"]),
        ("orbitmc version", report.get("orbitmc_version", "—")),
        ("created (UTC)", report.get("created_utc", "—")),
        ("command", Cell(report.get("command", "—"), code=True)),
        ("backend", report.get("backend", "—")),
        ("quick mode", report.get("quick")),
        ("correction scale override", report.get("correction_scale_override")),
        ("seed override", seed_cell(report.get("seed_override"))),
        ("total wall time", fmt_seconds(report.get("wall_seconds"))),
        ("schema", report.get("schema", "—")),
    ]
    return "<h2>Run and reproduction</h2>\n" + key_value_table(pairs)


def summary_section(report):
    headers = ["case", "kind", "verdict", "backend", "seed", "chains", "steps",
               "ĉ [interval, level]", "wall time"]
    rows = []
    for case in report["cases"]:
        samplers = samplers_of(case)
        rows.append([
            Cell(case.get("name", "?"), "text"), case.get("kind", "—"),
            verdict_cell(case.get("pass")), case.get("backend", "—"), seed_cell(case.get("seed")),
            fmt_range(s.get("chains") for s in samplers),
            fmt_range(s.get("steps") for s in samplers),
            exponent_fit_text(case.get("exponent_fit"), short=True),
            fmt_seconds(case.get("wall_seconds")),
        ])
    links = " · ".join('<a href="#%s">%s</a>' % (esc(case_anchor(i, c)), esc(c.get("name", "?")))
                       for i, c in enumerate(report["cases"]))
    failed = sum(1 for c in report["cases"] if c.get("pass") is not True)
    overall = overall_cell(report).render("strong")
    if run_status(report)["complete"]:
        line = "<p>Overall: %s — %d of %d cases failed.</p>" % (
            overall, failed, len(report["cases"]))
    else:
        line = ("<p>Overall: %s — the run did not finish: %s; %d of the cases that ran "
                "failed.</p>" % (overall, esc(status_text(report)), failed))
    return "<h2>Summary</h2>\n%s\n%s\n<p>Cases: %s</p>" % (line, table(headers, rows), links)


def case_anchor(index, case):
    return "case-%d-%s" % (index, slug(case.get("name", "")))


def level_text(level):
    """Confidence level as a percentage: 0.999 → '99.9%'."""
    if not is_number(level) or not 0 < level < 1:
        return "?%"
    return "%s%%" % fmt(100.0 * level, 10)


def exponent_fit_text(fit, short=False):
    if not isinstance(fit, dict):
        return "—"
    # The interval is at level 1 − alpha of the case, recorded as "level". Reports written before
    # the field existed used a fixed 95 % interval.
    level = level_text(fit.get("level", 0.95))
    text = "%s [%s, %s] (%s)" % (fmt(fit.get("c_hat")), fmt(fit.get("ci_lo")),
                                 fmt(fit.get("ci_hi")), level)
    if short:
        return text
    return "ĉ = %s ± %s (%s interval [%s, %s]), fitted to the %s sampler; %s" % (
        fmt(fit.get("c_hat")), fmt(fit.get("std_error")), level, fmt(fit.get("ci_lo")),
        fmt(fit.get("ci_hi")), fit.get("sampler", "?"),
        "converged" if fit.get("converged") else "did NOT converge")


def case_meta_table(case):
    model = case.get("model") or {}
    # The C++ side writes every model field, most of them zero for a given model; show the
    # non-zero ones (the name always) so the model is readable at a glance.
    model_text = ", ".join("%s = %s" % (k, fmt(v)) for k, v in model.items()
                           if k == "name" or (v not in (0, 0.0, "", None)))
    pairs = [("kind", case.get("kind", "—")), ("case file", Cell(case.get("file", "—"), code=True)),
             ("backend", case.get("backend", "—")), ("seed", seed_cell(case.get("seed"))),
             ("β", case.get("beta")), ("α (match tests)", case.get("alpha")),
             ("α (controls must fall below)", case.get("control_alpha")),
             ("model", model_text or "—"), ("wall time", fmt_seconds(case.get("wall_seconds")))]
    if reference_role(case):
        pairs.insert(1, ("reference sampler", case.get("reference")))
    return key_value_table(pairs)


SAMPLER_HEADERS = ["role", "kind", "expect", "h", "κ", "c", "chains", "steps", "burn_in", "thin",
                   "rejected", "failed_projections", "diverged", "coord", "p_chi2", "p_ks", "tv",
                   "rhat", "ess", "pass", "note"]


def sampler_rows(case):
    """One row per (sampler, observed coordinate): the tests are per coordinate."""
    rows = []
    for s in samplers_of(case):
        head = [Cell(s.get("role", "?"), "text"), s.get("kind", "—"), s.get("expect", "—"),
                s.get("h"), s.get("kappa"), s.get("c"), s.get("chains"), s.get("steps"),
                s.get("burn_in"), s.get("thin"), s.get("rejected"),
                s.get("failed_projections"), s.get("diverged")]
        tail = [verdict_cell(s.get("pass")), Cell(s.get("note", ""), "text")]
        coords = coords_of(s) or [{}]
        for c in coords:
            test = c.get("test") if isinstance(c.get("test"), dict) else {}
            mid = [c.get("coord"), fmt_p(test.get("p_chi2")), fmt_p(test.get("p_ks")),
                   fmt(test.get("tv")), fmt(c.get("rhat"), 5), fmt(c.get("ess"))]
            rows.append(head + mid + tail)
    return rows


def stiffness_table(st):
    kappa = st.get("kappa") or []
    rows = []
    for i, k in enumerate(kappa):
        rows.append([k, fmt(1.0 / k) if is_number(k) and k else "—",
                     _at(st.get("distance"), i), _at(st.get("distance_err"), i),
                     _at(st.get("tv"), i), _at(st.get("diverged"), i),
                     Cell(str(_at(st.get("note"), i) or ""), "text")])
    rows.append([Cell("→ ∞", "text"), "0", st.get("extrapolated"), st.get("extrapolated_err"),
                 "—", "—", ""])
    return table(["κ", "1/κ", "distance", "± SE", "TV", "diverged", "note"], rows)


def _at(seq, i):
    return seq[i] if isinstance(seq, list) and i < len(seq) else None


def case_section(index, case, figures_html):
    name = case.get("name", "?")
    parts = ['<section id="%s">' % esc(case_anchor(index, case)),
             "<h2>%s — %s</h2>" % (esc(name), esc(case.get("title", ""))),
             "<p>Verdict: %s</p>" % verdict_cell(case.get("pass")).render("span"),
             case_meta_table(case)]
    reasons = case.get("reasons") or []
    if reasons:
        items = "".join("<li>%s</li>" % esc(r) for r in reasons)
        parts.append('<div class="warn"><strong>Why it failed</strong><ul>%s</ul></div>' % items)
    parts.append("<h3>Samplers</h3>")
    parts.append(table(SAMPLER_HEADERS, sampler_rows(case)))
    parts.append('<p class="small">p_chi2, p_ks and tv compare each sampler with %s. Samplers '
                 'expected to <em>match</em> pass when both p-values are ≥ α; controls expected '
                 'to be <em>rejected</em> pass when the smaller p-value is &lt; the control α.</p>'
                 % esc("the theory" if case.get("kind") == "theory"
                       else "the reference sampler (%s)" % case.get("reference", "?")))
    if "exponent_fit" in case:
        parts.append("<h3>Correction exponent</h3><p>%s. The theorem predicts c = 1; the "
                     "uncorrected law is c = 0.</p>" % esc(exponent_fit_text(case["exponent_fit"])))
    if isinstance(case.get("stiffness"), dict):
        st = case["stiffness"]
        parts.append("<h3>Stiffness limit</h3><p>Ambient sampler with %s chains per κ, against "
                     "%s. Extrapolated distance at 1/κ = 0: %s ± %s (%s).</p>" % (
                         esc(fmt(st.get("chains"))), esc(st.get("against", "?")),
                         esc(fmt(st.get("extrapolated"))), esc(fmt(st.get("extrapolated_err"))),
                         "consistent with zero" if st.get("consistent_with_zero")
                         else "NOT consistent with zero"))
        parts.append(stiffness_table(st))
    if isinstance(case.get("c_scan"), dict):
        cs = case["c_scan"]
        parts.append("<h3>Correction-scale scan</h3><p>Distance minimised at c = %s, "
                     "interval [%s, %s] (where χ² rises by 3.84 above its minimum, about 95 %%; "
                     "%s); the theorem predicts c = 1. Reported, not judged.</p>" % (
                         esc(fmt(cs.get("c_min"))), esc(fmt(cs.get("ci_lo"))),
                         esc(fmt(cs.get("ci_hi"))),
                         "both ends inside the scanned range" if cs.get("bracketed")
                         else "NOT bracketed: an end at the edge of the scanned range is only "
                              "a bound"))
    if isinstance(case.get("balance"), dict):
        b = case["balance"]
        parts.append("<h3>Balance over time</h3><p>Block %s: predicted drift of |u|² − |v|² "
                     "under κ = 0 isotropic Langevin: %s per unit time (THEORY §7), from %s.</p>"
                     % (esc(fmt(b.get("block"))), esc(fmt(b.get("predicted_slope"))),
                        esc(fmt(b.get("initial")))))
    parts.append(figures_html)
    parts.append("</section>")
    return "\n".join(parts)


def figure_html(fig):
    return ('<figure><img src="%s" alt="%s" loading="lazy">'
            "<figcaption>%s</figcaption></figure>" % (
                esc(urllib.parse.quote(fig["file"])), esc(fig["alt"]), esc(fig["caption"])))


def page(report, case_sections, banner):
    title = "orbitmc validation report — %s" % report.get("created_utc", "")
    if not run_status(report)["complete"]:
        title = "INCOMPLETE — " + title
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>%s</title>" % esc(title), "<style>%s</style>" % CSS, "</head>", "<body>",
        "<h1>orbitmc validation report</h1>",
        "<p>Generated by validation/render_report.py from report.json; the theory is in "
        "THEORY.md (sections 3, 4, 6 and 7).</p>",
        incomplete_banner(report), banner, summary_section(report),
        reproduction_section(report),
        *case_sections, "</body>", "</html>", ""])


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------

def import_plotting():
    """Imports NumPy and Matplotlib (Agg); returns None on success, else the reason."""
    global np, plt
    try:
        import numpy
        import matplotlib
        matplotlib.use("Agg")  # no display needed; must precede pyplot
        import matplotlib.pyplot
    except Exception as e:  # ImportError, or a broken install raising something else
        return "%s: %s" % (type(e).__name__, e)
    np, plt = numpy, matplotlib.pyplot
    plt.rcParams.update({
        "figure.dpi": DPI, "savefig.dpi": DPI, "font.size": 9.5, "axes.titlesize": 10.5,
        "axes.labelsize": 10, "legend.fontsize": 8.5, "axes.grid": True, "grid.alpha": 0.3,
        "axes.spines.top": False, "axes.spines.right": False, "legend.framealpha": 0.9})
    return None


def role_colour(role, index):
    return ROLE_COLOURS.get(role, EXTRA_COLOURS[index % len(EXTRA_COLOURS)])


def role_label(s):
    role = s.get("role", "?")
    tag = "control, must be rejected" if s.get("expect") == "reject" else "must match"
    return "%s (c = %s, %s)" % (role, fmt(s.get("c")), tag) if s.get("kind", "").startswith(
        "constrained") else "%s (κ = %s, %s)" % (role, fmt(s.get("kappa")), tag)


def figure_name(case):
    """The case name for a figure title: unsafe characters made visible, and '$' escaped so
    that Matplotlib does not read the name as mathtext."""
    return visible(case.get("name", "?")).replace("$", r"\$")


def to_array(seq):
    """JSON list (nulls allowed) → float array with NaN for null."""
    return np.array([np.nan if v is None else float(v) for v in seq], dtype=float)


def save_figure(fig, outdir, filename):
    fig.tight_layout()
    write_atomic(os.path.join(outdir, filename),
                 lambda f: fig.savefig(f, format="png", dpi=DPI, bbox_inches="tight"))
    plt.close(fig)


def bin_geometry(c):
    lo, hi, bins = float(c["lo"]), float(c["hi"]), int(c["bins"])
    edges = np.linspace(lo, hi, bins + 1)
    return edges, (hi - lo) / bins


def counts_of(c):
    counts = to_array(c["final_counts"])
    if counts.size != int(c["bins"]):
        raise ValueError("coordinate %s: %d counts for %s bins"
                         % (c.get("coord"), counts.size, c["bins"]))
    return counts


def theory_residuals(counts, probs):
    """(obs − exp)/sqrt(exp) per bin, conditional on the window (as the χ² test is)."""
    expected = counts.sum() * probs / probs.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (counts - expected) / np.sqrt(expected)
    z[expected <= 0] = np.nan
    return z


def two_sample_residuals(a, b):
    """Difference of bin fractions of a and b over its standard error under 'same law'
    (pooled bin probability): z = (a/Na − b/Nb) / sqrt(p (1/Na + 1/Nb))."""
    na, nb = a.sum(), b.sum()
    pooled = (a + b) / (na + nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (a / na - b / nb) / np.sqrt(pooled * (1.0 / na + 1.0 / nb))
    z[pooled <= 0] = np.nan
    return z


def step_density(ax, edges, density, **kw):
    # A histogram drawn as a step line: exact bin edges, several overlaid stay readable.
    ax.stairs(density, edges, **kw)


def set_residual_scale(ax, residuals):
    """Linear when all residuals are modest; symlog otherwise, so that a control that is off by
    50 SE does not squash the ±2 band of the samplers that agree."""
    finite = np.concatenate([r[np.isfinite(r)] for r in residuals] or [np.zeros(1)])
    peak = float(np.max(np.abs(finite))) if finite.size else 0.0
    if peak > 8:
        ax.set_yscale("symlog", linthresh=3.0, linscale=1.5)
        # Plain integer ticks (±2 and powers of ten) read better than symlog's 10^k labels.
        ticks = [2.0] + [10.0 ** k for k in range(1, int(math.ceil(math.log10(peak))) + 1)]
        ticks = sorted([-t for t in ticks] + [0.0] + ticks)
        ax.set_yticks(ticks)
        ax.set_yticklabels(["%g" % t for t in ticks])
        ax.yaxis.set_minor_locator(plt.NullLocator())
        ax.set_ylim(-1.3 * peak, 1.3 * peak)
        ax.set_ylabel("residual / SE\n(symlog scale)")
    else:
        ax.set_ylim(-max(4.0, 1.15 * peak), max(4.0, 1.15 * peak))
        ax.set_ylabel("residual / SE")


def histogram_figure(case, coord, outdir, filename):
    """Histogram of every sampler for one coordinate, over the reference, with residuals."""
    samplers = [s for s in samplers_of(case) if find_coord(s, coord) is not None]
    ref_role = reference_role(case)
    ref_s = next((s for s in samplers if s.get("role") == ref_role), None)
    probs = None
    if case.get("kind") == "theory" and coord == 0 and case.get("reference_probs"):
        probs = to_array(case["reference_probs"])
    first = find_coord(samplers[0], coord)
    edges, width = bin_geometry(first)
    centres = 0.5 * (edges[:-1] + edges[1:])

    has_reference = probs is not None or ref_s is not None
    if has_reference:
        fig, (ax, axr) = plt.subplots(2, 1, figsize=(7.6, 5.6), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1.35]})
    else:  # nothing to take residuals against: histograms only
        fig, ax = plt.subplots(figsize=(7.6, 4.2))
        axr = None
    if probs is not None:
        if probs.size != edges.size - 1:
            raise ValueError("reference_probs has %d bins, coordinate 0 has %d"
                             % (probs.size, edges.size - 1))
        ref_density = probs / probs.sum() / width
        ax.fill_between(edges, np.append(ref_density, ref_density[-1]), step="post",
                        color="#BBBBBB", alpha=0.55, lw=0)
        step_density(ax, edges, ref_density, color="black", lw=1.6,
                     label="theory, c = 1 (reference density)")
    elif ref_s is not None:
        rc = counts_of(find_coord(ref_s, coord))
        ref_density = rc / rc.sum() / width
        ax.fill_between(edges, np.append(ref_density, ref_density[-1]), step="post",
                        color="#BBBBBB", alpha=0.55, lw=0)
        step_density(ax, edges, ref_density, color=REFERENCE_COLOUR, lw=1.6,
                     label="reference: %s (κ = %s)" % (ref_role, fmt(ref_s.get("kappa"))))

    residuals, outside = [], 0
    for i, s in enumerate(samplers):
        if s is ref_s:
            continue
        c = find_coord(s, coord)
        counts = counts_of(c)
        outside += int(c.get("underflow") or 0) + int(c.get("overflow") or 0)
        role = s.get("role", "?")
        colour = role_colour(role, i)
        test = c.get("test") or {}
        label = role_label(s) + ("; p_χ² %s" % p_relation(test.get("p_chi2")) if test else "")
        step_density(ax, edges, counts / counts.sum() / width, color=colour, lw=1.5,
                     ls=ROLE_STYLES.get(role, "-"), label=label)
        if probs is not None:
            z = theory_residuals(counts, probs)
        elif ref_s is not None:
            z = two_sample_residuals(counts, counts_of(find_coord(ref_s, coord)))
        else:
            continue
        residuals.append(z)
        axr.plot(centres, z, color=colour, lw=0.9, marker=ROLE_MARKERS.get(role, "D"), ms=3.2,
                 ls=ROLE_STYLES.get(role, "-"), label=role)

    ax.set_ylabel("density per unit x")
    # Headroom above the tallest bar keeps the legend off the histograms.
    ax.set_ylim(0, 1.45 * ax.get_ylim()[1])
    ax.legend(loc="upper right")
    ax.set_title("%s: %s" % (figure_name(case), coord_label(case, coord)))
    ax.set_xlim(edges[0], edges[-1])
    if axr is None:
        ax.set_xlabel(coord_label(case, coord))
    else:
        for y in (-2, 2):
            axr.axhline(y, color="#666666", ls="--", lw=0.8)
        axr.axhline(0, color="black", lw=0.8)
        set_residual_scale(axr, residuals)
        axr.set_xlabel(coord_label(case, coord))
    save_figure(fig, outdir, filename)
    return histogram_caption(case, coord, probs is not None, ref_role, outside)


def histogram_caption(case, coord, against_theory, ref_role, outside):
    what = coord_label(case, coord)
    if against_theory:
        text = ("Histograms of the final states (one per chain) of %s for every sampler, as "
                "densities per unit x, over the theory's reference density (grey, c = 1). "
                "Lower panel: (observed − expected)/√expected per bin, with ±2 guide lines. "
                "When the theorem holds, the ambient and corrected histograms follow the reference "
                "and their residuals scatter inside ±2 with no pattern; the uncorrected control "
                "departs from it, and its residuals show a systematic trend across the range."
                % what)
    elif ref_role:
        text = ("Histograms of the final states of %s for every sampler, as densities per unit x, "
                "over the reference sampler (%s, grey). Lower panel: difference of bin fractions "
                "over its pooled two-sample standard error, with ±2 guide lines. The samplers "
                "expected to match should overlay the reference with residuals inside ±2 and no "
                "pattern; the uncorrected control should depart systematically — on a "
                "coordinate the correction does not affect, it may legitimately agree."
                % (what, ref_role))
    else:
        text = ("Histograms of the final states of %s for every sampler, as densities per unit "
                "x. The report holds no reference for this coordinate, so there is no residual "
                "panel; samplers expected to match should overlay each other." % what)
    if outside:
        text += (" %s final states fell outside the plotted window and are not counted; "
                 "densities and residuals are conditional on the window." % fmt(outside))
    return text


def stiffness_figure(case, outdir, filename):
    st = case["stiffness"]
    kappa = to_array(st["kappa"])
    x = 1.0 / kappa
    y, err = to_array(st["distance"]), to_array(st["distance_err"])
    # Null when fewer than two κ could be tested (the others diverged): points only.
    x0 = np.nan if st.get("extrapolated") is None else float(st["extrapolated"])
    e0 = np.nan if st.get("extrapolated_err") is None else float(st["extrapolated_err"])
    # Line through the reported intercept with the weighted least-squares slope, so the drawn
    # line and the reported extrapolation always agree.
    w = 1.0 / np.where(err > 0, err, np.nan) ** 2
    ok = np.isfinite(w) & np.isfinite(y)
    slope = np.sum(w[ok] * x[ok] * (y[ok] - x0)) / np.sum(w[ok] * x[ok] ** 2) if ok.any() else 0.0

    fig, ax = plt.subplots(figsize=(6.8, 4.4))
    ax.axhline(0, color="black", lw=0.9, label="theorem: distance 0 at κ → ∞")
    xs = np.linspace(0, 1.06 * np.nanmax(x), 50)
    if np.isfinite(x0):
        ax.plot(xs, x0 + slope * xs, color=ROLE_COLOURS["ambient"], lw=1.2, ls="--",
                label="weighted linear fit in 1/κ")
    ax.errorbar(x, y, yerr=err, fmt="o", color=ROLE_COLOURS["ambient"], ms=5, capsize=3,
                label="ambient sampler (±1 SE)")
    if np.isfinite(x0):
        ax.errorbar([0], [x0], yerr=[e0], fmt="D", color="#D55E00", ms=7, capsize=4,
                    label="extrapolated to 1/κ = 0 (±1 SE)")
    for xi, yi, ki in zip(x, y, kappa):
        ax.annotate("κ = %g" % ki, (xi, yi), textcoords="offset points", xytext=(5, 6),
                    fontsize=7.5, color="#333333")
    ax.set_xlim(-0.04 * xs[-1], xs[-1])
    ax.set_xlabel("1/κ (penalty stiffness)")
    ax.set_ylabel("debiased distance (χ² − dof)/N")
    ax.set_title("%s: stiffness limit of the ambient sampler (against %s)"
                 % (figure_name(case), st.get("against", "?")))
    ax.legend(loc="best")
    save_figure(fig, outdir, filename)
    return ("Distance of the ambient stiff-penalty sampler from %s as the penalty stiffens "
            "(1/κ → 0), with ±1 SE error bars, the weighted linear fit in 1/κ and its "
            "extrapolation to κ = ∞ (diamond). The distance is debiased, (χ² − dof)/N, so a sampler "
            "that matches scatters around 0. When the theorem holds the extrapolated value is "
            "consistent with 0 (here %s ± %s: %s); any bias at finite κ should shrink roughly "
            "linearly in 1/κ." % (st.get("against", "?"), fmt(x0), fmt(e0),
                                   "consistent" if st.get("consistent_with_zero")
                                   else "NOT consistent"))


def c_scan_figure(case, outdir, filename):
    cs = case["c_scan"]
    c, d, err = to_array(cs["c"]), to_array(cs["distance"]), to_array(cs["distance_err"])
    c_min, lo, hi = (float(cs[k]) for k in ("c_min", "ci_lo", "ci_hi"))
    fig, (ax, axz) = plt.subplots(1, 2, figsize=(10.0, 4.2),
                                  gridspec_kw={"width_ratios": [1.6, 1]})
    # Left: the whole scan; log scale when it spans decades and stays positive.
    # Right: zoom on the minimum, linear, to read the interval against c = 1.
    positive = np.all(d[np.isfinite(d)] > 0)
    span = np.nanmax(d) / np.nanmin(d) if positive else 0
    for axis, zoom in ((ax, False), (axz, True)):
        axis.axvspan(lo, hi, color="#009E73", alpha=0.22,
                     label="minimum's interval [%s, %s]" % (fmt(lo), fmt(hi)))
        axis.axvline(c_min, color="#009E73", lw=1.3, label="minimum ĉ = %s" % fmt(c_min))
        axis.axvline(1.0, color="black", lw=1.2, ls="--", label="theorem c = 1")
        axis.axvline(0.0, color="#D55E00", lw=1.0, ls=":", label="uncorrected c = 0")
        sel = np.abs(c - c_min) <= max(0.35, 4 * (hi - lo)) if zoom else np.ones(c.size, bool)
        axis.errorbar(c[sel], d[sel], yerr=err[sel], fmt="o-", color=ROLE_COLOURS["ambient"],
                      ms=3.5, lw=1.0, capsize=2, label="distance (±1 SE)")
        axis.set_xlabel("correction scale c")
        if zoom:
            axis.set_xlim(np.min(c[sel]) - 0.03, np.max(c[sel]) + 0.03)
            axis.set_title("zoom on the minimum")
        elif positive and span > 30:
            axis.set_yscale("log")
    ax.set_ylabel("debiased distance (χ² − dof)/N_eff,\nreweighted constrained vs ambient")
    ax.set_title("%s: correction-scale scan" % figure_name(case))
    ax.legend(loc="lower left", fontsize=8)
    save_figure(fig, outdir, filename)
    return ("Debiased two-sample distance (χ² − dof)/N_eff (0 in expectation when the laws "
            "agree) between the constrained sampler reweighted to correction scale c and the "
            "ambient stiff sampler, for each c (left: the whole scan; right: zoom on the minimum). "
            "The shaded band is the interval of the minimum. When the theorem holds the distance "
            "is smallest near c = 1 (dashed line) and the band contains 1, while c = 0, the "
            "uncorrected sampler (dotted), is far up the curve. Here the minimum is at c = %s, "
            "interval [%s, %s]." % (fmt(c_min), fmt(lo), fmt(hi)))


def line_text(initial, slope):
    return "%s %s %s·t" % (fmt(initial), "−" if slope < 0 else "+", fmt(abs(slope)))


def balance_figure(case, outdir, filename):
    b = case["balance"]
    slope, initial = float(b["predicted_slope"]), float(b.get("initial") or 0.0)
    # Three panels: both runs on one scale; the free run minus the prediction (a deviation is
    # invisible on the first panel's scale); the stiff run on its own scale.
    fig, (ax, axd, axs) = plt.subplots(1, 3, figsize=(13.0, 4.2),
                                       gridspec_kw={"width_ratios": [1.3, 1, 1]})
    runs = [("free", ROLE_COLOURS["ambient"], "-", (ax, axd)),
            ("stiff", ROLE_COLOURS["corrected"], "--", (ax, axs))]
    for key, colour, ls, axes in runs:
        r = b.get(key)
        if not isinstance(r, dict):
            continue
        t, mean, se = to_array(r["t"]), to_array(r["mean"]), to_array(r["se"])
        label = "ambient, κ = %s: mean ± 2 SE" % fmt(r.get("kappa"))
        for axis in axes:
            # On the deviation panel the free run is shown relative to the prediction.
            y = mean - (initial + slope * t) if axis is axd else mean
            axis.fill_between(t, y - 2 * se, y + 2 * se, color=colour, alpha=0.25, lw=0)
            axis.plot(t, y, color=colour, lw=1.5, ls=ls, label=label)
        if key == "free":
            ax.plot(t, initial + slope * t, color="black", lw=1.0, ls=(0, (4, 3)), zorder=4,
                    label="prediction: " + line_text(initial, slope))
    for axis in (ax, axd, axs):
        axis.axhline(0, color="#666666", lw=0.8)
        axis.set_xlabel("time t (steps × h)")
        axis.legend(loc="best")
    ax.set_ylabel("mean imbalance |u|² − |v|²")
    axd.set_ylabel("free run − prediction")
    axs.set_ylabel("mean imbalance |u|² − |v|²")
    ax.set_title("%s: balance of block %s" % (figure_name(case), b.get("block")))
    axd.set_title("κ = 0 run minus the predicted line")
    axs.set_title("stiff run alone (own scale)")
    save_figure(fig, outdir, filename)
    return ("Mean imbalance |u|² − |v|² of block %s across chains versus time, with ±2 SE bands. "
            "When THEORY §7 holds, the κ = 0 ambient run follows the predicted straight line "
            "%s (isotropic noise does not balance the block; it drifts at 2(n − m)/β): in the "
            "middle panel its deviation from the line stays within the band around 0. The stiff "
            "run (right, on its own scale) stays near 0 because the penalty holds it on the "
            "balanced slice." % (b.get("block"), line_text(initial, slope)))


def pvalue_figure(case, outdir, filename):
    alpha, control = case.get("alpha"), case.get("control_alpha")
    entries = []
    for i, s in enumerate(samplers_of(case)):
        for c in coords_of(s):
            test = c.get("test")
            if isinstance(test, dict):
                entries.append((s, i, c.get("coord"), test.get("p_chi2"), test.get("p_ks")))
    if not entries:
        return None
    # p-values can underflow to 0; anything below the floor is drawn at the floor as a downward
    # triangle, so the α lines stay readable on the log axis. The floor follows the data (a
    # decade under the smallest positive p or α) but never goes below 1e-16.
    candidates = [v for _, _, _, pc, pk in entries for v in (pc, pk) if is_number(v) and v > 0]
    candidates += [v for v in (alpha, control) if is_number(v) and v > 0]
    floor = max(1e-16, min(candidates + [1.0]) / 10)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.45 * len(entries) + 2.0), 4.4))
    for x, (s, i, coord, pc, pk) in enumerate(entries):
        colour = role_colour(s.get("role"), i)
        for dx, p, marker, name in ((-0.12, pc, "o", "χ²"), (0.12, pk, "s", "KS")):
            if not is_number(p):
                continue
            clipped = p < floor
            ax.plot(x + dx, max(p, floor), marker="v" if clipped else marker, color=colour,
                    ms=8, ls="none", mfc=colour if name == "χ²" else "white", mew=1.5)
    if is_number(alpha):
        ax.axhline(alpha, color="black", ls="--", lw=1,
                   label="α = %s (samplers that must match stay above)" % fmt(alpha))
    if is_number(control):
        ax.axhline(control, color="#D55E00", ls=":", lw=1.3,
                   label="control α = %s (controls must fall below)" % fmt(control))
    ax.plot([], [], "o", color="#555555", label="χ² test")
    ax.plot([], [], "s", color="#555555", mfc="white", mew=1.5, label="KS test")
    if any(is_number(p) and p < floor for _, _, _, pc, pk in entries for p in (pc, pk)):
        ax.plot([], [], "v", color="#555555", label="p < %s (drawn at the floor)" % fmt(floor))
    ax.set_yscale("log")
    ax.set_ylim(floor / 3, 3)
    ax.set_xticks(range(len(entries)))
    ax.set_xticklabels(["%s\n(%s), coord %s" % (s.get("role"), s.get("expect"), coord)
                        for s, _, coord, _, _ in entries], fontsize=8.5)
    ax.set_xlim(-0.6, len(entries) - 0.4)
    ax.set_ylabel("p-value (log scale)")
    ax.set_title("%s: test p-values against %s" % (
        figure_name(case), "the theory" if case.get("kind") == "theory"
        else "the %s sampler" % case.get("reference", "reference")))
    # Below the axes: points can sit anywhere between the floor and 1.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8)
    save_figure(fig, outdir, filename)
    return ("χ² (filled) and Kolmogorov–Smirnov (open) p-values of every tested sampler and "
            "coordinate, on a log scale. A case passes when the samplers that must match lie above "
            "the α line and the uncorrected control lies below the control α line; a control "
            "above it has not been rejected with enough power.")


def coordinates_of_case(case):
    seen = []
    for s in samplers_of(case):
        for c in coords_of(s):
            if c.get("coord") not in seen:
                seen.append(c.get("coord"))
    return seen


def case_figures(index, case, outdir):
    """Draws every figure of one case. Returns (figure records, error messages)."""
    prefix = "%02d-%s" % (index, slug(case.get("name", "")))
    jobs = [("%s-hist-x%s.png" % (prefix, slug(k)), "histogram of %s" % coord_label(case, k),
             lambda f, k=k: histogram_figure(case, k, outdir, f))
            for k in coordinates_of_case(case)]
    optional = [("stiffness", stiffness_figure, "distance against 1/κ with extrapolation"),
                ("c_scan", c_scan_figure, "distance against correction scale c"),
                ("balance", balance_figure, "imbalance |u|²−|v|² against time")]
    for key, draw, alt in optional:
        if isinstance(case.get(key), dict):
            jobs.append(("%s-%s.png" % (prefix, key.replace("_", "")), alt,
                         lambda f, draw=draw: draw(case, outdir, f)))
    jobs.append(("%s-pvalues.png" % prefix, "test p-values per sampler, log scale",
                 lambda f: pvalue_figure(case, outdir, f)))
    figures, errors = [], []
    for filename, alt, draw in jobs:
        try:
            caption = draw(filename)
        except Exception as e:  # bad or inconsistent data in one section: report, go on
            plt.close("all")
            errors.append("%s: %s: %s: %s" % (case.get("name", "?"), alt, type(e).__name__, e))
            continue
        if caption:
            figures.append({"file": filename, "caption": caption,
                            "alt": "%s: %s" % (case.get("name", "?"), alt)})
    return figures, errors


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

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
    for i, case in enumerate(report["cases"]):
        figs_html = ""
        if draw:
            figures, errs = case_figures(i, case, outdir)
            errors += errs
            figs_html = "<h3>Figures</h3>\n" + "\n".join(figure_html(f) for f in figures)
            figs_html += "".join('<p class="warn">Figure not drawn: %s</p>' % esc(e) for e in errs)
        sections.append(case_section(i, case, figs_html))
    write_text_atomic(os.path.join(outdir, "index.html"), page(report, sections, banner))
    if want_figures and reason:
        print("render_report: figures skipped (%s); %s" % (reason, INSTALL_HINT), file=sys.stderr)
    return errors


def parse_args(argv):
    p = argparse.ArgumentParser(description="Render an orbitmc report.json as HTML + figures.")
    p.add_argument("report", help="path to report.json")
    p.add_argument("--out", help="output folder (default: 'report' next to report.json)")
    p.add_argument("--no-figures", action="store_true", help="write the HTML tables only")
    return p.parse_args(argv)


def _exit_on_sigterm(signum, frame):
    # orbitmc stops the renderer with SIGTERM when it is interrupted: raise SystemExit so that
    # write_atomic's cleanup removes the temporary being written.
    sys.exit(128 + signum)


def main(argv=None):
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = parse_args(argv)
    try:
        report = load_report(args.report)
    except ReportError as e:
        print("render_report: error: %s" % e, file=sys.stderr)
        return 2
    outdir = args.out or os.path.join(os.path.dirname(os.path.abspath(args.report)), "report")
    try:
        os.makedirs(outdir, exist_ok=True)
        errors = render(report, outdir, not args.no_figures)
    except OSError as e:
        print("render_report: error: cannot write to %s: %s" % (outdir, e), file=sys.stderr)
        return 1
    for e in errors:
        print("render_report: figure not drawn: %s" % visible(e), file=sys.stderr)
    if not run_status(report)["complete"]:
        print("render_report: the run did not finish: %s; the page says INCOMPLETE"
              % visible(status_text(report)), file=sys.stderr)
    print("render_report: wrote %s" % os.path.join(outdir, "index.html"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
