#!/usr/bin/env python3
"""Runs over MPI ranks. They fail as a whole: bad input makes every rank exit 2 with
the message, before any sampling; a rank killed mid-run ends the whole run within seconds with
a non-zero exit (no rank waits forever in a collective). Ranks started with different arguments
exit 2 naming the first that differs. Checkpoints are written per rank and
resumed on any number of ranks with the one-process report (checkpoint_resume). An experiment
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


def check(ok, message):
    """An assert that `python -O` cannot strip."""
    if not ok:
        raise RuntimeError(message)


def bad_input(mpirun, orbitmc, out):
    cmd = [mpirun] + MPIRUN_FLAGS + ["-np", "2", orbitmc, "validate", "--backend", "cpu",
                                     "--quick", "--quiet", "--no-html", "--seed", "0",
                                     "--out", out]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    text = p.stdout + p.stderr
    check(p.returncode == 2, f"bad input: exit {p.returncode}, want 2\n{text}")
    check("--seed" in text, f"bad input: the message names no field\n{text}")
    check(not os.path.exists(os.path.join(out, "report.json")), "bad input wrote a report")
    print("bad input: every rank exits 2 and names --seed")
    # Found by rank 0 alone (its output folder): every rank still exits 2, before training.
    blocker = out + "-file"
    with open(blocker, "w") as f:
        f.write("not a folder")
    cmd = [mpirun] + MPIRUN_FLAGS + ["-np", "2", orbitmc, "experiment", "relu", "--backend",
                                     "cpu", "--seeds", "4", "--steps", "100", "--quiet",
                                     "--no-html", "--out", blocker]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    text = p.stdout + p.stderr
    check(p.returncode == 2, f"output folder: exit {p.returncode}, want 2\n{text}")
    check("--out" in text, f"output folder: the message names no field\n{text}")
    print("an output folder that cannot be made (rank 0's check): every rank exits 2")


def ranks_that_disagree(mpirun, orbitmc, tmp):
    """Every rank must run the same command. Ranks started with different arguments (mpirun's
    MPMD form, `-np 1 A : -np 1 B`) all exit 2 before any training, naming the option that
    differs, and write nothing: another --seed used to give exit 0 and a mixed report, another
    --seeds an abort inside MPI_Allgatherv, another --steps, --noise or experiment 15 or 134."""
    base = ["experiment", "relu", "--backend", "cpu", "--seeds", "4", "--steps", "100",
            "--log-every", "50", "--seed", "4", "--noise", "sgd,gd", "--quiet", "--no-html"]
    for field, old, new in [("--seed", "4", "5"), ("--seeds", "4", "6"),
                            ("--steps", "100", "200"), ("--noise", "sgd,gd", "gd,sgd"),
                            ("experiment", "relu", "matcomp")]:
        at = base.index(field) + 1 if field.startswith("--") else base.index(old)
        other = list(base)
        check(other[at] == old, f"{field}: {other[at]} is not {old}")
        other[at] = new
        out = os.path.join(tmp, "disagree" + field.replace("-", "_"))
        cmd = ([mpirun] + MPIRUN_FLAGS + ["-np", "1", orbitmc] + base + ["--out", out] +
               [":", "-np", "1", orbitmc] + other + ["--out", out])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        text = p.stdout + p.stderr
        check(p.returncode == 2, f"ranks differing in {field}: exit {p.returncode}, want 2\n{text}")
        check(f"{field} = {new}: rank 1" in text and "every rank must run the same command" in text,
              f"ranks differing in {field}: the message names no option\n{text}")
        check(f'"{field} {old}"' in text or f'"{old}"' in text,
              f"ranks differing in {field}: rank 0's value is not shown\n{text}")
        check(not os.path.exists(os.path.join(out, "experiment.json")),
              f"ranks differing in {field} wrote experiment.json")
        print(f"ranks started with different {field}: every rank exits 2 naming it")


def study_smaller_than_ranks(mpirun, orbitmc, case, tmp):
    """A study with fewer chains than ranks would leave a rank without chains: refused up front
    (exit 2) instead of a rank waiting forever."""
    import json
    with open(case) as f:
        spec = json.load(f)
    spec["stiffness"]["quick_chains"] = 1
    small = os.path.join(tmp, "one_chain_study.json")
    with open(small, "w") as f:
        json.dump(spec, f)
    cmd = [mpirun] + MPIRUN_FLAGS + ["-np", "2", orbitmc, "run", small, "--backend", "cpu",
                                     "--quick", "--quiet", "--no-html", "--out",
                                     os.path.join(tmp, "study")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    text = p.stdout + p.stderr
    check(p.returncode == 2, f"study of 1 chain over 2 ranks: exit {p.returncode}\n{text}")
    check("stiffness study" in text, f"the message names no study\n{text}")
    print("a study with fewer chains than ranks: exit 2 naming it")


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
    check(len(ranks) >= 2, f"two ranks did not start: {ranks}")
    time.sleep(2)  # into the sampling
    os.kill(ranks[-1], signal.SIGKILL)
    t0 = time.time()
    try:
        p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        raise AssertionError("the run did not end within 30 s of a rank's death")
    took = time.time() - t0
    check(p.returncode != 0, "a run with a killed rank exited 0")
    check(took < 15, f"the run took {took:.1f} s to end after a rank died")
    print(f"killed rank: the run ended {took:.1f} s later with exit {p.returncode}")


def same_report(first, second):
    import json
    with open(first) as f, open(second) as g:
        diffs = list(differences(strip(json.load(f)), strip(json.load(g))))
    check(not diffs, "reports differ:\n" + "\n".join(diffs[:20]))
    with open(first) as f:
        report = json.load(f)
    check(report.get("cases") or report.get("runs"), f"{first}: no cases or runs to compare")


def checkpoint_files(ck):
    """The part files beside checkpoint `ck` (checkpoint_parts.hpp: CK.g<gen>.part<r>of<R>)."""
    folder, name = os.path.split(ck)
    return sorted(f for f in os.listdir(folder) if f.startswith(name + ".g"))


def run_killed(cmd, after, what):
    env = dict(os.environ, ORBITMC_ABORT_AFTER_CHECKPOINTS=str(after))
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    check(p.returncode != 0, f"{what}: the run meant to die after checkpoint {after} exited 0")


def missing_part(mpirun, run, ck, tmp):
    """A checkpoint whose part file is gone: every rank exits 2 naming it, before sampling."""
    import shutil
    copy = os.path.join(tmp, "copy")
    os.mkdir(copy)
    for f in [os.path.basename(ck)] + checkpoint_files(ck):
        shutil.copy(os.path.join(os.path.dirname(ck), f), copy)
    gone = checkpoint_files(ck)[-1]
    os.remove(os.path.join(copy, gone))
    p = subprocess.run([mpirun] + MPIRUN_FLAGS + ["-np", "2"] + run +
                       ["--out", os.path.join(tmp, "nopart"), "--resume",
                        os.path.join(copy, os.path.basename(ck))],
                       capture_output=True, text=True, timeout=120)
    text = p.stdout + p.stderr
    check(p.returncode == 2, f"missing part: exit {p.returncode}, want 2\n{text}")
    check(gone in text and "missing" in text, f"missing part: not named\n{text}")
    print(f"a missing part file ({gone}): exit 2 naming it")


def checkpoint_resume(mpirun, orbitmc, case, tmp):
    """Each rank writes its part; rank 0 commits them (checkpoint_parts.hpp). A chain of killed
    and resumed runs over 2, then 3 ranks, then one process, then 2 again (each a re-split)
    gives the one-process report, and only the committed generation's parts stay on disk."""
    run = [orbitmc, "run", case, "--backend", "cpu", "--quick", "--quiet", "--no-html"]
    one = os.path.join(tmp, "one")
    subprocess.run(run + ["--out", one], check=True, capture_output=True, timeout=300)
    ck = os.path.join(tmp, "ck.cbor")
    # Past the first sampler's burn-in (1 500 steps) by the third checkpoint: the pooled
    # histograms the parts hold are not empty, and a re-split must count them once.
    every = ["--checkpoint-every", "700"]
    run_killed([mpirun] + MPIRUN_FLAGS + ["-np", "2"] + run +
               ["--out", os.path.join(tmp, "k2"), "--checkpoint", ck] + every, 3, "2 ranks")
    check(os.path.exists(ck), "no checkpoint was written")
    parts = checkpoint_files(ck)
    check(parts == [os.path.basename(ck) + f".g3.part{r}of2" for r in range(2)], parts)
    print(f"killed on 2 ranks after 3 checkpoints: the manifest and {parts}")
    missing_part(mpirun, run, ck, tmp)

    run_killed([mpirun] + MPIRUN_FLAGS + ["-np", "3"] + run +
               ["--out", os.path.join(tmp, "k3"), "--resume", ck] + every, 2, "3 ranks")
    parts = checkpoint_files(ck)
    check(parts == [os.path.basename(ck) + f".g5.part{r}of3" for r in range(3)], parts)
    print(f"resumed on 3 ranks, killed after 2 more checkpoints: {parts}")

    out = os.path.join(tmp, "resumed1")
    subprocess.run(run + ["--out", out, "--resume", ck] + every, check=True,
                   capture_output=True, timeout=300)
    same_report(os.path.join(one, "report.json"), os.path.join(out, "report.json"))
    check(checkpoint_files(ck) == [], f"parts left beside a whole checkpoint: {checkpoint_files(ck)}")
    print("the 3 ranks' checkpoint resumed by one process: the one-process report, one file")

    out = os.path.join(tmp, "resumed2")
    subprocess.run([mpirun] + MPIRUN_FLAGS + ["-np", "2"] + run + ["--out", out, "--resume", ck],
                   check=True, capture_output=True, timeout=300)
    same_report(os.path.join(one, "report.json"), os.path.join(out, "report.json"))
    print("that whole checkpoint resumed on 2 ranks: the one-process report")


def fresh_run_over_a_checkpoint(mpirun, orbitmc, case, tmp):
    """A new run checkpointing where a checkpoint of parts already is (or naming it another way
    than --resume did) writes generations above the ones on disk, never over the files the
    committed manifest names, and removes the old ones once its own is committed."""
    run = [orbitmc, "run", case, "--backend", "cpu", "--quick", "--quiet", "--no-html"]
    folder = os.path.join(tmp, "fresh")
    os.mkdir(folder)
    ck = os.path.join(folder, "ck")
    every = ["--checkpoint-every", "700"]
    mpi2 = [mpirun] + MPIRUN_FLAGS + ["-np", "2"]
    run_killed(mpi2 + run + ["--out", os.path.join(tmp, "f1"), "--checkpoint", ck] + every, 1,
               "first")
    check(checkpoint_files(ck) == ["ck.g1.part0of2", "ck.g1.part1of2"], checkpoint_files(ck))
    # Resumed from ./ck and checkpointed to ck: another spelling of the same file.
    spelled = os.path.join(folder, ".", "ck")
    run_killed(mpi2 + run + ["--out", os.path.join(tmp, "f2"), "--resume", spelled,
                             "--checkpoint", ck] + every, 1, "second")
    check(checkpoint_files(ck) == ["ck.g2.part0of2", "ck.g2.part1of2"], checkpoint_files(ck))
    out = os.path.join(tmp, "f3")
    subprocess.run(mpi2 + run + ["--out", out, "--resume", ck], check=True, capture_output=True,
                   timeout=300)
    same_report(os.path.join(tmp, "one", "report.json"), os.path.join(out, "report.json"))
    print("a run checkpointing over an existing checkpoint: generation 2 beside it, then the "
          "one-process report")


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
    check(states, "no states were written")
    for f in states:
        with open(os.path.join(one, "states", f), "rb") as a, \
                open(os.path.join(three, "states", f), "rb") as b:
            check(a.read() == b.read(), f"states/{f} differs over 3 ranks")
    print(f"experiment over 3 ranks: the one-process report and {len(states)} state files")


def signal_to_mpirun(mpirun, orbitmc, case, tmp):
    """SIGINT or SIGTERM to mpirun: Open MPI's launcher sends SIGTERM to every rank for either
    (and exits 1 itself, whatever the ranks return). The report is marked incomplete and says
    the signal came from the launcher, not that a SIGTERM was sent when it was a SIGINT."""
    import json
    with open(case) as f:
        spec = json.load(f)
    spec["samplers"]["ambient"]["steps"] = 40000000  # runs until stopped
    long_case = os.path.join(tmp, "long.json")
    with open(long_case, "w") as f:
        json.dump(spec, f)
    for sig in (signal.SIGINT, signal.SIGTERM):
        out = os.path.join(tmp, f"signalled-{sig.name}")
        # The default grace before SIGKILL (1 s) can end rank 0 before it writes the report.
        cmd = [mpirun] + MPIRUN_FLAGS + ["--mca", "odls_base_sigkill_timeout", "10", "-np", "2",
                                         orbitmc, "run", long_case, "--backend", "cpu",
                                         "--quick", "--quiet", "--no-html", "--out", out]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        report = os.path.join(out, "report.json")
        deadline = time.time() + 60
        while not os.path.exists(report) and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # into the sampling
        p.send_signal(sig)
        text = p.communicate(timeout=60)[0]
        check(p.returncode != 0, f"{sig.name} to mpirun: exit 0\n{text}")
        with open(report) as f:
            r = json.load(f)
        check(r["complete"] is False and r["all_pass"] is False, f"{sig.name}: {r}")
        check(str(r["interrupted"]).startswith("SIGTERM (from the MPI launcher"),
              f"{sig.name} to mpirun: interrupted = {r['interrupted']!r}")
        print(f"{sig.name} to mpirun: exit {p.returncode}, report incomplete, "
              f"interrupted = {r['interrupted']!r}")


def main(mpirun, orbitmc, case):
    with tempfile.TemporaryDirectory() as tmp:
        bad_input(mpirun, orbitmc, os.path.join(tmp, "bad"))
        ranks_that_disagree(mpirun, orbitmc, tmp)
        study_smaller_than_ranks(mpirun, orbitmc, case, tmp)
        killed_rank(mpirun, orbitmc, os.path.join(tmp, "killed"))
        checkpoint_resume(mpirun, orbitmc, case, tmp)
        fresh_run_over_a_checkpoint(mpirun, orbitmc, case, tmp)
        experiment_over_ranks(mpirun, orbitmc, tmp)
        signal_to_mpirun(mpirun, orbitmc, case, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
