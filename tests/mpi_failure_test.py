#!/usr/bin/env python3
"""A run over MPI ranks fails as a whole (issue 13): bad input makes every rank exit 2 with the
message, before any sampling; a rank killed mid-run ends the whole run within seconds with a
non-zero exit (no rank waits forever in a collective). Arguments: mpirun, the orbitmc binary."""
import os
import signal
import subprocess
import sys
import tempfile
import time

MPIRUN_FLAGS = ["--allow-run-as-root", "--oversubscribe"]


def bad_input(mpirun, orbitmc, out):
    cmd = [mpirun] + MPIRUN_FLAGS + ["-np", "2", orbitmc, "validate", "--backend", "cpu",
                                     "--quick", "--quiet", "--no-html", "--seed", "0",
                                     "--out", out]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    text = p.stdout + p.stderr
    assert p.returncode == 2, f"bad input: exit {p.returncode}, want 2\n{text}"
    assert "--seed" in text, f"bad input: the message names no field\n{text}"
    assert not os.path.exists(os.path.join(out, "report.json")), "bad input wrote a report"
    print("bad input: every rank exits 2 and names --seed")


def killed_rank(mpirun, orbitmc, out):
    cmd = [mpirun] + MPIRUN_FLAGS + ["-np", "2", orbitmc, "validate", "--backend", "cpu",
                                     "--quick", "--quiet", "--no-html", "--out", out]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ranks = []
    deadline = time.time() + 60
    while len(ranks) < 2 and time.time() < deadline:  # the ranks are mpirun's children
        time.sleep(0.2)
        out_ps = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True)
        ranks = [int(x) for x in out_ps.stdout.split()]
    assert len(ranks) >= 2, f"two ranks did not start: {ranks}"
    time.sleep(2)  # into the sampling
    os.kill(ranks[-1], signal.SIGKILL)
    t0 = time.time()
    try:
        p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        raise AssertionError("the run did not end within 30 s of a rank's death")
    took = time.time() - t0
    assert p.returncode != 0, "a run with a killed rank exited 0"
    assert took < 15, f"the run took {took:.1f} s to end after a rank died"
    print(f"killed rank: the run ended {took:.1f} s later with exit {p.returncode}")


def main(mpirun, orbitmc):
    with tempfile.TemporaryDirectory() as tmp:
        bad_input(mpirun, orbitmc, os.path.join(tmp, "bad"))
        killed_rank(mpirun, orbitmc, os.path.join(tmp, "killed"))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
