"""The training curves of an experiment page: the training loss and the test metric against
training steps, one column per noise model, every parametrisation on the same axes (one colour
per parametrisation, the designed one drawn widest), median over seeds with its 5–95 % band.

The training loss is the series train_loss (the mean of the step losses since the previous
log point, so it starts at the first log point after step 0); the test metric is the series
the report names in test_series (on data the training does not see, or against the truth)."""

from . import figures as base
from .experiment_figures import legend_below, plot_band, set_value_scale
from .experiment_series import arrays, first_last, pretty, series_of
from .text import fmt, visible

TRAIN = "train_loss"
# Not the noise models' colours (experiment_figures.NOISE_COLOURS): here the noise models are
# the columns.
VARIANT_COLOURS = ["#332288", "#CC6677", "#DDAA33", "#882255", "#88CCEE", "#999933"]


def variants_of(runs):
    """The parametrisations in report order, the designed one first (it is drawn on top)."""
    names = list(dict.fromkeys(r["variant"] for r in runs))
    role = {r["variant"]: r.get("role") for r in runs}
    return sorted(names, key=lambda v: role.get(v) != "designed")


def variant_label(runs, variant):
    role = next((r.get("role") for r in runs if r["variant"] == variant), "")
    return "%s (%s)" % (visible(variant), role) if role in ("designed", "baseline") else \
        visible(variant)


def curve_rows(report):
    """The rows of the figure: (series name, axis label) for the loss and the test metric."""
    rows = [(TRAIN, "training loss")]
    test = report.get("test_series")
    if test and any(series_of(r, test) for r in report.get("runs", [])):
        rows.append((test, pretty(test)))
    return rows


def run_of(runs, variant, noise):
    return next((r for r in runs if r["variant"] == variant and r["noise"] == noise), None)


def draw_cell(ax, runs, noise, name, variants):
    """One panel: every parametrisation's median and band of one series under one noise model;
    returns the bands drawn (for the axis scale)."""
    chunks = []
    for v_i, variant in enumerate(variants):
        run = run_of(runs, variant, noise)
        if not run or not series_of(run, name):
            continue
        x, med, lo, hi = arrays(run, name)
        colour = VARIANT_COLOURS[v_i % len(VARIANT_COLOURS)]
        label = variant_label(runs, variant)
        if len(variants) == 1:  # no parametrisations to tell apart: the legend says what is drawn
            label += ": median over seeds, band 5–95 %"
        plot_band(ax, x, med[:, 0], lo[:, 0], hi[:, 0], colour, label,
                  lw=2.2 if v_i == 0 and len(variants) > 1 else 1.4)
        chunks += [lo, hi, med]
    return chunks


def ends_text(runs, name, variants, noises):
    """Each (noise model, parametrisation): the median at the first logged point → the last."""
    parts = []
    for noise in noises:
        per = []
        for variant in variants:
            run = run_of(runs, variant, noise)
            ends = first_last(run, name) if run else None
            if ends:
                per.append("%s %s → %s" % (visible(variant), fmt(ends[0]), fmt(ends[1])))
        if per:
            parts.append("%s: %s" % (noise, ", ".join(per)))
    return "; ".join(parts)


def curves_figure(report, outdir, filename):
    """The figure and its caption, or None when no run logged a training loss (a report written
    before orbitmc logged one)."""
    runs = report.get("runs", [])
    if not any(series_of(r, TRAIN) for r in runs):
        return None
    noises = list(dict.fromkeys(r["noise"] for r in runs))
    variants = variants_of(runs)
    rows = curve_rows(report)
    fig, axes = base.plt.subplots(len(rows), len(noises),
                                  figsize=(max(7.5, 4.6 * len(noises)), 3.1 * len(rows) + 0.8),
                                  squeeze=False, sharex=True, sharey="row")
    for r_i, (name, label) in enumerate(rows):
        chunks = []
        for c_i, noise in enumerate(noises):
            ax = axes[r_i][c_i]
            chunks += draw_cell(ax, runs, noise, name, variants)
            if r_i == 0:
                ax.set_title("%s noise" % visible(noise))
            if r_i == len(rows) - 1:
                ax.set_xlabel("training step")
        axes[r_i][0].set_ylabel(label)
        set_value_scale(axes[r_i][0], chunks, True)
    fig.suptitle("%s: training curves" % visible(report.get("experiment", "?")), fontsize=11)
    legend_below(fig, [ax for row in axes for ax in row])
    base.save_figure(fig, outdir, filename)
    return {"file": filename, "alt": "%s training curves" % report.get("experiment", "?"),
            "kind": "curves", "caption": curves_caption(report, rows, variants, noises)}


def curves_caption(report, rows, variants, noises):
    runs = report.get("runs", [])
    what = [series_of(next(r for r in runs if series_of(r, name)), name).get("caption", name)
            for name, _ in rows]
    text = ("Median over seeds (line) and 5–95 %% band, one column per noise model, every "
            "parametrisation on the same axes (one colour each). Top: %s." % what[0])
    if len(rows) > 1:
        text += " Bottom: %s (%s)." % (pretty(rows[1][0]), what[1])
    for name, label in rows:
        ends = ends_text(runs, name, variants, noises)
        if ends:
            text += " %s, first log point → last: %s." % (label[0].upper() + label[1:], ends)
    return text
