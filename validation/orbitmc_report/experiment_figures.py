"""Figures of an experiment ensemble (Matplotlib), one per logged series and one per final metric.

A series is drawn against training steps as the median over seeds with its 5–95 % band: with
one label, one line per noise model; with a few labels, one panel per noise model; with up to
MAX_PANELS labels, small multiples (one panel per label); with more (a signal, hundreds of
blocks), as a profile against the index at the start and at the end. The final metrics are box
plots. Captions say what is drawn and quote the run's own numbers (verdicts, start → end, the
THEORY §7 checks); the reading guides say how to read a figure, not what it should show."""

import math

from . import figures as base
from .experiment_captions import data_text, guide_text, metric_reference, metrics_caption
from .experiment_series import (BLOCK_SERIES, PREDICTED, REFERENCE_LABELS, arrays, metric_of,
                                pretty, series_of, with_series)
from .text import fmt, is_number, slug, visible

# One colour meaning per page: blue, vermillion and green are the noise models wherever they
# appear; the labels of a series (spikes, blocks) and the parametrisations of the training
# curves (experiment_curves) draw from palettes without them.
NOISE_COLOURS = {"sgd": "#0072B2", "gd": "#D55E00", "langevin": "#009E73"}
LABEL_COLOURS = ["#CC79A7", "#E69F00", "#56B4E9", "#AA4499", "#44AA99", "#999933", "#661100",
                 "#888888"]
START_COLOUR = "#7F7F7F"
PREDICTION_COLOUR = "#000000"
PREDICTION_LABEL = "THEORY §7 prediction"
# Series that may span decades: drawn on a log axis when they do (and are positive).
LOG_SERIES = {"balance_ratio", "mean_abs_imbalance", "off_support_l1", "reconstruction_mse",
              "support_error"}
MAX_OVERLAID = 8  # up to this many labels share a panel (one panel per noise model)
MAX_PANELS = 24   # up to this many: one small panel per label; more: a profile against index
FEW_POINTS = 10   # lines with fewer points than this get markers


# ---- colours ------------------------------------------------------------------------------

def noise_colour(noise, i):
    return NOISE_COLOURS.get(noise, LABEL_COLOURS[i % len(LABEL_COLOURS)])


# ---- drawing helpers ----------------------------------------------------------------------

def marker(x):
    # Few points: a bare line hides where the observations are.
    return "o" if len(x) < FEW_POINTS else None


def draw_reference(ax, name, values, x=None):
    """The series' reference (the truth, or the balanced value): horizontal lines, labelled
    once per axis, or a dashed profile when x is given."""
    label = REFERENCE_LABELS.get(name, "truth")
    if x is not None:
        ax.plot(x, [base.np.nan if v is None else v for v in values], color=base.REFERENCE_COLOUR,
                ls="--", lw=1.1, label=label, zorder=3)
        return
    vals = sorted({v for v in (values or []) if is_number(v)})
    for i, v in enumerate(vals):
        ax.axhline(v, color=base.REFERENCE_COLOUR, ls="--", lw=1.0, zorder=1,
                   label=label if i == 0 else None)


def finite_values(chunks):
    np = base.np
    flat = [np.asarray(c, dtype=float).ravel() for c in chunks]
    flat = np.concatenate(flat) if flat else np.zeros(0)
    return flat[np.isfinite(flat)]


def set_value_scale(ax, chunks, prefer_log):
    """Log axis only for positive data spanning a decade or more (one labelled decade tells
    nothing); with fewer than three decades the ticks 1, 2, 5 of each decade are labelled."""
    vals = finite_values(chunks)
    if not prefer_log or vals.size == 0 or vals.min() <= 0 or vals.max() < 10 * vals.min():
        return
    from matplotlib import ticker
    ax.set_yscale("log")
    # A reference at 0 (the truth of an error, say) cannot be drawn on a log axis: no line, and
    # no legend entry promising one.
    for a in ax.get_shared_y_axes().get_siblings(ax):
        for line in list(a.lines):
            y = finite_values([line.get_ydata()])
            if line.get_label() and is_guide_line(line.get_label()) and not (y > 0).any():
                line.remove()
    # Fitted to the data (a removed line at 0 would have stretched it down to 1e-15).
    ax.set_ylim(vals.min() / 1.5, vals.max() * 1.5)
    if math.log10(vals.max() / vals.min()) < 3:
        ax.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt(float(v), 3)))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())


def is_guide_line(label):
    return label in REFERENCE_LABELS.values() or label.startswith(("truth", PREDICTION_LABEL))


def legend_below(fig, axes, extra=()):
    """One legend for the figure, below the panels so that it covers no data; each label once."""
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    for handle in extra:
        entries.setdefault(handle.get_label(), handle)
    # The data first, then the references and predictions they are read against.
    entries = dict(sorted(entries.items(), key=lambda e: is_guide_line(e[0])))
    if entries:
        ncol = len(entries) if len(entries) <= 4 else math.ceil(len(entries) / 2)
        fig.legend(list(entries.values()), list(entries.keys()), loc="upper center",
                   bbox_to_anchor=(0.5, 0.0), ncol=ncol, frameon=False)


def plot_band(ax, x, med, lo, hi, colour, label, lw=1.3):
    """A median line with its 5–95 % band."""
    ax.plot(x, med, color=colour, lw=lw, label=label, marker=marker(x), ms=3.5)
    ax.fill_between(x, lo, hi, color=colour, alpha=0.15, lw=0)


def draw_prediction(ax, run, k):
    """THEORY §7's D_b beside the measured one: the median over seeds of the series
    imbalance_predicted (D_b(0) + Σ η²(|g_u|² − |g_v|²) so far, + 2η(n − m)t/β under langevin);
    thin and black, on top, so that it shows where the measured median lies on it."""
    if not series_of(run, PREDICTED):
        return
    x, med, _, _ = arrays(run, PREDICTED)
    if len(x) and med.shape[1] > k:
        ax.plot(x, med[:, k], color=PREDICTION_COLOUR, ls="--", lw=0.9, label=PREDICTION_LABEL,
                zorder=6)


def stacked_width(i, n):
    # Noise models drawn in one panel: earlier lines wider, so that coinciding ones stay visible.
    return 1.2 + 1.0 * (n - 1 - i)


# ---- figures against training steps -------------------------------------------------------

def overlay_figure(exp, variant, name, runs, outdir, filename):
    """One label: one line per noise model, all in one panel."""
    fig, ax = base.plt.subplots(figsize=(7.5, 3.8))
    chunks = []
    for r_i, run in enumerate(runs):
        x, med, lo, hi = arrays(run, name)
        plot_band(ax, x, med[:, 0], lo[:, 0], hi[:, 0], noise_colour(run["noise"], r_i),
                  "%s (median, 5–95 %%)" % run["noise"], lw=stacked_width(r_i, len(runs)))
        if name == "imbalance":
            draw_prediction(ax, run, 0)
        chunks += [lo, hi]
    draw_reference(ax, name, series_of(runs[0], name).get("reference"))
    set_value_scale(ax, chunks, name in LOG_SERIES)
    ax.set_xlabel("training step")
    ax.set_ylabel(pretty(name))
    ax.set_title("%s %s: %s" % (visible(exp), visible(variant), pretty(name)))
    legend_below(fig, [ax])
    base.save_figure(fig, outdir, filename)
    return "median over seeds per noise model, band 5–95 %"


def panels_figure(exp, variant, name, runs, outdir, filename):
    """A few labels: one panel per noise model, one line per label."""
    labels = series_of(runs[0], name).get("labels", [])
    fig, axes = base.plt.subplots(1, len(runs), figsize=(5.2 * len(runs) if len(runs) > 1 else
                                                         7.5, 3.8), squeeze=False, sharey=True)
    chunks = []
    for r_i, run in enumerate(runs):
        ax = axes[0][r_i]
        x, med, lo, hi = arrays(run, name)
        for k, label in enumerate(labels):
            colour = LABEL_COLOURS[k % len(LABEL_COLOURS)]
            plot_band(ax, x, med[:, k], lo[:, k], hi[:, k], colour, visible(label))
            if name == "imbalance":
                draw_prediction(ax, run, k)
        draw_reference(ax, name, series_of(run, name).get("reference"))
        chunks += [lo, hi]
        ax.set_xlabel("training step")
        ax.set_title("%s, %s noise" % (visible(variant), visible(run["noise"])))
    axes[0][0].set_ylabel(pretty(name))
    set_value_scale(axes[0][0], chunks, name in LOG_SERIES)
    legend_below(fig, axes[0])
    base.save_figure(fig, outdir, filename)
    return "one panel per noise model, one line per label: median over seeds, band 5–95 %"


def multiples_panel(ax, name, data, k, ref):
    """One label's panel of the small multiples: every noise model's median and band."""
    for r_i, (run, x, med, lo, hi) in enumerate(data):
        plot_band(ax, x, med[:, k], lo[:, k], hi[:, k], noise_colour(run["noise"], r_i),
                  "%s (median, 5–95 %%)" % run["noise"], lw=stacked_width(r_i, len(data)))
        if name == "imbalance":
            draw_prediction(ax, run, k)
    draw_reference(ax, name, ref[k:k + 1])


def multiples_figure(exp, variant, name, runs, outdir, filename):
    """Many labels: small multiples, one panel per label with every noise model's median and
    band, shared axes, so that each label keeps its error band."""
    from matplotlib.ticker import MaxNLocator
    labels = series_of(runs[0], name).get("labels", [])
    cols = math.ceil(math.sqrt(len(labels)))
    rows = math.ceil(len(labels) / cols)
    fig, axes = base.plt.subplots(rows, cols, figsize=(2.6 * cols, 1.9 * rows + 0.6),
                                  squeeze=False, sharex=True, sharey=True)
    flat = [ax for row in axes for ax in row]
    data = [(run,) + arrays(run, name) for run in runs]
    ref = series_of(runs[0], name).get("reference") or []
    for k, label in enumerate(labels):
        ax = flat[k]
        multiples_panel(ax, name, data, k, ref)
        ax.set_title(visible(label), fontsize=8.5, pad=2)
        ax.tick_params(labelsize=7.5)
        ax.xaxis.set_major_locator(MaxNLocator(3))
        if k % cols == 0:
            ax.set_ylabel(pretty(name), fontsize=8.5)
        if k + cols >= len(labels):  # the lowest panel of its column
            ax.set_xlabel("training step", fontsize=8.5)
            ax.xaxis.set_tick_params(labelbottom=True)
    for ax in flat[len(labels):]:
        ax.set_visible(False)
    set_value_scale(flat[0], [d[3] for d in data] + [d[4] for d in data], name in LOG_SERIES)
    fig.suptitle("%s %s: %s, one panel per label" % (visible(exp), visible(variant),
                                                     pretty(name)), fontsize=10.5)
    legend_below(fig, flat[:len(labels)])
    base.save_figure(fig, outdir, filename)
    return ("one small panel per label (%d, shared axes), one line per noise model: median over "
            "seeds, band 5–95 %%" % len(labels))


def profile_panel(ax, name, run, r_i, ref):
    """One noise model's profile: the start as grey dots on top (visible where the end lies on
    them), the end as a coloured median with its band, the reference and THEORY §7's D_b."""
    np = base.np
    x, med, lo, hi = arrays(run, name)
    idx = np.arange(med.shape[1])
    ax.plot(idx, med[0], ls="none", marker="o", ms=2.2, color=START_COLOUR, zorder=5,
            label="step 0 (start)")
    plot_band(ax, idx, med[-1], lo[-1], hi[-1], noise_colour(run["noise"], r_i),
              "%s, step %d (end)" % (run["noise"], x[-1]))
    if name == "imbalance" and series_of(run, PREDICTED):
        predicted = arrays(run, PREDICTED)[1]
        ax.plot(idx, predicted[-1], color=PREDICTION_COLOUR, ls="--", lw=0.9, zorder=6,
                label=PREDICTION_LABEL + " at the end")
    if len(ref) == len(idx):  # a constant reference is a horizontal line, else a profile
        draw_reference(ax, name, ref, x=None if len(set(ref)) == 1 else idx)
    return [lo[[0, -1]], hi[[0, -1]]]


def profile_figure(exp, variant, name, runs, outdir, filename):
    """Hundreds of labels: the profile against the index, at the start and at the end, one
    panel per noise model stacked over a shared index axis."""
    first = series_of(runs[0], name)
    n = len(first.get("labels", []))
    fig, axes = base.plt.subplots(len(runs), 1, figsize=(8.5, 2.5 * len(runs) + 0.6),
                                  squeeze=False, sharex=True, sharey=True)
    flat = [row[0] for row in axes]
    chunks = []
    for r_i, (ax, run) in enumerate(zip(flat, runs)):
        chunks += profile_panel(ax, name, run, r_i, first.get("reference") or [])
        ax.set_ylabel(pretty(name))
        ax.set_title("%s, %s noise" % (visible(variant), visible(run["noise"])), fontsize=9.5)
    flat[-1].set_xlabel("block index" if name in BLOCK_SERIES else "index i")
    set_value_scale(flat[0], chunks, name in LOG_SERIES)
    fig.suptitle("%s %s: %s, start and end" % (visible(exp), visible(variant), pretty(name)),
                 fontsize=10.5)
    legend_below(fig, flat)
    base.save_figure(fig, outdir, filename)
    return ("profile against the index of its %d labels, at step 0 (grey dots) and at the last "
            "step (coloured): median over seeds, band 5–95 %%, one panel per noise model" % n)


# ---- captions from the run's data ---------------------------------------------------------


def series_figure(exp, variant, name, runs, outdir, filename):
    """The figure of one series in the form its label count calls for, with its caption."""
    n = len(series_of(runs[0], name).get("labels", []))
    if n == 1:
        kind, draw = "overlay", overlay_figure
    elif n <= MAX_OVERLAID:
        kind, draw = "panels", panels_figure
    elif n <= MAX_PANELS:
        kind, draw = "multiples", multiples_figure
    else:
        kind, draw = "profile", profile_figure
    drawn = draw(exp, variant, name, runs, outdir, filename)
    profile = kind == "profile"
    parts = ["%s. %s." % (series_of(runs[0], name).get("caption", name), drawn[0].upper() +
                          drawn[1:]),
             data_text(name, runs, profile), guide_text(name, runs, profile)]
    return {"file": filename, "alt": "%s %s %s%s" % (exp, variant, name,
                                                     " profile" if profile else ""),
            "caption": " ".join(p for p in parts if p), "kind": kind, "series": name,
            "variant": variant}


# ---- final metrics ------------------------------------------------------------------------


def draw_boxes(ax, groups):
    """One box per (run, metric) group, coloured by noise model; returns the per-seed data."""
    data = [[v for v in m.get("per_seed", []) if is_number(v)] for _, m in groups]
    keep = [(p, d) for p, d in enumerate(data, start=1) if d]
    if keep:
        box = ax.boxplot([d for _, d in keep], positions=[p for p, _ in keep], widths=0.6,
                         patch_artist=True, showfliers=True,
                         medianprops={"color": "black", "lw": 1.2})
        for patch, (p, _) in zip(box["boxes"], keep):
            patch.set_facecolor(noise_colour(groups[p - 1][0]["noise"], 0))
            patch.set_alpha(0.45)
    ax.set_xticks(range(1, len(groups) + 1))
    ax.set_xticklabels(["%s\n%s" % (visible(r["variant"]), visible(r["noise"]))
                        for r, _ in groups])
    return data


def metrics_figure(exp, metric, report, outdir, filename):
    """Box plots of a final metric over seeds, per (variant, noise model), with the truth's
    value when the report gives one."""
    from matplotlib.patches import Patch
    runs = report.get("runs", [])
    groups = [(r, m) for r in runs for m in [metric_of(r, metric)] if m]
    fig, ax = base.plt.subplots(figsize=(max(5.0, 0.9 * len(groups) + 2), 3.8))
    data = draw_boxes(ax, groups)
    patches = [Patch(facecolor=noise_colour(n, 0), alpha=0.45, label="%s noise" % n)
               for n in dict.fromkeys(r["noise"] for r, _ in groups)]
    ref = metric_reference(runs, metric)
    if ref is not None:
        ax.axhline(ref, color=base.REFERENCE_COLOUR, ls="--", lw=1.0,
                   label="truth (%s)" % fmt(ref))
    ax.set_ylabel(pretty(metric))
    ax.set_xlabel("parametrisation and noise model")
    set_value_scale(ax, data + ([[ref]] if ref is not None else []), True)
    ax.set_title("%s: %s over seeds" % (visible(exp), pretty(metric)))
    legend_below(fig, [ax], patches)
    base.save_figure(fig, outdir, filename)
    comparisons = [c for c in report.get("comparisons", []) if c.get("metric") == metric]
    return {"file": filename, "alt": "%s %s box plot" % (exp, metric), "kind": "metric",
            "metric": metric, "caption": metrics_caption(metric, groups, comparisons, ref)}


def experiment_figures(report, outdir):
    """Every figure of the report but the training curves (experiment_curves draws those: the
    training loss and the test series); returns (figures, error messages)."""
    exp = report.get("experiment", "?")
    runs = report.get("runs", [])
    figures, errors = [], []
    count = 0
    in_curves = {"train_loss", report.get("test_series")}
    for variant in dict.fromkeys(r["variant"] for r in runs):
        vruns = [r for r in runs if r["variant"] == variant]
        for s in vruns[0].get("series", []):
            name = s.get("name", "?")
            if name == PREDICTED or name in in_curves:
                continue
            count += 1
            filename = "%02d-%s-%s-%s.png" % (count, slug(exp), slug(variant), slug(name))
            try:
                figures.append(series_figure(exp, variant, name, with_series(vruns, name),
                                             outdir, filename))
            except Exception as e:  # one broken figure must not lose the page
                base.plt.close("all")
                errors.append("%s / %s: %s: %s" % (variant, name, type(e).__name__, e))
    metrics = dict.fromkeys(m.get("name") for r in runs for m in r.get("metrics", []))
    for metric in metrics:
        count += 1
        filename = "%02d-%s-metric-%s.png" % (count, slug(exp), slug(metric))
        try:
            figures.append(metrics_figure(exp, metric, report, outdir, filename))
        except Exception as e:
            base.plt.close("all")
            errors.append("metric %s: %s: %s" % (metric, type(e).__name__, e))
    return figures, errors
