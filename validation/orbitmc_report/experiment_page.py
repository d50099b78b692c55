"""The HTML page of an experiment ensemble, verdicts first: what the run shows, the training
curves, the printed summary, designed against baseline (seed-by-seed table and final-metric
box plots), the balance checks of docs/THEORY.md §7 with their figures, the experiment's other
series, then what ran (command, settings, one row per run)."""

import json

from .experiment_series import BLOCK_SERIES, first_last
from .page import CSS, Cell, figure_html, key_value_table, seed_cell, table
from .text import esc, fmt, fmt_seconds


class ExperimentError(Exception):
    pass


def load_experiment(path):
    """Reads experiment.json and checks what the page relies on."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        raise ExperimentError("cannot read %s: %s" % (path, e))
    if not isinstance(report, dict) or report.get("schema") != "orbitmc.experiment/1":
        raise ExperimentError("%s is not an orbitmc experiment report (schema "
                              "orbitmc.experiment/1)" % path)
    for key in ("experiment", "runs"):
        if key not in report:
            raise ExperimentError("%s has no %r" % (path, key))
    if not isinstance(report["runs"], list):
        raise ExperimentError("%s: runs must be a list" % path)
    return report


def is_complete(report):
    return bool(report.get("complete")) and len(report.get("runs", [])) >= report.get(
        "runs_planned", 0)


def status_line(report):
    if is_complete(report):
        return "complete: %d runs" % len(report["runs"])
    why = report.get("interrupted")
    return "INCOMPLETE: %d of %s runs%s" % (len(report.get("runs", [])), report.get(
        "runs_planned", "?"), " (interrupted by %s)" % why if why else "")


def runs_table(report):
    rows = []
    for r in report.get("runs", []):
        metrics = "; ".join("%s %s [%s, %s]" % (m.get("name"), fmt(m.get("median")),
                                                fmt(m.get("q05")), fmt(m.get("q95")))
                            for m in r.get("metrics", []))
        rows.append([r.get("variant"), r.get("role"), r.get("noise"), r.get("eta"),
                     r.get("seeds"), r.get("diverged"), fmt_seconds(r.get("seconds")),
                     Cell(metrics, "text")])
    return table(["variant", "role", "noise", "η", "seeds", "diverged", "time",
                  "final metrics: median [5 %, 95 %]"], rows, "data fits")


def start_end(b, key):
    return "%s → %s" % (fmt(b.get(key + "_start")), fmt(b.get(key + "_end")))


def balance_row(r):
    """One run's THEORY §7 checks: the identity for gd/sgd (per step and summed over the run,
    when the report has identity_over_run), the drift for langevin; '—' where not applicable."""
    b = r["balance"]
    over = b.get("identity_over_run") if isinstance(b.get("identity_over_run"), dict) else {}
    drift = b.get("drift_per_step") or {}
    measured = ("%s ± %s" % (fmt(drift.get("mean")), fmt(drift.get("se")))
                if "drift_per_step" in b else "—")
    return [r.get("variant"), r.get("noise"), start_end(b, "imbalance"), b.get("verdict", "—"),
            start_end(b, "distance"), b.get("identity_max_relative_deviation"),
            over.get("predicted_change"), over.get("missed"), over.get("rounding_walk"),
            over.get("verdict") or "—", measured, drift.get("expected")]


def balance_table(report):
    rows = [balance_row(r) for r in report.get("runs", []) if r.get("balance")]
    if not rows:
        return "<p>No run of this experiment has blocks: no balance to check.</p>"
    return table(["variant", "noise", "mean |D| start → end", "verdict",
                  "mean |log(|u|/|v|)| start → end", "identity: max relative deviation per step",
                  "over the run: predicted |ΔD|", "missed |Σ r|", "rounding walk √Σr²",
                  "identity verdict", "langevin drift/step ± SE", "theory drift/step"], rows,
                 "data fits")


def comparisons_table(report):
    rows = []
    for c in report.get("comparisons", []):
        ci = c.get("ci95") or [None, None]
        rows.append([c.get("noise"), c.get("designed"), c.get("baseline"), c.get("metric"),
                     "%s / %s" % (c.get("wins"), c.get("trials")), fmt(c.get("fraction")),
                     "[%s, %s]" % (fmt(ci[0]), fmt(ci[1]))])
    if not rows:
        return "<p>This experiment has one parametrisation: no comparison.</p>"
    return table(["noise", "designed", "baseline", "metric (lower wins; a diverged seed loses)",
                  "seeds won", "fraction", "95 % CI (Wilson)"], rows, "data fits")


def verdict_sentences(report):
    """What the run shows, from its numbers: each comparison of designed against baseline, then
    each balance verdict (docs/THEORY.md §7)."""
    out = []
    for c in report.get("comparisons", []):
        ci = c.get("ci95") or [None, None]
        frac = c.get("fraction")
        if not isinstance(frac, (int, float)):
            continue
        side = ("beats" if ci[0] is not None and ci[0] > 0.5 else
                "loses to" if ci[1] is not None and ci[1] < 0.5 else "does not separate from")
        pct = lambda v: "%.0f" % (100 * v) if isinstance(v, (int, float)) else "?"
        out.append("Under %s, %s %s %s on %s: lower in %s of %s seeds (%s %%; 95 %% interval "
                   "%s–%s %%)." % (c.get("noise"), c.get("designed"), side, c.get("baseline"),
                                    c.get("metric"), c.get("wins"), c.get("trials"), pct(frac),
                                    pct(ci[0]), pct(ci[1])))
    compared = bool(out)
    for r in report.get("runs", []):
        parts = []
        # Without a comparison, what the training achieved is the first thing to say.
        name = report.get("test_series")
        ends = None if compared or not name else first_last(r, name)
        if ends:
            parts.append("%s %s → %s" % (name.replace("_", " "), fmt(ends[0]), fmt(ends[1])))
        b = r.get("balance")
        if isinstance(b, dict) and b.get("verdict"):
            parts.append("%s (mean |D| %s → %s)" % (b.get("verdict"), fmt(b.get(
                "imbalance_start")), fmt(b.get("imbalance_end"))))
        if parts:
            out.append("%s under %s, median over seeds: %s." % (r.get("variant"), r.get("noise"),
                                                                "; ".join(parts)))
    return out


def verdict_block(report):
    sentences = verdict_sentences(report)
    if not sentences:
        return ""
    return ('<div class="verdict"><h2>What this run shows</h2><ul>%s</ul></div>'
            % "".join("<li>%s</li>" % esc(s) for s in sentences))


def summary_table(report):
    """The printed summary, one row per line: what it is about, then its figures (wrapping)."""
    rows = []
    for line in report.get("summary", []):
        head, sep, rest = line.partition(": ")
        rows.append([Cell(head, "text"), Cell(rest, "text")] if sep else
                    [Cell(line, "text"), ""])
    if not rows:
        return "<p>No summary.</p>"
    return table(["run", "figures (median [5–95 % over seeds])"], rows, "data summary fits")


def figure_sections(figures):
    """The figures by the page section they belong to: the training curves, the final metrics
    (designed against baseline), the balance series, and the experiment's other series."""
    out = {"curves": [], "metric": [], "balance": [], "series": []}
    for f in figures:
        kind = f.get("kind")
        section = (kind if kind in ("curves", "metric") else
                   "balance" if f.get("series") in BLOCK_SERIES else "series")
        out[section].append(f)
    return out


def page(report, figures, banner):
    exp = report.get("experiment", "?")
    settings = report.get("settings") or {}
    head = [("experiment", exp), ("status", status_line(report)),
            ("seeds", report.get("seeds")), ("seed (key)", seed_cell(report.get("seed"))),
            ("seed offset", seed_cell(report.get("seed_offset"))),
            ("noise models", ", ".join(report.get("noise", []))),
            ("β (langevin)", report.get("beta")), ("backend", report.get("backend")),
            ("precision", report.get("precision")), ("orbitmc", report.get("version")),
            ("command", Cell(report.get("command", ""), "text", code=True))]
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>%sorbitmc experiment %s</title>" % (
                 "" if is_complete(report) else "INCOMPLETE — ", esc(exp)),
             "<style>%s</style>" % CSS, "</head>", "<body>",
             "<h1>orbitmc experiment: %s</h1>" % esc(exp),
             "<p>Generated by validation/render_experiment.py from experiment.json. The "
             "experiments and the noise models are docs/THEORY.md §7 and §8 in the orbitmc "
             "repository.</p>"]
    if not is_complete(report):
        parts.append('<div class="incomplete-banner">This run did not finish: %s. What is shown '
                     "is what it wrote before it stopped.</div>" % esc(status_line(report)))
    parts.append(banner)
    parts.append(verdict_block(report))
    by_section = figure_sections(figures)
    figs = {k: [figure_html(f) for f in v] for k, v in by_section.items()}
    balance_intro = ("<p>Mean |D| over blocks, median over seeds. gd, sgd: the per-step identity "
                     "D′ − D = η²(|g_u|² − |g_v|²), its largest relative residual, and summed "
                     "over the run: the change it predicts, what it missed (|Σ r|) and what float "
                     "rounding alone would give (√Σr²). langevin: the measured drift of D per "
                     "step against the theory's.</p>")
    # Verdict-bearing first, what ran last; a section without content is left out.
    sections = [("Training curves", figs["curves"]),
                ("Summary", [summary_table(report)]),
                ("Designed against baseline, seed by seed",
                 [comparisons_table(report)] + figs["metric"]),
                ("Balance (docs/THEORY.md §7)",
                 [balance_intro, balance_table(report)] + figs["balance"]),
                ("Other logged series", figs["series"]),
                ("Run", [key_value_table(head)]),
                ("Settings", [key_value_table(sorted(settings.items()))]),
                ("Runs", [runs_table(report)])]
    for heading, body in sections:
        if body:
            parts.append("<h2>%s</h2>" % esc(heading))
            parts.extend(body)
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
