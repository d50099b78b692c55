#!/usr/bin/env python3
"""Tests for validation/render_experiment.py on small ensembles run by orbitmc (spectral: three
parametrisations, comparisons, 64 blocks; relu: 16 units; tv: 200 blocks, a truth's total
variation, 4 log points), each under sgd, gd and langevin.

The page: verdicts and the training curves first, every figure file exists and has a caption
and alt text, the tables hold every run,
comparison and balance check (identity_over_run when the report has it, and still a page when
it does not), the seed is printed plainly, hostile text is escaped; an interrupted report renders
under an INCOMPLETE banner; a file that is not an experiment report exits 2.

The figures (drawn in this process, each one inspected before it is saved): the langevin
imbalance figures carry THEORY §7's predicted mean, series with more than 8 labels are small
multiples with bands, many blocks are a start-and-end profile, box plots say "lower wins" only
for compared metrics, every figure has labelled axes, a legend without repeats and a caption."""

import copy
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "validation", "render_experiment.py")
ORBITMC = os.environ.get("ORBITMC_BIN", os.path.join(ROOT, "build", "orbitmc"))
HAVE_PLOTTING = all(importlib.util.find_spec(m) is not None for m in ("numpy", "matplotlib"))
sys.path.insert(0, os.path.join(ROOT, "validation"))

from orbitmc_report import experiment_figures, figures  # noqa: E402
from orbitmc_report.text import fmt  # noqa: E402

RUNS = {  # small ensembles, each well under a second on one CPU core
    "spectral": ["--steps", "200", "--set", "test_points=100"],
    "relu": ["--steps", "200", "--log-every", "20"],
    "tv": ["--steps", "300", "--log-every", "100"],
}
OVER_RUN = {"predicted_change": 1.2345e-05, "missed": 6.789e-09, "rounding_walk": 4.321e-09,
            "verdict": "holds to rounding"}


def render(path, outdir, with_figures=True):
    return subprocess.run([sys.executable, SCRIPT, path, "--out", outdir] + (
        [] if with_figures else ["--no-figures"]), capture_output=True, text=True, timeout=300)


def captions(page):
    """{png file: caption text} of a rendered page."""
    found = re.findall(r'<img src="([^"]+)".*?<figcaption>(.*?)</figcaption>', page, re.S)
    return {f: c for f, c in found}


def inspect(fig):
    """What a test needs to know of a drawn figure."""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    legend = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    legend += [t.get_text() for ax in axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    return {"axes": len(axes), "legend": legend,
            "lines": [(ln.get_label(), ln.get_linestyle(), ln.get_marker())
                      for ax in axes for ln in ax.get_lines()],
            "bands": sum(len(ax.collections) for ax in axes),
            "xlabels": [ax.get_xlabel() for ax in axes if ax.get_xlabel()],
            "ylabels": [ax.get_ylabel() for ax in axes if ax.get_ylabel()]}


def draw_figures(report, outdir):
    """experiment_figures() in this process, with every figure inspected as it is saved;
    returns {file: figure dict with 'drawn' (what inspect found)} and the errors."""
    drawn = {}
    save = figures.save_figure

    def recording_save(fig, folder, filename):
        drawn[filename] = inspect(fig)
        save(fig, folder, filename)

    figures.save_figure = recording_save
    try:
        made, errors = experiment_figures.experiment_figures(report, outdir)
    finally:
        figures.save_figure = save
    return {f["file"]: dict(f, drawn=drawn[f["file"]]) for f in made}, errors


class RenderExperiment(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.reports, cls.json = {}, {}
        for name, args in RUNS.items():
            out = os.path.join(cls.tmp.name, name)
            subprocess.run([ORBITMC, "experiment", name, "--seeds", "3", "--noise",
                            "sgd,gd,langevin", "--no-html", "--quiet", "--out", out] + args,
                           check=True, stdout=subprocess.DEVNULL)
            cls.json[name] = os.path.join(out, "experiment.json")
            with open(cls.json[name]) as f:
                cls.reports[name] = json.load(f)
        cls.report = cls.reports["spectral"]
        cls.drawn = {}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def figures_of(self, name):
        """The figures of one ensemble, drawn once per test run (needs NumPy/Matplotlib)."""
        if not HAVE_PLOTTING or figures.import_plotting():
            self.skipTest("no Matplotlib/NumPy: figures not drawn")
        if name not in self.drawn:
            outdir = os.path.join(self.tmp.name, "drawn-" + name)
            os.makedirs(outdir, exist_ok=True)
            made, errors = draw_figures(self.reports[name], outdir)
            self.assertEqual(errors, [])
            self.drawn[name] = made
        return self.drawn[name]

    def figure(self, name, kind, series, variant=None):
        found = [f for f in self.figures_of(name).values()
                 if f["kind"] == kind and f.get("series", f.get("metric")) == series
                 and variant in (None, f.get("variant"))]
        self.assertEqual(len(found), 1, "%s: no single %s figure of %s" % (name, kind, series))
        return found[0]

    def render_report(self, report, name, with_figures=True):
        path = os.path.join(self.tmp.name, name + ".json")
        with open(path, "w") as f:
            json.dump(report, f)
        page_dir = os.path.join(self.tmp.name, name)
        r = render(path, page_dir, with_figures)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(page_dir, "index.html"), encoding="utf-8") as f:
            return f.read()

    # ---- the page ----------------------------------------------------------------------

    def test_page_and_figures(self):
        page_dir = os.path.join(self.tmp.name, "page")
        r = render(self.json["spectral"], page_dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(page_dir, "index.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertIn("orbitmc experiment: spectral", page)
        # Rows: the summary (one per line, with a header), the head (11), the settings, the
        # comparisons, the runs and the runs with blocks (the balance table), each data table
        # with a header.
        balanced = len([r for r in self.report["runs"] if r.get("balance")])
        rows = (len(self.report["summary"]) + 1 + 11 + len(self.report["settings"]) +
                len(self.report["comparisons"]) + 1 + len(self.report["runs"]) + 1 + balanced + 1)
        self.assertEqual(page.count("<tr>"), rows)
        # What the run shows comes first: before the summary, one sentence per comparison.
        self.assertLess(page.index("What this run shows"), page.index("<h2>Summary</h2>"))
        for c in self.report["comparisons"]:
            self.assertIn("lower in %d of %d seeds" % (c["wins"], c["trials"]), page)
        for c in self.report["comparisons"]:
            self.assertIn("%d / %d" % (c["wins"], c["trials"]), page)
        if not HAVE_PLOTTING:
            self.skipTest("no Matplotlib/NumPy: figures not drawn")
        figures_count = page.count("<figure>")
        self.assertGreaterEqual(figures_count, 10)
        self.assertEqual(page.count("<figcaption>"), figures_count)
        for name in os.listdir(page_dir):
            if name.endswith(".png"):
                self.assertIn(name, page)
                self.assertGreater(os.path.getsize(os.path.join(page_dir, name)), 1000)
        self.assertEqual(len([n for n in os.listdir(page_dir) if n.endswith(".png")]),
                         figures_count)

    def test_verdicts_and_curves_come_first(self):
        page = self.render_report(self.report, "order")
        order = ["What this run shows"] + (["<h2>Training curves</h2>"] if HAVE_PLOTTING else
                                           []) + ["<h2>Summary</h2>",
                                                  "<h2>Designed against baseline", "<h2>Balance",
                                                  "<h2>Run</h2>", "<h2>Settings</h2>"]
        at = [page.index(h) for h in order]
        self.assertEqual(at, sorted(at), order)
        if HAVE_PLOTTING:  # the curves are the first figure, the box plots under the comparisons
            first = page.index("<figure>")
            self.assertIn("training-curves.png", page[first:page.index("</figure>", first)])
            boxes = page.index("-metric-")
            self.assertLess(page.index("<h2>Designed against baseline"), boxes)
            self.assertLess(boxes, page.index("<h2>Balance"))

    def test_training_curves(self):
        # Every run logs its training loss: none at step 0 (no step taken yet), then the mean of
        # the step losses since the previous log point: finite and positive.
        for name, report in self.reports.items():
            self.assertIn(report["test_series"], [x["name"] for x in report["runs"][0]["series"]])
            for run in report["runs"]:
                loss = [x for x in run["series"] if x["name"] == "train_loss"][0]
                self.assertIsNone(loss["median"][0][0], name)
                self.assertTrue(all(m[0] > 0 and lo[0] <= m[0] <= hi[0] for m, lo, hi in
                                    zip(loss["median"][1:], loss["q05"][1:], loss["q95"][1:])),
                                name)
        if not HAVE_PLOTTING or figures.import_plotting():
            self.skipTest("no Matplotlib/NumPy: figures not drawn")
        from orbitmc_report import experiment_curves
        drawn = {}
        save = figures.save_figure
        figures.save_figure = lambda fig, folder, f: (drawn.update({f: inspect(fig)}),
                                                      save(fig, folder, f))
        try:
            fig = experiment_curves.curves_figure(self.report, self.tmp.name, "curves.png")
        finally:
            figures.save_figure = save
        seen = drawn["curves.png"]
        noises = len(self.report["noise"])
        self.assertEqual(seen["axes"], 2 * noises)  # training loss, test metric × noise models
        self.assertEqual(set(seen["ylabels"]), {"training loss", "expected test mse"})
        # Designed and baselines on the same axes, one legend entry each, in colours that are
        # not the noise models' (the noise models are the columns here).
        self.assertEqual(sorted(seen["legend"]), ["hadamard (designed)", "plain (baseline)",
                                                  "plain_l1 (baseline)"])
        self.assertEqual(seen["bands"], 2 * noises * 3)
        for variant in ("hadamard", "plain", "plain_l1"):
            self.assertIn(variant, fig["caption"])
        self.assertIn("first log point → last", fig["caption"])
        # A report from before the training loss was logged draws no curves, and no error.
        old = copy.deepcopy(self.report)
        for run in old["runs"]:
            run["series"] = [x for x in run["series"] if x["name"] != "train_loss"]
        self.assertIsNone(experiment_curves.curves_figure(old, self.tmp.name, "old.png"))

    def test_one_colour_meaning(self):
        # Blue, vermillion and green mean noise models on every figure of a page: a series'
        # labels (the spikes, the blocks) draw from other colours.
        noise = set(experiment_figures.NOISE_COLOURS.values())
        self.assertFalse(noise & set(experiment_figures.LABEL_COLOURS))
        from orbitmc_report import experiment_curves
        self.assertFalse(noise & set(experiment_curves.VARIANT_COLOURS))

    def test_seed_printed_plainly(self):
        report = copy.deepcopy(self.reports["relu"])
        report["seed"] = 20261201
        page = self.render_report(report, "seed", with_figures=False)
        self.assertIn("<td>20261201</td>", page)
        self.assertNotIn("20,261,201", page)

    def test_identity_over_run_in_table_and_caption(self):
        report = copy.deepcopy(self.reports["relu"])
        for run in report["runs"]:
            if run["noise"] in ("gd", "sgd"):
                run["balance"]["identity_over_run"] = dict(OVER_RUN)
        page = self.render_report(report, "identity")
        table = page[page.index("<h2>Balance"):]
        table = table[:table.index("</table>")]
        for key in ("predicted_change", "missed", "rounding_walk"):
            self.assertIn(fmt(OVER_RUN[key]), table)
        self.assertIn(OVER_RUN["verdict"], table)
        if not HAVE_PLOTTING:
            return
        caption = [c for f, c in captions(page).items() if f.endswith("-imbalance.png")][0]
        for key in ("predicted_change", "missed", "rounding_walk"):
            self.assertIn(fmt(OVER_RUN[key]), caption)

    def test_without_or_with_null_identity_over_run(self):
        for name, value in (("no-identity", None), ("null-identity", dict.fromkeys(OVER_RUN))):
            report = copy.deepcopy(self.reports["relu"])
            for run in report["runs"]:
                run["balance"].pop("identity_over_run", None)
                if value is not None and run["noise"] != "langevin":
                    run["balance"]["identity_over_run"] = value
            page = self.render_report(report, name)
            self.assertIn("<h2>Balance", page)
            self.assertNotIn("Figure not drawn", page)
            if value is not None:  # the null numbers read "—" in the balance table
                table = page[page.index("<h2>Balance"):]
                table = table[:table.index("</table>")]
                self.assertIn("<td>—</td>", table.replace(' class="num"', ""))
            if HAVE_PLOTTING:
                caption = [c for f, c in captions(page).items()
                           if f.endswith("-imbalance.png")][0]
                self.assertIn("largest relative deviation per step", caption)

    def test_incomplete_and_hostile_text(self):
        report = dict(self.report)
        report["complete"] = False
        report["interrupted"] = "SIGINT"
        report["runs"] = report["runs"][:4]
        report["command"] = "<script>alert(1)</script>\x1b[31m"
        page = self.render_report(report, "partial")
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

    # ---- the figures -------------------------------------------------------------------

    def test_imbalance_beside_its_prediction(self):
        label = experiment_figures.PREDICTION_LABEL
        for name, kind in (("relu", "multiples"), ("tv", "profile"), ("spectral", "profile")):
            fig = self.figure(name, kind, "imbalance")
            dashed = [ln for ln in fig["drawn"]["lines"] if ln[0].startswith(label)]
            self.assertTrue(dashed, name)
            self.assertTrue(all(ls == "--" for _, ls, _ in dashed))
            self.assertIn("THEORY §7's D_b", fig["caption"])
        # The prediction is drawn in the imbalance figure, never as a figure of its own.
        made, _ = draw_figures(self.reports["relu"], os.path.join(self.tmp.name, "drawn-all"))
        self.assertFalse([f for f in made.values() if f.get("series") == "imbalance_predicted"])
        # A report without the predicted series (an older one) draws no prediction line.
        report = copy.deepcopy(self.reports["relu"])
        for run in report["runs"]:
            run["series"] = [x for x in run["series"] if x["name"] != "imbalance_predicted"]
        made, _ = draw_figures(report, os.path.join(self.tmp.name, "drawn-relu"))
        fig = [f for f in made.values() if f.get("series") == "imbalance"][0]
        self.assertFalse([ln for ln in fig["drawn"]["lines"] if ln[0].startswith(label)])
        self.assertNotIn("THEORY §7's D_b", fig["caption"])

    def test_many_labels_are_small_multiples_with_bands(self):
        ratio = [x for x in self.reports["relu"]["runs"][0]["series"]
                 if x["name"] == "balance_ratio"][0]
        units = len(ratio["labels"])
        self.assertGreater(units, experiment_figures.MAX_OVERLAID)
        for series in ("balance_ratio", "imbalance"):
            fig = self.figure("relu", "multiples", series)
            self.assertEqual(fig["drawn"]["axes"], units)
            self.assertGreaterEqual(fig["drawn"]["bands"], units * 3)  # 3 noise models
            self.assertNotIn("no bands", fig["caption"])

    def test_profiles_show_start_and_end(self):
        for series in ("imbalance", "balance_ratio", "signal"):
            fig = self.figure("tv", "profile", series, "cumsum")
            labels = [ln[0] for ln in fig["drawn"]["lines"]]
            self.assertIn("step 0 (start)", labels)
            self.assertTrue(any(label.endswith("(end)") for label in labels))
            self.assertNotIn("conservation law", fig["caption"])
        ratio = self.figure("tv", "profile", "balance_ratio", "cumsum")["drawn"]["legend"]
        self.assertIn("balanced (1)", ratio)
        self.assertNotIn("truth", ratio)

    def test_captions_from_the_data(self):
        runs = [r for r in self.reports["tv"]["runs"] if r.get("balance")]
        caption = self.figure("tv", "overlay", "mean_abs_imbalance")["caption"]
        for run in runs:
            b = run["balance"]
            self.assertIn("%s %s → %s (%s)" % (run["noise"], fmt(b["imbalance_start"]),
                                               fmt(b["imbalance_end"]), b["verdict"]), caption)
        signals = [f for f in self.figures_of("tv").values() if f.get("series") == "signal"]
        by_variant = {f["variant"]: f["caption"] for f in signals}
        self.assertIn("designed parametrisation", by_variant["cumsum"])
        self.assertIn("baseline parametrisation", by_variant["plain"])
        self.assertNotIn("designed parametrisation", by_variant["plain"])

    def test_box_plots_say_lower_wins_only_when_compared(self):
        for name in RUNS:
            compared = {c["metric"] for c in self.reports[name].get("comparisons", [])}
            boxes = [f for f in self.figures_of(name).values() if f["kind"] == "metric"]
            self.assertTrue(boxes)
            for f in boxes:
                self.assertEqual("Lower wins" in f["caption"], f["metric"] in compared,
                                 (name, f["metric"]))
                self.assertEqual("comparisons table" in f["caption"], f["metric"] in compared)
        self.assertFalse(self.reports["relu"].get("comparisons"))
        truth = self.figure("tv", "metric", "total_variation")
        self.assertIn("truth (6)", truth["drawn"]["legend"])
        self.assertIn("truth's value, 6", truth["caption"])
        excess = self.figure("tv", "metric", "tv_excess")
        self.assertFalse([t for t in excess["drawn"]["legend"] if t.startswith("truth")])

    def test_every_figure_is_labelled_and_explained(self):
        for name in RUNS:
            for file, f in self.figures_of(name).items():
                drawn = f["drawn"]
                self.assertTrue(drawn["xlabels"] and drawn["ylabels"], file)
                self.assertTrue(drawn["legend"], file)
                self.assertEqual(len(drawn["legend"]), len(set(drawn["legend"])), file)
                self.assertGreater(len(f["caption"]), 80, file)
                self.assertTrue(f["alt"], file)

    def test_few_points_have_markers(self):
        fig = self.figure("tv", "overlay", "total_variation", "plain")  # 4 log points
        self.assertTrue(all(m == "o" for label, _, m in fig["drawn"]["lines"]
                            if label.endswith("5–95 %)")))
        fig = self.figure("relu", "overlay", "balance_distance")  # 11 log points
        self.assertTrue(all(m in ("None", "", None) for label, _, m in fig["drawn"]["lines"]
                            if label.endswith("5–95 %)")))


if __name__ == "__main__":
    unittest.main()
