"""Captions of the experiment figures: what is drawn is said by the figure code; this says what
the run's own data shows (verdicts, start → end, the THEORY §7 checks, the seed-by-seed wins)
and how to read a figure (guides that do not depend on the data)."""

import math

from . import figures as base
from .experiment_series import (BLOCK_SERIES, PREDICTED, REFERENCE_LABELS, arrays, balance_of,
                                pretty, series_of)
from .text import fmt, is_number, visible

IDENTITY = "D′ − D = η²(|g_u|² − |g_v|²)"
# How to read a figure (independent of the data). The data's part of a caption is built from
# the run (see data_text).
GUIDES = {
    "balance_ratio": "The dashed line at 1 is balance. The ratio also moves towards 1 when the "
                     "norms grow at a fixed D, so read it beside the |D| figure.",
    "mean_abs_imbalance": "A falling line balances the blocks; a flat one keeps the imbalance; "
                          "a rising one moves away from balance.",
    "imbalance": "A flat line is a conserved D_b.",
    "balance_distance": "0 is balance: every block with |u_b| = |v_b|.",
    "support_error": "Lower is closer to the true spikes.",
    "off_support_l1": "Lower is less spurious spectrum off the truth's support.",
    "reconstruction_mse": "Lower is closer to the true signal.",
}
# Where the parametrisation matters, the guide depends on the run's role.
ROLE_GUIDES = {
    ("signal", "designed"): "The variant %s is the designed parametrisation: a step-like "
                            "median is its bias towards piecewise-constant signals at work.",
    ("signal", "baseline"): "The variant %s is a baseline parametrisation, without a bias "
                            "towards steps: compare it with the designed variant's figure.",
    ("recovered_spikes", "designed"): "The variant %s is the designed parametrisation: each "
                                      "spike grows from near 0 in its own time; 1 is exact "
                                      "recovery.",
    ("recovered_spikes", "baseline"): "The variant %s is a baseline parametrisation: compare "
                                      "it with the designed variant's figure; 1 is exact "
                                      "recovery.",
}
PROFILE_GUIDES = {
    "imbalance": "Where the coloured end lies on the grey dots of the start, a block kept its "
                 "D_b.",
    "balance_ratio": "Points on the dashed line at 1 are balanced blocks; compare the coloured "
                     "end with the grey dots of the start.",
}


def balance_text(runs):
    """Each noise model's |D| start → end and its verdict, as the run reports them."""
    parts = []
    for run in runs:
        b = balance_of(run)
        if b:
            parts.append("%s %s → %s (%s)" % (run["noise"], fmt(b.get("imbalance_start")),
                                              fmt(b.get("imbalance_end")), b.get("verdict", "?")))
    return "Mean |D| over blocks, start → end: %s." % "; ".join(parts) if parts else ""


def distance_text(runs):
    parts = ["%s %s → %s" % (run["noise"], fmt(balance_of(run).get("distance_start")),
                             fmt(balance_of(run).get("distance_end")))
             for run in runs if balance_of(run)]
    return ("Mean |log(|u_b|/|v_b|)| over blocks, start → end: %s." % "; ".join(parts)
            if parts else "")


def identity_text(run):
    """gd/sgd: THEORY §7's per-step identity, per step and summed over the run."""
    b = balance_of(run)
    text = "%s: largest relative deviation per step %s" % (
        run["noise"], fmt(b.get("identity_max_relative_deviation")))
    over = b.get("identity_over_run")
    if isinstance(over, dict):
        text += ("; summed over the run it predicts |ΔD_b| = %s (mean over seeds and blocks), "
                 "missed by %s, against %s from float rounding alone (%s)" % (
                     fmt(over.get("predicted_change")), fmt(over.get("missed")),
                     fmt(over.get("rounding_walk")), over.get("verdict") or "no verdict"))
    return text


def drift_text(run):
    """langevin: THEORY §7's mean drift of D against the measured one."""
    d = balance_of(run).get("drift_per_step") or {}
    text = ("%s: the residual (D′ − D) − η²(|g_u|² − |g_v|²) has THEORY §7's mean "
            "2η(n − m)/β = %s per step" % (run["noise"], fmt(d.get("expected"))))
    if is_number(d.get("mean")):
        text += "; measured %s ± %s" % (fmt(d.get("mean")), fmt(d.get("se")))
        if is_number(d.get("se")) and d["se"] > 0 and is_number(d.get("expected")):
            text += " (%.1f SE from the theory)" % (abs(d["mean"] - d["expected"]) / d["se"])
    return text


def imbalance_text(runs):
    """The THEORY §7 checks of every noise model: the identity (gd, sgd), the drift (langevin)."""
    identity = [identity_text(r) for r in runs if "drift_per_step" not in balance_of(r)
                and "identity_max_relative_deviation" in balance_of(r)]
    drift = [drift_text(r) for r in runs if "drift_per_step" in balance_of(r)]
    text = ("Per-step identity %s (THEORY §7), %s." % (IDENTITY, "; ".join(identity))
            if identity else "")
    lines = ("The black dashed lines are THEORY §7's D_b: D_b(0) plus the sum so far of "
             "η²(|g_u|² − |g_v|²), plus 2η(n − m)t/β under langevin (median over seeds)."
             if any(series_of(r, PREDICTED) for r in runs) else "")
    return " ".join(t for t in (lines, text, "%s." % "; ".join(drift) if drift else "") if t)


def profile_change_text(runs, name):
    """How far the end profile moved from the start: the mean over labels of |end − start|."""
    np = base.np
    parts = []
    for run in runs:
        _, med, _, _ = arrays(run, name)
        change = np.nanmean(np.abs(med[-1] - med[0])) if med.shape[0] else float("nan")
        parts.append("%s %s" % (run["noise"], fmt(float(change))))
    return "Mean over %s of |end − start| of the medians: %s." % (
        "blocks" if name in BLOCK_SERIES else "indices", "; ".join(parts))


def coincide_text(runs, name):
    """Several noise models whose medians nearly agree: said, since their lines then draw over
    each other."""
    np = base.np
    if len(runs) < 2:
        return ""
    meds = [arrays(r, name)[1] for r in runs]
    if any(m.shape != meds[0].shape for m in meds) or not all((m[np.isfinite(m)] > 0).all()
                                                              for m in meds):
        return ""
    logs = np.log(np.array(meds))
    spread = logs.max(axis=0) - logs.min(axis=0)
    spread = spread[np.isfinite(spread)]
    if not spread.size or np.median(spread) > 0.05:
        return ""
    pct = lambda v: 100 * (math.exp(float(v)) - 1)
    return ("The noise models' medians differ by %.1f %% in the median over log points and "
            "labels (at most %.0f %%), so their lines lie on each other (drawn in decreasing "
            "widths, each stays visible): at this step size the noise model hardly moves the "
            "median ratio." % (pct(np.median(spread)), pct(spread.max())))


def ratio_spike_text(runs):
    """The upper band of |u_b|/|v_b| far above its medians: why (an identity, not a guess)."""
    np = base.np
    top, median = [], []
    for run in runs:
        _, med, _, hi = arrays(run, "balance_ratio")
        top.append(np.nanmax(hi) if hi.size else float("nan"))
        median.append(np.nanmax(med) if med.size else float("nan"))
    top, median = max(top), max(median)
    if not (math.isfinite(top) and math.isfinite(median)) or top < 100 * median:
        return ""
    return ("The 95 %% band reaches %s where the medians stay below %s: |u_b|/|v_b| = "
            "√(1 + D_b/|v_b|²), so in a block with D_b > 0 whose |v_b| passes near 0 the ratio "
            "grows without bound while D_b stays as it was (read the |D| figure): the spikes are "
            "such seeds, not a change of balance." % (fmt(float(top)), fmt(float(median))))


def reference_text(runs, name):
    """Series against steps: the value of the dashed truth line(s), from the JSON."""
    ref = series_of(runs[0], name).get("reference") or []
    vals = [v for v in ref if is_number(v)]
    if not vals or name in REFERENCE_LABELS:
        return ""
    return "Dashed: the truth, %s." % ", ".join(fmt(v) for v in vals)


def reference_distance_text(runs, name):
    """Profiles with a reference: the RMS distance of the end median from it."""
    np = base.np
    ref = series_of(runs[0], name).get("reference") or []
    if not ref or any(not is_number(v) for v in ref):
        return ""
    parts = []
    for run in runs:
        _, med, _, _ = arrays(run, name)
        if med.shape[0] and med.shape[1] == len(ref):
            rms = math.sqrt(np.nanmean((med[-1] - np.array(ref, dtype=float)) ** 2))
            parts.append("%s %s" % (run["noise"], fmt(rms)))
    return "RMS distance of the end median from the %s: %s." % (
        REFERENCE_LABELS.get(name, "truth"), "; ".join(parts)) if parts else ""


def start_end_text(runs, name):
    """Few labels: each noise model's median at the start and at the end, per label."""
    labels = series_of(runs[0], name).get("labels", [])
    if len(labels) > 4:
        return ""
    parts = []
    for run in runs:
        _, med, _, _ = arrays(run, name)
        if not med.shape[0]:
            continue
        per = ["%s%s → %s" % ("" if len(labels) == 1 else visible(label) + " ", fmt(
            float(med[0, k])), fmt(float(med[-1, k]))) for k, label in enumerate(labels)]
        parts.append("%s %s" % (run["noise"], ", ".join(per)))
    return "Median at the start → end: %s." % "; ".join(parts) if parts else ""


def data_text(name, runs, profile):
    """The part of a caption that reports what this run's data shows."""
    if name == "mean_abs_imbalance":
        return balance_text(runs)
    if name == "imbalance":
        extra = profile_change_text(runs, name) if profile else ""
        return " ".join(t for t in (balance_text(runs), extra, imbalance_text(runs)) if t)
    if name == "balance_ratio":
        return " ".join(t for t in (distance_text(runs), coincide_text(runs, name),
                                    ratio_spike_text(runs)) if t)
    if name == "balance_distance":
        return distance_text(runs)
    if profile:
        return reference_distance_text(runs, name) or profile_change_text(runs, name)
    return " ".join(t for t in (start_end_text(runs, name), reference_text(runs, name)) if t)


def guide_text(name, runs, profile):
    """How to read the figure; for a series whose reading depends on the parametrisation, the
    guide of the variant's role (designed or baseline)."""
    role_guide = ROLE_GUIDES.get((name, runs[0].get("role")))
    if role_guide:
        return role_guide % visible(runs[0].get("variant"))
    if profile:
        return PROFILE_GUIDES.get(name, "Compare the coloured end with the grey dots of the "
                                        "start.")
    return GUIDES.get(name, "")


def metric_reference(runs, metric):
    """The truth's value of a metric when a series of that name gives one (tv's total
    variation); a reference of 0 (a perfect error) adds nothing and is left out."""
    for run in runs:
        s = series_of(run, metric)
        ref = (s or {}).get("reference") or []
        if len(ref) == 1 and is_number(ref[0]) and ref[0] != 0:
            return ref[0]
    return None


def comparison_text(comparisons):
    """The seed-by-seed wins, one clause per (designed, baseline) pair."""
    pairs = {}
    for c in comparisons:
        pairs.setdefault((c.get("designed"), c.get("baseline")), []).append(
            "%s/%s (%s)" % (c.get("wins"), c.get("trials"), c.get("noise")))
    parts = ["%s beat %s in %s seeds" % (d, b, ", ".join(w)) for (d, b), w in pairs.items()]
    return ("Lower wins (a seed where one of the two diverged counts for the other): the "
            "comparisons table counts, seed by seed, how often the designed "
            "parametrisation is lower: %s." % "; ".join(parts))


def metrics_caption(metric, groups, comparisons, ref):
    text = ("Final %s of every seed (box: quartiles, whiskers: 1.5 IQR, dots: outliers), per "
            "parametrisation and noise model, coloured by noise model." % pretty(metric))
    medians = ["%s/%s %s" % (r["variant"], r["noise"], fmt(m.get("median"))) for r, m in groups]
    text += " Medians: %s." % "; ".join(medians)
    if ref is not None:
        text += " The dashed line is the truth's value, %s (the series' reference)." % fmt(ref)
    if comparisons:
        text += " " + comparison_text(comparisons)
    return text
