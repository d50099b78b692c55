#!/usr/bin/env python3
"""scripts/check-includes.py passes on the repository and names each kind of offence it exists
to catch, on a copy of the repository with one bad include planted at a time: an upward include,
a sideways one (a peer on the same line of the layer table), a circle within a folder, a CUDA
kernel driver reached from above the backend, and a CUDA runtime header in host code."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCRIPT = os.path.join(ROOT, "scripts", "check-includes.py")


def check(root):
    run = subprocess.run([sys.executable, SCRIPT, root], capture_output=True, text=True,
                         check=False)
    return run.returncode, run.stdout


class CheckIncludes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.copy = os.path.join(cls.tmp, "repo")
        os.makedirs(os.path.join(cls.copy, "scripts"))
        shutil.copy(os.path.join(ROOT, "scripts", "include-layers.txt"),
                    os.path.join(cls.copy, "scripts"))
        for top in ("host", "cuda"):
            shutil.copytree(os.path.join(ROOT, top), os.path.join(cls.copy, top),
                            ignore=shutil.ignore_patterns("*.txt", "*.md"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def planted(self, path, line):
        """Runs the check with `line` added to the copy's `path` (a new file if none)."""
        full = os.path.join(self.copy, path)
        old = open(full).read() if os.path.exists(full) else None
        with open(full, "w") as f:
            f.write((old or "#pragma once\n") + line + "\n")
        try:
            return check(self.copy)
        finally:
            if old is None:
                os.remove(full)
            else:
                with open(full, "w") as f:
                    f.write(old)

    def test_repository_is_clean(self):
        code, out = check(ROOT)
        self.assertEqual(code, 0, out)
        self.assertIn(" 0 offences", out)

    def test_upward_include(self):
        code, out = self.planted("host/io/atomic_file.hpp", '#include "validate/validate_suite.hpp"')
        self.assertEqual(code, 1)
        self.assertIn("host/io/atomic_file.hpp:", out)
        self.assertIn("upward", out)

    def test_sideways_include(self):
        code, out = self.planted("cuda/orbitmc/models/scalar.hpp",
                                 '#include "../samplers/sampler_base.hpp"')
        self.assertEqual(code, 1)
        self.assertIn("sideways (a peer)", out)

    def test_circle_within_a_folder(self):
        a = os.path.join(self.copy, "host/models/zz_a.hpp")
        b = os.path.join(self.copy, "host/models/zz_b.hpp")
        with open(a, "w") as f:
            f.write("#pragma once\n")
        with open(b, "w") as f:
            f.write('#pragma once\n#include "models/zz_a.hpp"\n')
        try:
            code, out = check(self.copy)
            self.assertEqual(code, 0, out)  # one direction is fine
            with open(a, "w") as f:
                f.write('#pragma once\n#include "zz_b.hpp"\n')
            code, out = check(self.copy)
        finally:
            os.remove(a)
            os.remove(b)
        self.assertEqual(code, 1)
        self.assertIn("circular include: host/models/zz_a.hpp -> host/models/zz_b.hpp", out)

    def test_kernel_driver_only_from_the_backend(self):
        code, out = self.planted("host/experiment/experiment.hpp",
                                 '#include "kernels/train_chains.cuh"')
        self.assertEqual(code, 1)
        self.assertIn("only host/backend may include cuda/kernels", out)

    def test_cuda_runtime_header_in_host_code(self):
        code, out = self.planted("host/run/run_engine.hpp", "#include <cuda_runtime.h>")
        self.assertEqual(code, 1)
        self.assertIn("<cuda_runtime.h>", out)

    def test_include_of_no_file(self):
        code, out = self.planted("host/run/run_engine.hpp", '#include "run/no_such_file.hpp"')
        self.assertEqual(code, 1)
        self.assertIn("names no file", out)


if __name__ == "__main__":
    unittest.main()
