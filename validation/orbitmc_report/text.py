"""Text formatting for the page: escaping, numbers, p-values, ranges, labels."""

import html
import math
import re

INSTALL_HINT = ("apt-get install python3-matplotlib python3-numpy, then re-run this script")
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
    """What orbit coordinate `coord` is: the name the model gave it in the report (reports
    written before names existed: σ for the block model, else its number)."""
    for s in case.get("samplers") or []:
        for c in (s.get("coords") or []) if isinstance(s, dict) else []:
            if isinstance(c, dict) and c.get("coord") == coord and isinstance(c.get("name"), str):
                return "%s (orbit coordinate %s)" % (c["name"], coord)
    model = case.get("model") or {}
    if model.get("name") == "block" and coord == 0:
        return "σ = |u|·|v| (orbit coordinate 0)"
    return "orbit coordinate %s" % coord
