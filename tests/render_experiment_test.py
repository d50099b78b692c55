#!/usr/bin/env python3
"""Tests for validation/render_experiment.py: a small ensemble run by orbitmc (spectral: three
parametrisations, three noise models, comparisons) renders into a page whose every figure file
exists and has a caption and alt text, whose tables hold every run and comparison, and whose
hostile text is escaped; an interrupted report renders under an INCOMPLETE banner; a file that
is not an experiment report exits 2."""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "validation", "render_experiment.py")
ORBITMC = os.environ.get("ORBITMC_BIN", os.path.join(ROOT, "build", "orbitmc"))
HAVE_PLOTTING = all(importlib.util.find_spec(m) is not None for m in ("numpy", "matplotlib"))


def render(path, outdir):
    return subprocess.run([sys.executable, SCRIPT, path, "--out", outdir], capture_output=True,
                          text=True, timeout=300)


class RenderExperiment(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "run")
        subprocess.run([ORBITMC, "experiment", "spectral", "--seeds", "3", "--steps", "200",
                        "--noise", "sgd,gd,langevin", "--set", "test_points=100", "--no-html",
                        "--quiet", "--out", cls.out], check=True, stdout=subprocess.DEVNULL)
        cls.json = os.path.join(cls.out, "experiment.json")
        with open(cls.json) as f:
            cls.report = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_page_and_figures(self):
        page_dir = os.path.join(self.tmp.name, "page")
        r = render(self.json, page_dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(page_dir, "index.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertIn("orbitmc experiment: spectral", page)
        # Rows: the head (11), the settings, the comparisons and the runs (each with a header).
        rows = 11 + len(self.report["settings"]) + len(self.report["comparisons"]) + 1 + len(
            self.report["runs"]) + 1
        self.assertEqual(page.count("<tr>"), rows)
        for c in self.report["comparisons"]:
            self.assertIn("%d / %d" % (c["wins"], c["trials"]), page)
        if not HAVE_PLOTTING:
            self.skipTest("no Matplotlib/NumPy: figures not drawn")
        figures = page.count("<figure>")
        self.assertGreaterEqual(figures, 10)
        self.assertEqual(page.count("<figcaption>"), figures)
        for name in os.listdir(page_dir):
            if name.endswith(".png"):
                self.assertIn(name, page)
                self.assertGreater(os.path.getsize(os.path.join(page_dir, name)), 1000)
        self.assertEqual(len([n for n in os.listdir(page_dir) if n.endswith(".png")]), figures)

    def test_incomplete_and_hostile_text(self):
        report = dict(self.report)
        report["complete"] = False
        report["interrupted"] = "SIGINT"
        report["runs"] = report["runs"][:4]
        report["command"] = "<script>alert(1)</script>\x1b[31m"
        path = os.path.join(self.tmp.name, "partial.json")
        with open(path, "w") as f:
            json.dump(report, f)
        page_dir = os.path.join(self.tmp.name, "partial")
        r = render(path, page_dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(page_dir, "index.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertIn("INCOMPLETE", page)
        self.assertIn("4 of 9 runs", page)
        self.assertIn("SIGINT", page)
        self.assertNotIn("<script>", page)
        self.assertIn("\\x1b", page)

    def test_not_an_experiment_report(self):
        path = os.path.join(self.tmp.name, "other.json")
        with open(path, "w") as f:
            json.dump({"schema": "orbitmc.report/1"}, f)
        r = render(path, os.path.join(self.tmp.name, "x"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an orbitmc experiment report", r.stderr)


if __name__ == "__main__":
    unittest.main()
