"""The figures (Matplotlib): histograms against the theory or the reference sampler,
the stiffness limit, the correction scan, the balance drift and the p-values."""

import math
import os

from .files import write_atomic
from .load import coords_of, find_coord, reference_role, samplers_of
from .text import coord_label, fmt, is_number, p_relation, slug, visible

DPI = 200  # print quality; every figure is also written as SVG (save_figure)
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


def to_array_2d(rows):
    """JSON list of lists (nulls allowed) → 2-D float array with NaN for null."""
    return np.array([[np.nan if v is None else float(v) for v in row] for row in rows],
                    dtype=float).reshape(len(rows), -1)


def svg_name(filename):
    """The vector copy of a PNG figure, for papers: NAME.svg beside NAME.png."""
    return filename[:-4] + ".svg" if filename.endswith(".png") else filename + ".svg"


def save_figure(fig, outdir, filename, layout=True):
    if layout:  # False: the caller laid the figure out (room kept for a figure legend)
        fig.tight_layout()
    write_atomic(os.path.join(outdir, filename),
                 lambda f: fig.savefig(f, format="png", dpi=DPI, bbox_inches="tight"))
    write_atomic(os.path.join(outdir, svg_name(filename)),
                 lambda f: fig.savefig(f, format="svg", bbox_inches="tight"))
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

    residuals, outside, total, stiff_laws = [], 0, 0, []
    for i, s in enumerate(samplers):
        if s is ref_s:
            continue
        c = find_coord(s, coord)
        counts = counts_of(c)
        outside += int(c.get("underflow") or 0) + int(c.get("overflow") or 0)
        total += int(s.get("chains") or 0)
        role = s.get("role", "?")
        colour = role_colour(role, i)
        test = c.get("test") or {}
        label = role_label(s) + ("; p_χ² %s" % p_relation(test.get("p_chi2")) if test else "")
        step_density(ax, edges, counts / counts.sum() / width, color=colour, lw=1.5,
                     ls=ROLE_STYLES.get(role, "-"), label=label)
        own = s.get("reference_probs") if coord == 0 else None
        if probs is not None and own and len(own) == probs.size:
            # An ambient sampler is tested against its own law at κ: drawn thin, and its
            # residuals are taken against it (docs/THEORY.md §4, the ambient law at finite κ).
            own = to_array(own)
            stiff_laws.append(fmt(s.get("kappa")))
            step_density(ax, edges, own / own.sum() / width, color=colour, lw=0.8, ls=":",
                         label="its law at κ = %s (what it is tested against)"
                         % fmt(s.get("kappa")))
            z = theory_residuals(counts, own)
        elif probs is not None:
            z = theory_residuals(counts, probs)
        elif ref_s is not None:
            z = two_sample_residuals(counts, counts_of(find_coord(ref_s, coord)))
        else:
            continue
        residuals.append(z)
        axr.plot(centres, z, color=colour, lw=0.9, marker=ROLE_MARKERS.get(role, "D"), ms=3.2,
                 ls=ROLE_STYLES.get(role, "-"), label=role)

    ax.set_ylabel("density per unit x")
    ax.set_ylim(0, 1.05 * ax.get_ylim()[1])
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
    # Below the panels: inside, the legend covered the falling branch of a density.
    handles, labels = ax.get_legend_handles_labels()
    rows = (len(labels) + 1) // 2
    fig.tight_layout(rect=(0, 0.045 * rows + 0.02, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8)
    save_figure(fig, outdir, filename, layout=False)
    return histogram_caption(case, coord, probs is not None, ref_role, outside, total,
                             stiff_laws)


def histogram_caption(case, coord, against_theory, ref_role, outside, total=0, stiff_laws=()):
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
    if stiff_laws:
        text += (" The ambient sampler is exact for its own target, the stiff penalty at its κ "
                 "(%s), whose law of σ differs from the theory's near σ = 0 (where the "
                 "constraint's fluctuations are not small beside σ): it is tested against that "
                 "law (dotted), computed by quadrature, and its residuals are taken against it."
                 % ", ".join(stiff_laws))
    if outside:
        share = " (%s %% of these samplers' chains)" % fmt(100.0 * outside / total, 2) if total else ""
        text += (" %s final states%s fell outside the plotted window and are not counted: the "
                 "case file's window (observe lo, hi) leaves them out on purpose, where a law is "
                 "singular (σ or a coefficient near 0) or where its tail carries little of the "
                 "comparison; densities and residuals are conditional on the window."
                 % (fmt(outside), share))
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
        elif np.nanmax(d) > 30 * max(np.nanmedian(err), 1e-12):
            # Debiased distances dip below 0 near the minimum: linear there (within a few
            # standard errors), logarithmic above, so c = 0 far up the curve stays visible.
            axis.set_yscale("symlog", linthresh=max(3 * float(np.nanmedian(err)), 1e-6))
    ax.set_ylabel("debiased distance (χ² − dof)/N_eff,\nreweighted constrained vs ambient")
    ax.set_title("%s: correction-scale scan" % figure_name(case))
    # Below the panels: a legend inside would cover the scan's falling branch.
    handles, labels = ax.get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8)
    save_figure(fig, outdir, filename, layout=False)
    verdict = ("The interval contains c = 1." if lo <= 1 <= hi else
               "The interval leaves out c = 1: the scan is reported, not judged (docs/THEORY.md "
               "§6); its reweighting leans on the constrained samples' tails, and the case's "
               "verdict rests on the p-values and ĉ.")
    return ("Debiased two-sample distance (χ² − dof)/N_eff (0 in expectation when the laws "
            "agree) between the constrained sampler reweighted to correction scale c and the "
            "ambient stiff sampler, for each c (left: the whole scan; right: zoom on the minimum). "
            "The shaded band is the interval of the minimum. When the theorem holds the distance "
            "is smallest near c = 1 (dashed line) and the band contains 1, while c = 0, the "
            "uncorrected sampler (dotted), is far up the curve. Here the minimum is at c = %s, "
            "interval [%s, %s]. %s" % (fmt(c_min), fmt(lo), fmt(hi), verdict))


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
