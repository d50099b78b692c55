#!/usr/bin/env python3
"""What a person sees of orbitmc's pages, checked in headless Chromium (Debian's `chromium`,
which scripts/install-deps.sh installs with the test command's packages).

orbitmc writes three pages, as a user's run would (the page is part of the run): a quick
validation of three cases, and the relu and spectral experiments on a few seeds. Each page is
opened in a 1280 × 800 window (a laptop's screen: about 1280 × 713 of page), with a script of this test appended
to a copy of it; the script measures the laid-out page and Chromium's --dump-dom hands the
measurements back. Per page:

- nothing scrolls sideways: neither the page nor its summary table (whose columns carry the
  verdicts), nor any table of an experiment page; the validation page's sampler tables may
  (21 columns), with their pass and test columns first and in sight;
- the verdict is in the first screen: the validation page's "Overall: PASS" line and the summary
  table's header, the experiment page's "What this run shows" block with its first sentence;
- every figure loaded: each <img> decoded with a non-zero size, one per <figure>.

The first screen of each page is kept as a screenshot, SHOTS/<page>-first-screen.png (the build
folder's page_screenshots/ under CTest), for a person to look at.

    page_view_test.py ORBITMC_BINARY CASES_FOLDER SHOTS_FOLDER

Exit status: 0 every check holds; 1 a check failed; 77 (CTest's skip) no chromium on PATH."""

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

WIDTH, HEIGHT = 1280, 800
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
ORBITMC, CASES, SHOTS = (sys.argv[1:4] + [None] * 3)[:3]
VALIDATION_CASES = ["block_1_3.json", "relu.json", "scalar_window.json"]

# Appended to a copy of the page: measures it once everything has loaded, and writes the numbers
# into the document, where --dump-dom finds them.
MEASURE = """
<script>
window.addEventListener("load", () => {
  const root = document.documentElement, vh = window.innerHeight;
  const visible = [];  // the text of the first screen, in document order
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.textContent.trim() || n.parentElement.closest("script")) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.height > 0 && r.top < vh && r.bottom > 0) visible.push(n.textContent.trim());
  }
  const summary = document.querySelector("table.summary");
  const box = summary ? summary.closest(".scroll") || summary.parentElement : null;
  const head = summary ? summary.querySelector("thead").getBoundingClientRect() : null;
  // Every table: how far it scrolls sideways, and where its verdict columns end (the right
  // edge of a "pass" or "verdict" header against its box's).
  const tables = Array.from(document.querySelectorAll("table.data")).map(t => {
    const b = t.closest(".scroll") || t.parentElement;
    const heads = Array.from(t.querySelectorAll("thead th"));
    const verdict = heads.find(h => ["pass", "verdict"].includes(h.textContent.trim()));
    return {first: heads.length ? heads[0].textContent.trim() : "",
            overflow: b.scrollWidth - b.clientWidth,
            verdict_shown: verdict ? verdict.getBoundingClientRect().right <=
                                     b.getBoundingClientRect().right + 1 : null};
  });
  const out = {
    tables: tables,
    viewport: [root.clientWidth, vh],
    page_overflow: root.scrollWidth - root.clientWidth,
    summary_overflow: box ? box.scrollWidth - box.clientWidth : null,
    summary_head_bottom: head ? head.bottom : null,
    first_screen: visible.join(" "),
    figures: document.querySelectorAll("figure").length,
    images: Array.from(document.images).map(i => ({
      src: i.getAttribute("src"), loaded: i.complete && i.naturalWidth > 0})),
  };
  const pre = document.createElement("pre");
  pre.id = "orbitmc-view";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def browser(*args):
    """Chromium headless on a file, as root or not (the sandbox needs a user namespace that a
    container may not give), with the window of a laptop's first screen."""
    cmd = [BROWSER, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--window-size=%d,%d" % (WIDTH, HEIGHT), "--virtual-time-budget=20000"] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def measure(page):
    """The MEASURE numbers of a page (a copy of it with the script, beside it: its figures'
    relative paths still resolve)."""
    with open(page, encoding="utf-8") as f:
        text = f.read()
    view = os.path.join(os.path.dirname(page), "view-check.html")
    with open(view, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", MEASURE + "</body>"))
    r = browser("--dump-dom", "file://" + view)
    found = re.search(r'<pre id="orbitmc-view">(.*?)</pre>', r.stdout, re.S)
    if not found:
        raise AssertionError("no measurements from %s: %s" % (BROWSER, r.stderr[-2000:]))
    return json.loads(html.unescape(found.group(1)))


def screenshot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    shot = os.path.join(SHOTS, name + "-first-screen.png")
    # Every compositor stage before the capture: else a large figure may still be decoding.
    r = browser("--run-all-compositor-stages-before-draw", "--screenshot=" + shot,
                "file://" + page)
    if not os.path.exists(shot) or os.path.getsize(shot) < 10000:
        raise AssertionError("no screenshot of %s: %s" % (page, r.stderr[-2000:]))
    return shot


def run(args):
    r = subprocess.run([ORBITMC] + args, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise AssertionError("orbitmc %s: exit %d\n%s%s" % (" ".join(args), r.returncode,
                                                           r.stdout[-3000:], r.stderr[-3000:]))


class PageView(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        cases = os.path.join(t, "cases")
        os.makedirs(cases)
        for c in VALIDATION_CASES:
            shutil.copy(os.path.join(CASES, c), cases)
        run(["validate", "--quick", "--quiet", "--cases", cases, "--out", os.path.join(t, "v")])
        run(["experiment", "relu", "--seeds", "4", "--steps", "2000", "--noise",
             "sgd,gd,langevin", "--quiet", "--out", os.path.join(t, "relu")])
        run(["experiment", "spectral", "--seeds", "4", "--steps", "3000", "--noise", "sgd,gd",
             "--set", "test_points=200", "--quiet", "--out", os.path.join(t, "spectral")])
        cls.pages = {"validation": os.path.join(t, "v", "report", "index.html"),
                     "relu": os.path.join(t, "relu", "page", "index.html"),
                     "spectral": os.path.join(t, "spectral", "page", "index.html")}
        cls.views = {name: measure(page) for name, page in cls.pages.items()}
        cls.shots = {name: screenshot(page, name) for name, page in cls.pages.items()}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_window(self):
        for name, v in self.views.items():
            # The window less the bars a browser keeps (Chromium's headless window keeps ~87 px
            # of them): what a laptop's screen shows of a page.
            self.assertGreater(v["viewport"][1], HEIGHT - 120, name)
            self.assertLessEqual(v["viewport"][1], HEIGHT, name)
            self.assertGreater(v["viewport"][0], WIDTH - 40, name)  # less a scrollbar at most

    def test_nothing_scrolls_sideways(self):
        for name, v in self.views.items():
            self.assertLessEqual(v["page_overflow"], 0, name)
            self.assertIsNotNone(v["summary_overflow"], "%s: no summary table" % name)
            self.assertLessEqual(v["summary_overflow"], 0,
                                 "%s: the summary table scrolls sideways" % name)

    def test_tables_fit_or_show_their_verdicts(self):
        # The experiment pages' tables fit; the validation page's sampler tables (21 columns)
        # may scroll, but their pass and test columns come first and are in sight.
        for name in ("relu", "spectral"):
            tables = self.views[name]["tables"]
            self.assertGreaterEqual(len(tables), 3, name)
            self.assertEqual([t["first"] for t in tables if t["overflow"] > 0], [], name)
        samplers = [t for t in self.views["validation"]["tables"] if t["first"] == "role"]
        self.assertEqual(len(samplers), len(VALIDATION_CASES))
        self.assertTrue(all(t["verdict_shown"] for t in samplers), samplers)

    def test_verdict_in_the_first_screen(self):
        v = self.views["validation"]
        self.assertRegex(v["first_screen"], r"Overall: (PASS|FAIL)")
        self.assertIn("verdict", v["first_screen"])
        # The table's header, every column named.
        self.assertLess(v["summary_head_bottom"], v["viewport"][1])
        for name in ("relu", "spectral"):
            first = self.views[name]["first_screen"]
            self.assertIn("What this run shows", first, name)
            with open(self.pages[name], encoding="utf-8") as f:
                sentence = re.search(r'<div class="verdict">.*?<li>(.*?)</li>', f.read(), re.S)
            self.assertTrue(sentence, name)
            self.assertIn(html.unescape(sentence.group(1))[:60], first, name)

    def test_every_figure_loaded(self):
        for name, v in self.views.items():
            self.assertGreater(v["figures"], 3, name)
            self.assertEqual(len(v["images"]), v["figures"], name)
            self.assertEqual([i["src"] for i in v["images"] if not i["loaded"]], [], name)

    def test_first_screens_kept(self):
        for name, shot in self.shots.items():
            with open(shot, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", name)


if __name__ == "__main__":
    if not BROWSER:
        print("page_view_test: no chromium on PATH (scripts/install-deps.sh installs it): "
              "skipped")
        sys.exit(77)
    if not (ORBITMC and CASES and SHOTS):
        sys.exit("usage: page_view_test.py ORBITMC_BINARY CASES_FOLDER SHOTS_FOLDER")
    result = unittest.main(argv=sys.argv[:1], exit=False).result
    for name in ("validation", "relu", "spectral"):
        print("first screen of the %s page: %s" % (name, os.path.join(SHOTS, name +
                                                                     "-first-screen.png")))
    sys.exit(0 if result.wasSuccessful() else 1)
