"""The HTML page: tables, the status banner, the summary and one section per case."""

import urllib.parse

from .load import coords_of, reference_role, samplers_of
from .text import esc, fmt, fmt_p, fmt_range, fmt_seconds, is_number, slug

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
table.fits th, table.fits td { white-space: normal; }
td.fit { white-space: normal; min-width: 7em; }
p.small { font-size: 0.85em; color: #444; }
.pass { background: #d7f0dd; color: #0b5d1e; font-weight: 600; }
.fail { background: #f9d6d5; color: #8a1712; font-weight: 600; }
.incomplete { background: #ffe8b3; color: #6b4100; font-weight: 700; }
.incomplete-banner { background: #ffe8b3; border: 3px solid #b26b00; color: #4a2d00;
                     padding: 0.7em 1em; font-size: 1.1em; margin: 1em 0; }
.note { background: #fff7d6; border-left: 4px solid #e6b800; padding: 0.5em 0.8em; }
.warn { background: #f9d6d5; border-left: 4px solid #b42318; padding: 0.5em 0.8em; }
.verdict { background: #eef4ff; border-left: 4px solid #1d4ed8; padding: 0.1em 1em; }
.verdict h2 { border: none; margin-top: 0.5em; }
code { background: #f4f4f4; padding: 0 0.2em; white-space: pre-wrap; word-break: break-all; }
figure { margin: 1.2em 0; border: 1px solid #e0e0e0; padding: 0.6em; display: inline-block;
         max-width: 100%; box-sizing: border-box; vertical-align: top; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9em; color: #333; max-width: 860px; margin-top: 0.4em; }
"""
# The verdict-bearing columns first (pass, the tests, R-hat, ESS): the table may scroll sideways
# on a narrow screen, and what it scrolls away is how the sampler ran.
SAMPLER_HEADERS = ["role", "expect", "pass", "coord", "p_chi2", "p_ks", "tv", "rhat", "ess",
                   "kind", "h", "κ", "c", "chains", "steps", "burn_in", "thin", "rejected",
                   "failed_projections", "diverged", "note"]


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


def first_test(sampler):
    """The goodness-of-fit test of a sampler's first coordinate (the one a case judges)."""
    coords = coords_of(sampler)
    test = coords[0].get("test") if coords else None
    return test if isinstance(test, dict) else {}


def sampler_p(sampler):
    """A sampler's p-value as the verdict uses it: the smaller of χ² and KS (docs/THEORY.md §6)."""
    test = first_test(sampler)
    ps = [test.get(k) for k in ("p_chi2", "p_ks") if is_number(test.get(k))]
    return min(ps) if ps else None


def p_cell(samplers, expect):
    """The p-values of the samplers with this expectation: the smallest of those that must match
    (each must be >= alpha), the largest of the controls (each must be < control alpha)."""
    ps = [sampler_p(s) for s in samplers if s.get("expect") == expect]
    ps = [p for p in ps if p is not None]
    if not ps:
        return "—"
    return fmt_p(min(ps) if expect == "match" else max(ps))


def scan_cell(case):
    """The correction scan's best c and interval, flagged when the interval leaves out 1."""
    scan = case.get("c_scan")
    if not isinstance(scan, dict) or not is_number(scan.get("c_min")):
        return "—"
    lo, hi = scan.get("ci_lo"), scan.get("ci_hi")
    text = "%s [%s, %s]" % (fmt(scan.get("c_min")), fmt(lo), fmt(hi))
    if is_number(lo) and is_number(hi) and not lo <= 1 <= hi:
        return Cell(text + " excludes 1 (reported, not judged: §6)", "warn fit")
    return text


def match_cell(samplers, key, pick):
    """pick (max or min) of a first-coordinate diagnostic over the samplers that must match:
    the largest split R-hat, the smallest effective sample size (how many independent draws
    the chains' trajectories are worth); "—" when none has it."""
    values = [coords_of(s)[0].get(key) for s in samplers
              if s.get("expect") == "match" and coords_of(s)]
    values = [v for v in values if is_number(v)]
    return fmt(pick(values)) if values else "—"


def fitting(text):
    """A summary cell that may wrap (an estimate and its interval): the table then fits the
    page instead of scrolling its last columns out of sight."""
    return text if isinstance(text, Cell) else Cell(text, "fit")


def summary_section(report):
    headers = ["case", "verdict", "p (match, min)", "p (control, max)", "TV (max)",
               "ĉ [interval] (level)", "c scan [interval]", "R-hat (max)", "ESS (min)", "chains",
               "wall time"]
    rows = []
    for case in report["cases"]:
        samplers = samplers_of(case)
        tvs = [first_test(s).get("tv") for s in samplers if s.get("expect") == "match"]
        tvs = [t for t in tvs if is_number(t)]
        rows.append([
            Cell(case.get("name", "?"), "text"), verdict_cell(case.get("pass")),
            p_cell(samplers, "match"), p_cell(samplers, "reject"),
            fmt(max(tvs)) if tvs else "—",
            fitting(exponent_fit_text(case.get("exponent_fit"), short=True)),
            fitting(scan_cell(case)), match_cell(samplers, "rhat", max),
            match_cell(samplers, "ess", min),
            fmt_range(s.get("chains") for s in samplers),
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
    legend = ("<p class=\"legend\">p (match, min): the smallest p-value (the smaller of χ² and KS "
              "on the final states) of the samplers that must match, each of which must be at "
              "least the case's alpha; p (control, max): the largest of the uncorrected controls, "
              "each of which must be below the control alpha; TV: total-variation distance to "
              "the reference; ĉ: the fitted correction scale, whose interval must contain 1; "
              "ESS: the smallest effective sample size of the same samplers' trajectories; "
              "c scan and R-hat are reported, not judged: the tests use independent chains' "
              "final states, so a large R-hat (chains that remember their start, e.g. a "
              "coefficient that cannot change sign on its slice) does not bias them. The terms "
              "are defined in docs/THEORY.md §6 and its glossary.</p>")
    return "<h2>Summary</h2>\n%s\n%s\n%s\n<p>Cases: %s</p>" % (
        line, table(headers, rows, "data summary fits"), legend, links)


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
    # The model's own parameters, as its registration wrote them (the name first).
    model_text = ", ".join("%s = %s" % (k, fmt(v)) for k, v in
                           sorted(model.items(), key=lambda kv: kv[0] != "name"))
    pairs = [("kind", case.get("kind", "—")), ("case file", Cell(case.get("file", "—"), code=True)),
             ("backend", case.get("backend", "—")), ("seed", seed_cell(case.get("seed"))),
             ("β", case.get("beta")), ("α (match tests)", case.get("alpha")),
             ("α (controls must fall below)", case.get("control_alpha")),
             ("model", model_text or "—"), ("wall time", fmt_seconds(case.get("wall_seconds")))]
    if reference_role(case):
        pairs.insert(1, ("reference sampler", case.get("reference")))
    return key_value_table(pairs)


def sampler_rows(case):
    """One row per (sampler, observed coordinate): the tests are per coordinate."""
    rows = []
    for s in samplers_of(case):
        head = [Cell(s.get("role", "?"), "text"), s.get("expect", "—"),
                verdict_cell(s.get("pass"))]
        tail = [s.get("kind", "—"), s.get("h"), s.get("kappa"), s.get("c"), s.get("chains"),
                s.get("steps"), s.get("burn_in"), s.get("thin"), s.get("rejected"),
                s.get("failed_projections"), s.get("diverged"), Cell(s.get("note", ""), "text")]
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
                     _at(st.get("tv"), i), _at(st.get("reference_tv"), i),
                     _at(st.get("diverged"), i), Cell(str(_at(st.get("note"), i) or ""), "text")])
    rows.append([Cell("→ ∞", "text"), "0", st.get("extrapolated"), st.get("extrapolated_err"),
                 "—", "0", "—", ""])
    # reference TV: the ambient law at κ against the κ → ∞ law (two-factor theory cases).
    return table(["κ", "1/κ", "distance", "± SE", "TV", "law at κ: TV to κ → ∞", "diverged",
                  "note"], rows, "data fits")


def _at(seq, i):
    return seq[i] if isinstance(seq, list) and i < len(seq) else None


# Split R-hat above this says that chains have not forgotten where they started (Vehtari et al.
# 2021 suggest 1.01 for MCMC estimates; the tests here do not average over time, see rhat_note).
RHAT_NOTE_ABOVE = 1.1


def rhat_note(case):
    """A sentence under the sampler table when a sampler that must match has a large R-hat: what
    it means here, and why the case's tests are still valid (docs/THEORY.md §6) — the case
    file's rhat_note when it gives one, else the general reasons."""
    high = []
    for s in samplers_of(case):
        if s.get("expect") != "match":
            continue
        for c in coords_of(s):
            if is_number(c.get("rhat")) and c["rhat"] > RHAT_NOTE_ABOVE:
                high.append("%s, coordinate %s: %s" % (s.get("role", "?"), c.get("coord"),
                                                       fmt(c["rhat"])))
    if not high:
        return ""
    reason = case.get("rhat_note")
    if isinstance(reason, str) and reason:  # the case file's own reason
        return '<p class="note">R-hat above %s (%s). %s</p>' % (
            fmt(RHAT_NOTE_ABOVE), esc("; ".join(high)), esc(reason))
    return ('<p class="note">R-hat above %s (%s): chains started across the init range have not '
            "all forgotten their start within the run — slow relaxation along σ, a law singular "
            "at 0 that keeps drawing chains towards it, or a coefficient that cannot change sign "
            "on its slice. The case does not judge R-hat: "
            "its tests compare the final states of independent chains, one sample per chain, "
            "which needs no mixing within a chain, only that each chain's state is drawn from "
            "the law (docs/THEORY.md §6).</p>" % (fmt(RHAT_NOTE_ABOVE), esc("; ".join(high))))


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
    parts.append(table(SAMPLER_HEADERS, sampler_rows(case), "data fits"))
    parts.append('<p class="small">p_chi2, p_ks and tv compare each sampler with %s. Samplers '
                 'expected to <em>match</em> pass when both p-values are ≥ α; controls expected '
                 'to be <em>rejected</em> pass when the smaller p-value is &lt; the control α.</p>'
                 % esc("the theory" if case.get("kind") == "theory"
                       else "the reference sampler (%s)" % case.get("reference", "?")))
    parts.append(rhat_note(case))
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
    png = fig["file"]
    svg = png[:-4] + ".svg" if png.endswith(".png") else None
    link = (' <a href="%s">SVG</a>' % esc(urllib.parse.quote(svg))) if svg else ""
    return ('<figure><img src="%s" alt="%s" loading="lazy">'
            "<figcaption>%s%s</figcaption></figure>" % (
                esc(urllib.parse.quote(png)), esc(fig["alt"]), esc(fig["caption"]), link))


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
        "docs/THEORY.md in the orbitmc repository (sections 3, 4, 6 and 7).</p>",
        incomplete_banner(report), banner, summary_section(report),
        reproduction_section(report),
        *case_sections, "</body>", "</html>", ""])
