"""Reading and checking report.json, and the lookups every part of the page uses."""

import json

SCHEMA = "orbitmc.report/1"


class ReportError(Exception):
    """report.json is missing, unreadable or not an orbitmc report."""


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
