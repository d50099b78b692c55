#!/usr/bin/env python3
"""Tests for validation/render_report.py, run as `python3 tests/render_report_test.py`.

Renders the stored report tests/data/report_small.json into temporary folders and checks the
page (well formed, tables present, text escaped), the figures (every referenced PNG exists, every
figure has a caption and every image alt text), the --no-figures and no-Matplotlib fallbacks,
and the exit status on a bad report. Only the figure checks are skipped when Matplotlib or NumPy
is missing from the interpreter running the test.
"""

import html.parser
import importlib.util
import json
import os
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
