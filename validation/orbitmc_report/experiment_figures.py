"""Figures of an experiment ensemble (Matplotlib): each logged series against training steps as
the median over seeds with its 5–95 % band, per noise model; long series (a signal, hundreds of
blocks) as their final profile; and the final metrics as box plots."""

from . import figures as base
from .text import slug, visible

NOISE_COLOURS = {"sgd": "#0072B2", "gd": "#D55E00", "langevin": "#009E73"}
LABEL_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                 "#F0E442"]
# Series whose values span decades are drawn on a log axis.
LOG_SERIES = {"balance_ratio", "mean_abs_imbalance", "off_support_l1", "reconstruction_mse"}
MAX_TRACES = 24  # more labels than this: draw the final profile instead of traces

HINTS = {
    "balance_ratio": "Lines meeting the dashed line at 1 mean balanced blocks. The ratio also "
                     "tends to 1 when the norms grow at a fixed imbalance D, so read it beside "
                     "the |D| figure.",
    "mean_abs_imbalance": "THEORY §7: gd keeps D up to η² terms, sgd shrinks it at a rate set "
                          "by the gradient noise, langevin makes it diffuse. A falling line "
                          "balances; a flat one keeps the imbalance.",
    "imbalance": "Each line is one block's D; flat lines are the conservation law of gradient "
                 "flow.",
    "singular_values": "The dashed lines are the truth's singular values: the top two should "
                       "approach them and the rest stay near 0 if the bias finds the low rank.",
    "signal": "The dashed line is the true piecewise-constant signal; a flat, step-like median "
              "is the bias of the cumulative-sum parametrisation at work.",
    "support_error": "Lower is better: the spikes of the true spectrum recovered.",
    "recovered_spikes": "Lines reaching the dashed line at 1 recovered the spike; the Hadamard "
                        "parametrisation grows each spike from near 0 in its own time.",
    "off_support_l1": "Lower is better: little spurious spectrum off the truth's support.",
}


def noise_colour(noise, i):
    return NOISE_COLOURS.get(noise, LABEL_COLOURS[i % len(LABEL_COLOURS)])


def series_of(run, name):
    for s in run.get("series", []):
        if s.get("name") == name:
            return s
    return None


def draw_reference(ax, values, horizontal=True, x=None):
    vals = [v for v in (values or []) if v is not None]
    if not vals:
        return
    if horizontal:
        for i, v in enumerate(sorted(set(vals))):
            ax.axhline(v, color=base.REFERENCE_COLOUR, ls="--", lw=1.0, zorder=1,
                       label="reference" if i == 0 else None)
    else:
        ax.plot(x, values, color=base.REFERENCE_COLOUR, ls="--", lw=1.2, label="truth", zorder=3)


def traces_figure(exp, variant, name, runs, outdir, filename):
    np, plt = base.np, base.plt
    first = series_of(runs[0], name)
    labels = first.get("labels", [])
    single = len(labels) == 1
    panels = 1 if single else len(runs)
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels if panels > 1 else 7.5, 3.8),
                             squeeze=False, sharey=True)
    for r_i, run in enumerate(runs):
        s = series_of(run, name)
        ax = axes[0][0 if single else r_i]
        x = np.array(run.get("log_steps", []), dtype=float)
        med, lo, hi = (base.to_array_2d(s.get(k, [])) for k in ("median", "q05", "q95"))
        for k, label in enumerate(labels):
            colour = noise_colour(run["noise"], r_i) if single else LABEL_COLOURS[k % 8]
            text = run["noise"] if single else visible(label) if len(labels) <= 8 else (
                "one line per %s (%d), median" % (visible(label).split(" ")[0], len(labels))
                if k == 0 else None)
            ax.plot(x, med[:, k], color=colour, lw=1.3, label=text)
            if single or len(labels) <= 8:
                ax.fill_between(x, lo[:, k], hi[:, k], color=colour, alpha=0.15, lw=0)
        draw_reference(ax, s.get("reference"))
        if name in LOG_SERIES and np.nanmin(lo) > 0:
            ax.set_yscale("log")
        ax.set_xlabel("training step")
        if not single:
            ax.set_title("%s, %s noise" % (visible(variant), visible(run["noise"])))
        if (single or r_i == 0):
            ax.set_ylabel(name.replace("_", " "))
        ax.legend(loc="best")
    if single:
        axes[0][0].set_title("%s %s: %s" % (visible(exp), visible(variant), name.replace("_", " ")))
    base.save_figure(fig, outdir, filename)
    band = "median over seeds, band 5–95 %"
    if len(labels) > 8 and not single:
        band = "median over seeds of each of the %d labels (no bands: too many to read)" % len(labels)
    caption = "%s (%s). %s" % (first.get("caption", name), band, HINTS.get(name, ""))
    return {"file": filename, "alt": "%s %s %s" % (exp, variant, name), "caption": caption.strip()}


def profile_figure(exp, variant, name, runs, outdir, filename):
    np, plt = base.np, base.plt
    first = series_of(runs[0], name)
    n = len(first.get("labels", []))
    fig, ax = plt.subplots(figsize=(8.5, 3.8))
    idx = np.arange(n)
    for r_i, run in enumerate(runs):
        s = series_of(run, name)
        colour = noise_colour(run["noise"], r_i)
        med = base.to_array(s["median"][-1])
        ax.plot(idx, med, color=colour, lw=1.3, label="%s (median)" % run["noise"])
        ax.fill_between(idx, base.to_array(s["q05"][-1]), base.to_array(s["q95"][-1]),
                        color=colour, alpha=0.15, lw=0)
    ref = first.get("reference") or []
    if len(ref) == n:
        draw_reference(ax, ref, horizontal=False, x=idx)
    lows = [v for run in runs for v in (series_of(run, name)["q05"][-1] or []) if v is not None]
    if name in LOG_SERIES and lows and min(lows) > 0:
        ax.set_yscale("log")
    ax.set_xlabel("index")
    ax.set_ylabel(name.replace("_", " "))
    ax.set_title("%s %s: %s at the last step" % (visible(exp), visible(variant), name.replace("_", " ")))
    ax.legend(loc="best")
    base.save_figure(fig, outdir, filename)
    caption = "%s, at the end of training (median over seeds, band 5–95 %%). %s" % (
        first.get("caption", name), HINTS.get(name, ""))
    return {"file": filename, "alt": "%s %s %s profile" % (exp, variant, name), "caption": caption.strip()}


def metrics_figure(exp, metric, runs, outdir, filename):
    plt = base.plt
    groups = [(r, m) for r in runs for m in r.get("metrics", []) if m.get("name") == metric]
    fig, ax = plt.subplots(figsize=(max(5.0, 0.9 * len(groups) + 2), 3.8))
    data = [[v for v in m.get("per_seed", []) if v is not None] for _, m in groups]
    positions = list(range(1, len(groups) + 1))
    keep = [(p, d) for p, d in zip(positions, data) if d]
    if keep:
        box = ax.boxplot([d for _, d in keep], positions=[p for p, _ in keep], widths=0.6,
                         patch_artist=True, showfliers=True)
        for patch, (p, _) in zip(box["boxes"], keep):
            patch.set_facecolor(noise_colour(groups[p - 1][0]["noise"], 0))
            patch.set_alpha(0.45)
    from matplotlib.patches import Patch
    noises = []
    for r, _ in groups:
        if r["noise"] not in noises:
            noises.append(r["noise"])
    ax.legend(handles=[Patch(facecolor=noise_colour(n, 0), alpha=0.45, label="%s noise" % n)
                       for n in noises], loc="best")
    ax.set_xticks(positions)
    ax.set_xticklabels(["%s\n%s" % (visible(r["variant"]), visible(r["noise"])) for r, _ in groups])
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_xlabel("parametrisation and noise model")
    if keep and min(min(d) for _, d in keep) > 0:
        ax.set_yscale("log")
    ax.set_title("%s: %s over seeds" % (visible(exp), metric.replace("_", " ")))
    base.save_figure(fig, outdir, filename)
    caption = ("Final %s of every seed (box: quartiles, whiskers: 1.5 IQR, dots: outliers), per "
               "parametrisation and noise model, coloured by noise model. Lower boxes win; the "
               "comparisons table counts, seed by seed, how often the designed one is lower."
               % metric.replace("_", " "))
    return {"file": filename, "alt": "%s %s box plot" % (exp, metric), "caption": caption}


def experiment_figures(report, outdir):
    """Every figure of the report; returns (figures, error messages)."""
    exp = report.get("experiment", "?")
    runs = report.get("runs", [])
    figures, errors = [], []
    variants = []
    for r in runs:
        if r["variant"] not in variants:
            variants.append(r["variant"])
    count = 0
    for variant in variants:
        vruns = [r for r in runs if r["variant"] == variant]
        for s in vruns[0].get("series", []):
            name = s.get("name", "?")
            count += 1
            filename = "%02d-%s-%s-%s.png" % (count, slug(exp), slug(variant), slug(name))
            try:
                many = len(s.get("labels", [])) > MAX_TRACES
                draw = profile_figure if many else traces_figure
                figures.append(draw(exp, variant, name, vruns, outdir, filename))
            except Exception as e:  # one broken figure must not lose the page
                errors.append("%s / %s: %s: %s" % (variant, name, type(e).__name__, e))
    metrics = []
    for r in runs:
        for m in r.get("metrics", []):
            if m.get("name") not in metrics:
                metrics.append(m.get("name"))
    for metric in metrics:
        count += 1
        filename = "%02d-%s-metric-%s.png" % (count, slug(exp), slug(metric))
        try:
            figures.append(metrics_figure(exp, metric, runs, outdir, filename))
        except Exception as e:
            errors.append("metric %s: %s: %s" % (metric, type(e).__name__, e))
    return figures, errors
