#!/usr/bin/env python3
"""Runs over MPI ranks (issue 13). They fail as a whole: bad input makes every rank exit 2 with
the message, before any sampling; a rank killed mid-run ends the whole run within seconds with
a non-zero exit (no rank waits forever in a collective). And a 2-rank run killed after a
checkpoint gives the one-process run's report when resumed on 2 ranks, and so does that resumed
run's own last checkpoint (its samplers all finished) resumed on 3: a re-split. An experiment
over 3 ranks gives the one-process experiment.json and the same final states, byte for byte. Arguments: mpirun,
the orbitmc binary, a case file."""
import os
import signal
import subprocess
import sys
import tempfile
import time

from same_report_test import differences, strip

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


def same_report(first, second):
    import json
    with open(first) as f, open(second) as g:
        diffs = list(differences(strip(json.load(f)), strip(json.load(g))))
    assert not diffs, "reports differ:\n" + "\n".join(diffs[:20])


def checkpoint_resume(mpirun, orbitmc, case, tmp):
    run = [orbitmc, "run", case, "--backend", "cpu", "--quick", "--quiet", "--no-html"]
    one = os.path.join(tmp, "one")
    subprocess.run(run + ["--out", one], check=True, capture_output=True, timeout=300)
    ck = os.path.join(tmp, "ck.json")
    env = dict(os.environ, ORBITMC_ABORT_AFTER_CHECKPOINTS="3")
    p = subprocess.run([mpirun] + MPIRUN_FLAGS + ["-np", "2"] + run +
                       ["--out", os.path.join(tmp, "killed"), "--checkpoint", ck,
                        "--checkpoint-every", "100"], env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode != 0, "the run meant to die after its third checkpoint exited 0"
    assert os.path.exists(ck), "no checkpoint was written"
    for np in ("2", "3"):  # the killed run's checkpoint on 2; then the finished run's, on 3
        out = os.path.join(tmp, f"resumed{np}")
        subprocess.run([mpirun] + MPIRUN_FLAGS + ["-np", np] + run +
                       ["--out", out, "--resume", ck], check=True, capture_output=True,
                       timeout=300)
        same_report(os.path.join(one, "report.json"), os.path.join(out, "report.json"))
        print(f"checkpoint of 2 ranks resumed on {np}: the one-process report")


def experiment_over_ranks(mpirun, orbitmc, tmp):
    cmd = [orbitmc, "experiment", "relu", "--backend", "cpu", "--seeds", "7", "--steps", "300",
           "--log-every", "50", "--noise", "sgd,langevin", "--no-html", "--quiet",
           "--save-states"]
    one, three = os.path.join(tmp, "x1"), os.path.join(tmp, "x3")
    subprocess.run(cmd + ["--out", one], check=True, capture_output=True, timeout=300)
    subprocess.run([mpirun] + MPIRUN_FLAGS + ["-np", "3"] + cmd + ["--out", three], check=True,
                   capture_output=True, timeout=300)
    same_report(os.path.join(one, "experiment.json"), os.path.join(three, "experiment.json"))
    states = sorted(os.listdir(os.path.join(one, "states")))
    assert states, "no states were written"
    for f in states:
        with open(os.path.join(one, "states", f), "rb") as a, \
                open(os.path.join(three, "states", f), "rb") as b:
            assert a.read() == b.read(), f"states/{f} differs over 3 ranks"
    print(f"experiment over 3 ranks: the one-process report and {len(states)} state files")


def main(mpirun, orbitmc, case):
    with tempfile.TemporaryDirectory() as tmp:
        bad_input(mpirun, orbitmc, os.path.join(tmp, "bad"))
        killed_rank(mpirun, orbitmc, os.path.join(tmp, "killed"))
        checkpoint_resume(mpirun, orbitmc, case, tmp)
        experiment_over_ranks(mpirun, orbitmc, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
