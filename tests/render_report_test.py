#!/usr/bin/env python3
"""Tests for validation/render_report.py, run as `python3 tests/render_report_test.py`.

Renders the stored report tests/data/report_small.json into temporary folders and checks the
page (well formed, tables present, text escaped), the figures (every referenced PNG exists, every
figure has a caption and every image alt text), the --no-figures and no-Matplotlib fallbacks,
the exit status on a bad report, the INCOMPLETE rendering of a run that did not finish (variants
of the stored report, made in the test), and hostile text (markup, control characters). Only the figure checks are skipped when Matplotlib or NumPy
is missing from the interpreter running the test.
"""

import html.parser
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "validation", "render_report.py")
REPORT = os.path.join(ROOT, "tests", "data", "report_small.json")
HAVE_PLOTTING = all(importlib.util.find_spec(m) is not None for m in ("numpy", "matplotlib"))
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def render(report_path, outdir, *extra, env=None):
    args = [sys.executable, SCRIPT, report_path] + (["--out", outdir] if outdir else []) + list(extra)
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)


class PageParser(html.parser.HTMLParser):
    """Checks nesting (every opened non-void tag closed, in order) and collects the figures."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.images, self.figures = [], [], [], []
        self.text = []
        self.doctype = False

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
            if self.figures and "figure" in self.stack:
                self.figures[-1]["img"] += 1
        if tag == "figure":
            self.figures.append({"img": 0, "caption": ""})
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()  # <x/> opens and closes

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append("end tag for void element <%s>" % tag)
        elif not self.stack:
            self.errors.append("</%s> with nothing open" % tag)
        elif self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s> (open: %s)" % (tag, self.stack[-1], self.stack))
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if "figcaption" in self.stack and self.figures:
            self.figures[-1]["caption"] += data


def parse_page(path):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    parser = PageParser()
    parser.feed(source)
    parser.close()
    return parser, source


class PageChecks:
    """Shared checks on a rendered page. Subclasses name the output folder and the renderer's
    extra arguments; setUpClass renders the stored report once per class."""

    SUBDIR = "report"
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, cls.SUBDIR)
        cls.result = render(REPORT, cls.out, *cls.ARGS)
        with open(REPORT, encoding="utf-8") as f:
            cls.report = json.load(f)
        cls.page, cls.source = parse_page(os.path.join(cls.out, "index.html"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_page_is_well_formed(self):
        p = self.page
        self.assertTrue(p.doctype, "missing <!DOCTYPE html>")
        self.assertEqual(p.errors, [])
        self.assertEqual(p.stack, [], "tags left open")

    def test_tables_and_verdicts(self):
        text = " ".join(self.page.text)
        for case in self.report["cases"]:
            self.assertIn(case["name"], text)
            self.assertIn(str(case["seed"]), text)  # seed printed verbatim, for reproduction
        self.assertIn(self.report["orbitmc_version"], text)
        self.assertIn(self.report["command"], text)
        self.assertIn('class="pass">PASS<', self.source)
        self.assertIn('class="fail">FAIL<', self.source)
        for reason in self.report["cases"][1]["reasons"]:
            self.assertIn(reason, text)


class FullRender(PageChecks, unittest.TestCase):
    def test_exit_status(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)

    @unittest.skipUnless(HAVE_PLOTTING, "matplotlib/numpy not importable")
    def test_figures_exist(self):
        srcs = [img.get("src") for img in self.page.images]
        # block_1_3: histogram, stiffness, c scan, balance, p-values; matfac: 2 histograms,
        # p-values.
        self.assertEqual(len(srcs), 8, srcs)
        for src in srcs:
            path = os.path.join(self.out, src)
            self.assertTrue(os.path.isfile(path), src)
            self.assertGreater(os.path.getsize(path), 1000, src)
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", src)
        leftovers = [n for n in os.listdir(self.out) if n.startswith(".tmp-")]
        self.assertEqual(leftovers, [], "temporary files left behind")

    @unittest.skipUnless(HAVE_PLOTTING, "matplotlib/numpy not importable")
    def test_every_figure_has_caption_and_alt(self):
        self.assertTrue(self.page.figures)
        for fig in self.page.figures:
            self.assertEqual(fig["img"], 1)
            self.assertGreater(len(fig["caption"].strip()), 40)
        for img in self.page.images:
            self.assertTrue((img.get("alt") or "").strip(), img)


class NoFiguresRender(PageChecks, unittest.TestCase):
    SUBDIR = "tables"
    ARGS = ("--no-figures",)

    def test_no_images(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertEqual(self.page.images, [])
        self.assertEqual(self.page.figures, [])
        self.assertEqual(sorted(os.listdir(self.out)), ["index.html"])
        self.assertIn("--no-figures", " ".join(self.page.text))


class WithoutMatplotlib(unittest.TestCase):
    """A stub package that fails to import stands in for a machine without Matplotlib."""

    def test_tables_only_with_install_hint(self):
        with tempfile.TemporaryDirectory() as tmp:
            stub = os.path.join(tmp, "stub", "matplotlib")
            os.makedirs(stub)
            with open(os.path.join(stub, "__init__.py"), "w") as f:
                f.write("raise ImportError('matplotlib hidden by the test')\n")
            env = dict(os.environ, PYTHONPATH=os.path.join(tmp, "stub"))
            out = os.path.join(tmp, "out")
            result = render(REPORT, out, env=env)
            self.assertEqual(result.returncode, 0, result.stderr)
            page, _ = parse_page(os.path.join(out, "index.html"))
            self.assertEqual(page.errors, [])
            self.assertEqual(page.images, [])
            self.assertIn("apt-get install python3-matplotlib python3-numpy", " ".join(page.text))


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def assert_rejected(self, path):
        result = render(path, os.path.join(self.tmp.name, "out"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "out", "index.html")))

    def test_missing_file(self):
        self.assert_rejected(os.path.join(self.tmp.name, "does-not-exist.json"))

    def test_not_json(self):
        self.assert_rejected(self.write("bad.json", "{ not json"))

    def test_wrong_schema(self):
        self.assert_rejected(self.write("other.json", json.dumps({"schema": "x/9", "cases": []})))

    def test_directory(self):
        self.assert_rejected(self.tmp.name)


class Escaping(unittest.TestCase):
    def test_text_is_escaped_and_default_outdir(self):
        with open(REPORT, encoding="utf-8") as f:
            report = json.load(f)
        report["cases"][0]["title"] = "<script>alert(1)</script> & co"
        report["cases"][1]["reasons"] = ["x < y & <b>bold</b>"]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "report.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(report, f)
            result = render(path, None, "--no-figures")
            self.assertEqual(result.returncode, 0, result.stderr)
            page, source = parse_page(os.path.join(tmp, "report", "index.html"))
            self.assertEqual(page.errors, [])
            self.assertNotIn("<script>", source)
            self.assertNotIn("<b>bold", source)
            self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", source)


def load_small():
    with open(REPORT, encoding="utf-8") as f:
        return json.load(f)


def render_variant(tmp, report, *extra):
    """Writes report as TMP/report.json, renders it into TMP/out; returns (result, page, source).
    ensure_ascii keeps lone surrogates writable: they travel as JSON \\u escapes."""
    path = os.path.join(tmp, "report.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=True)
    out = os.path.join(tmp, "out")
    result = render(path, out, *extra)
    page, source = parse_page(os.path.join(out, "index.html"))
    return result, page, source


def overall_verdicts(source):
    """The overall verdict as shown in the summary line and in the run table."""
    summary = re.search(r"<p>Overall: <strong[^>]*>([^<]*)</strong>", source)
    run_row = re.search(r"<th>overall verdict</th><td[^>]*>([^<]*)</td>", source)
    return summary and summary.group(1), run_row and run_row.group(1)


class RhatNotes(unittest.TestCase):
    """A sampler that must match with split R-hat above 1.1 gets a note under its table: the case
    file's own reason (rhat_note) when it gives one, else the general reasons; none below."""

    def render_rhat(self, rhat, note=None):
        report = load_small()
        case = report["cases"][0]
        for s in case["samplers"]:
            if s.get("expect") == "match":
                s["coords"][0]["rhat"] = rhat
        if note is not None:
            case["rhat_note"] = note
        with tempfile.TemporaryDirectory() as tmp:
            result, page, source = render_variant(tmp, report, "--no-figures")
        self.assertEqual(result.returncode, 0, result.stderr)
        return source

    def test_case_reason_general_reason_or_none(self):
        own = self.render_rhat(3.5, "Chains <stay> on their sign, by design.")
        self.assertIn("R-hat above 1.1", own)
        self.assertIn("Chains &lt;stay&gt; on their sign, by design.", own)
        self.assertNotIn("slow relaxation along σ", own)
        general = self.render_rhat(3.5)
        self.assertIn("slow relaxation along σ", general)
        self.assertNotIn("R-hat above", self.render_rhat(1.01, "never shown"))


class StiffLaw(unittest.TestCase):
    """An ambient sampler tested against its own law at κ (samplers[].reference_probs): drawn
    dotted in its histogram, said in the caption; a report without it draws neither."""

    def render_stiff(self, with_own):
        report = load_small()
        case = report["cases"][0]
        if with_own:
            probs = list(case["reference_probs"])
            probs[0] *= 0.5  # visibly its own
            case["samplers"][0]["reference_probs"] = probs
        with tempfile.TemporaryDirectory() as tmp:
            result, page, source = render_variant(tmp, report)
        self.assertEqual(result.returncode, 0, result.stderr)
        return source

    def test_own_law_said_only_when_given(self):
        if not HAVE_PLOTTING:
            self.skipTest("no Matplotlib/NumPy: figures not drawn")
        self.assertIn("tested against that law (dotted)", self.render_stiff(True))
        self.assertIn("stiff penalty at its κ (200)", self.render_stiff(True))
        self.assertNotIn("tested against that law", self.render_stiff(False))


class Incomplete(unittest.TestCase):
    """A run stopped by a signal (or still running): the cases that ran are shown, the run as a
    whole is INCOMPLETE, never PASS or FAIL."""

    def render_with(self, **fields):
        report = load_small()
        report.update(fields)
        with tempfile.TemporaryDirectory() as tmp:
            result, page, source = render_variant(tmp, report, "--no-figures")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(page.errors, [])
        self.assertEqual(page.stack, [])
        return result, " ".join(page.text), source

    def assert_incomplete(self, source, text, banner):
        self.assertEqual(overall_verdicts(source), ("INCOMPLETE", "INCOMPLETE"))
        self.assertIn('<div class="incomplete-banner"', source)
        self.assertIn(banner, text)
        self.assertIn("INCOMPLETE", re.search(r"<title>([^<]*)</title>", source).group(1))
        # The cases that ran are still shown, with their own verdicts.
        for case in load_small()["cases"]:
            self.assertIn(case["name"], text)
            self.assertIn(str(case["seed"]), text)
        self.assertIn('class="pass">PASS<', source)  # block_1_3 passed
        self.assertIn('class="fail">FAIL<', source)  # matfac failed

    def test_interrupted_by_sigint(self):
        result, text, source = self.render_with(complete=False, interrupted="SIGINT",
                                                cases_planned=3, all_pass=False)
        self.assert_incomplete(source, text,
                               "This run did not finish: 2 of 3 cases (interrupted by SIGINT)")
        self.assertIn("INCOMPLETE", result.stderr)

    def test_never_pass_even_if_all_pass_is_true(self):
        # The case: one case of three ran and passed. all_pass should be false then,
        # but even a true must not turn an unfinished run into a PASS.
        report = load_small()
        report.update(complete=False, interrupted="SIGTERM", cases_planned=3, all_pass=True)
        report["cases"] = report["cases"][:1]
        with tempfile.TemporaryDirectory() as tmp:
            result, page, source = render_variant(tmp, report, "--no-figures")
        self.assertEqual(result.returncode, 0, result.stderr)
        text = " ".join(page.text)
        self.assertEqual(overall_verdicts(source), ("INCOMPLETE", "INCOMPLETE"))
        self.assertIn("This run did not finish: 1 of 3 cases (interrupted by SIGTERM)", text)
        self.assertNotIn("<strong class=\"pass\">", source)

    def test_no_signal_recorded(self):
        _, text, source = self.render_with(complete=False, interrupted=None, cases_planned=3,
                                           all_pass=False)
        self.assert_incomplete(source, text, "This run did not finish: 2 of 3 cases (still "
                                             "running or killed")

    def test_fewer_cases_than_planned(self):
        # "complete" missing or true, but fewer cases than planned: not a finished run either.
        _, text, source = self.render_with(cases_planned=5, all_pass=False)
        self.assert_incomplete(source, text, "This run did not finish: 2 of 5 cases")

    def test_complete_true(self):
        _, text, source = self.render_with(complete=True, interrupted=None, cases_planned=2,
                                           all_pass=False, seed_override=2 ** 64 - 1)
        self.assertEqual(overall_verdicts(source), ("FAIL", "FAIL"))
        self.assertNotIn("INCOMPLETE", source)
        self.assertIn(str(2 ** 64 - 1), text)  # seed override printed verbatim

    def test_without_complete_field_renders_as_before(self):
        # Reports of older versions have no "complete": they count as complete.
        report = load_small()
        self.assertNotIn("complete", report)
        with tempfile.TemporaryDirectory() as tmp:
            _, _, source = render_variant(tmp, report, "--no-figures")
        self.assertEqual(overall_verdicts(source), ("FAIL", "FAIL"))
        self.assertNotIn("INCOMPLETE", source)
        self.assertNotIn('<div class="incomplete-banner"', source)
        report["all_pass"] = True
        for case in report["cases"]:
            case["pass"], case["reasons"] = True, []
        with tempfile.TemporaryDirectory() as tmp:
            _, _, source = render_variant(tmp, report, "--no-figures")
        self.assertEqual(overall_verdicts(source), ("PASS", "PASS"))
        self.assertNotIn("INCOMPLETE", source)


class HostileText(unittest.TestCase):
    """Markup, control characters, bidi overrides and lone surrogates anywhere in the report
    reach the page as inert, visible text (figures too, when they are drawn)."""

    NAME = "<script>alert(1)</script>\x1b[31m\x00\x07\u202eevil\ud800 $x^2$"

    def test_hostile_strings(self):
        report = load_small()
        report["command"] = "orbitmc validate '<img src=x onerror=alert(1)>'\x1b[2J"
        report.update(complete=False, interrupted="<b>SIGINT</b>\x00", cases_planned=3)
        for case in report["cases"]:
            case["name"] = self.NAME
            case["title"] = "<i>t</i>\x0c"
            case["file"] = 'validation/"><script>x</script>.json'
            case["reasons"] = ["<u>reason</u>\x1b"]
            for s in case["samplers"]:
                s["note"] = "<em>note</em>\x08"
                s["role"] = s["role"] + "<br>"
        with tempfile.TemporaryDirectory() as tmp:
            result, page, source = render_variant(tmp, report)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(os.path.join(tmp, "out", "index.html"), "rb") as f:
                raw = f.read().decode("utf-8")  # valid UTF-8 despite the lone surrogate
        self.assertEqual(page.errors, [])
        self.assertEqual(page.stack, [])
        # (The page's own text uses <em> for "match" and "rejected"; the note's does not reach it.)
        for tag in ("<script", "<img src=x", "<b>", "<i>", "<u>", "<em>note", "<br>"):
            self.assertFalse(tag in raw, "%s reached the page unescaped" % tag)
        self.assertIsNone(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202e]", raw))
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[31m\\x00\\x07\\u202eevil"
                      "\\ud800 $x^2$", raw)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", raw)
        self.assertIn("interrupted by &lt;b&gt;SIGINT&lt;/b&gt;\\x00", raw)
        if HAVE_PLOTTING:  # the figures are drawn too, with the name in their titles
            self.assertEqual(len(page.images), 8)
        for img in page.images:  # file names come from slugs, never from the raw name
            self.assertRegex(img.get("src"), r"^[A-Za-z0-9_.-]+$")


class ExponentFitLevel(unittest.TestCase):
    def test_level_from_report(self):
        report = load_small()
        report["cases"][0]["exponent_fit"]["level"] = 0.999
        with tempfile.TemporaryDirectory() as tmp:
            _, page, _ = render_variant(tmp, report, "--no-figures")
        text = " ".join(page.text)
        self.assertIn("99.9% interval", text)
        self.assertNotIn("95% interval", text)

    def test_older_report_without_level(self):
        # Before "level" was recorded the interval was a fixed 95 %.
        with tempfile.TemporaryDirectory() as tmp:
            _, page, _ = render_variant(tmp, load_small(), "--no-figures")
        self.assertIn("95% interval", " ".join(page.text))


class DivergedStudy(unittest.TestCase):
    """A stiffness study whose runs diverged: untested points are null, as is the
    extrapolation when fewer than two points remain; the page and figure still render."""

    def test_untested_points_and_no_extrapolation(self):
        report = load_small()
        st = report["cases"][0]["stiffness"]
        n = len(st["kappa"])
        st["diverged"] = [0] * (n - 1) + [st["chains"]]
        st["tested"] = [True] + [False] * (n - 1)
        st["note"] = [""] + ["diverged chains 100% > 1%: try a smaller step h"] * (n - 1)
        for key in ("distance", "distance_err", "tv"):
            st[key] = [st[key][0]] + [None] * (n - 1)
        st["extrapolated"] = st["extrapolated_err"] = None
        st["consistent_with_zero"] = False
        extra = () if HAVE_PLOTTING else ("--no-figures",)
        with tempfile.TemporaryDirectory() as tmp:
            result, page, _ = render_variant(tmp, report, *extra)
            self.assertEqual(result.returncode, 0, result.stderr)
            if HAVE_PLOTTING:
                self.assertTrue(os.path.exists(os.path.join(tmp, "out",
                                                            "00-block_1_3-stiffness.png")))
        self.assertIn("diverged chains 100% > 1%: try a smaller step h", " ".join(page.text))


if __name__ == "__main__":
    unittest.main(verbosity=2)
