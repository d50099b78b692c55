"""What the figures and captions of an experiment page read from experiment.json: a run's
series as arrays (NaN for null), its balance checks and metrics."""

from . import figures as base

BLOCK_SERIES = {"balance_ratio", "imbalance", "balance_distance", "mean_abs_imbalance"}
PREDICTED = "imbalance_predicted"  # THEORY §7's D_b: drawn in the imbalance figure, not alone

REFERENCE_LABELS = {"balance_ratio": "balanced (1)", "balance_distance": "balanced (0)",
                    "recovered_spikes": "exact recovery (1)"}


def series_of(run, name):
    for s in run.get("series", []):
        if s.get("name") == name:
            return s
    return None


def with_series(runs, name):
    """The runs that logged the series (a diverged or odd run may lack it)."""
    return [r for r in runs if series_of(r, name)]


def arrays(run, name):
    """(steps, median, q05, q95) of a series, each [log point][label] with NaN for null."""
    s = series_of(run, name)
    x = base.np.array(run.get("log_steps", []), dtype=float)
    return (x,) + tuple(base.to_array_2d(s.get(k, [])) for k in ("median", "q05", "q95"))


def first_last(run, name):
    """(first, last) of the median of a series' first label over the log points where it is a
    number; None when there is none (a series of only nulls, or no such series)."""
    s = series_of(run, name) or {}
    vals = [row[0] for row in s.get("median") or [] if row and isinstance(row[0], (int, float))]
    return (vals[0], vals[-1]) if vals else None


def balance_of(run):
    return run.get("balance") or {}


def metric_of(run, name):
    for m in run.get("metrics", []):
        if m.get("name") == name:
            return m
    return None


def pretty(name):
    return name.replace("_", " ")
