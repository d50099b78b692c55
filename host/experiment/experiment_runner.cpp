// The experiment runner: problems, starts, trainings in segments between log points, and what
// is observed of them.
#include "experiment/experiment_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <utility>

#include "backend/cpu_threads.hpp"
#include "experiment/experiment_data.hpp"
#include "input_error.hpp"
#include "io/npy_write.hpp"
#include "orbitmc/core/transpose.hpp"
#include "parallel/ranks.hpp"

namespace orbitmc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Every series of a variant: the experiment's own, the training loss, then (with blocks) the
// balance ratios |u_b|/|v_b|, the imbalances D_b, THEORY §7's prediction of D_b, and the
// distance to balance and mean |D_b| (these two last: balance_columns reads them there).
std::vector<SeriesSpec> all_series(const Experiment& ex, const Variant& v) {
  std::vector<SeriesSpec> s = ex.series(v);
  s.push_back({"train_loss",
               "training loss: the mean, over the steps since the previous log point, of the "
               "loss each step descended (at its start; sgd: its minibatch's)",
               {"loss"},
               {}});
  if (v.layout.blocks() > 0) {
    s.push_back({"balance_ratio", "|u_b| / |v_b| per block (1: balanced)", v.block_labels,
                 std::vector<double>(v.block_labels.size(), 1.0)});
    s.push_back({"imbalance", "D_b = |u_b|^2 - |v_b|^2 per block", v.block_labels, {}});
    s.push_back({"imbalance_predicted",
                 "THEORY 7's D_b: D_b(0) + the sum over steps of eta^2 (|g_u|^2 - |g_v|^2) "
                 "(+ 2 eta (n - m) t / beta under langevin), per seed",
                 v.block_labels,
                 {}});
    s.push_back({"balance_distance",
                 "mean over blocks of |log(|u_b| / |v_b|)| (0: balanced)",
                 {"distance"},
                 {0.0}});
    s.push_back({"mean_abs_imbalance",
                 "mean over blocks of |D_b| (THEORY 7: what each noise "
                 "model conserves, contracts or diffuses)",
                 {"|D|"},
                 {}});
  }
  return s;
}

size_t width_of(const std::vector<SeriesSpec>& s) {
  size_t w = 0;
  for (const auto& x : s) w += x.labels.size();
  return w;
}

// What THEORY §7 predicts of a seed's D_b at a log point needs more than its state: its D_b at
// the start, its tally of Σ η²(|g_u|² − |g_v|²) so far, and the Langevin drift per step (0 for
// gd, sgd).
struct PredictionInputs {
  const double* start_imbalance;  // this rank's seeds' D_b at step 0, seed-major
  double drift_per_step;          // 2η(n − m)/β under langevin
};

// One seed's values of every series, in all_series order (`own` of them the experiment's).
void observe_seed(const Experiment& ex, const Variant& v, const TrainingEnsemble& e, uint64_t i,
                  const double* problem, size_t own, const PredictionInputs& p, double* out) {
  const float* th = e.theta(i);
  ex.observe(v, th, problem, out);
  // No step since the previous log point (step 0): no training loss yet.
  out[own] = e.last_steps > 0 ? e.last_loss_sum[i] / static_cast<double>(e.last_steps) : kNaN;
  const RuntimeLayout& l = v.layout;
  const int b = l.blocks();
  if (b == 0) return;
  double* ratio = out + own + 1;
  double* imbalance = ratio + b;
  double* predicted = imbalance + b;
  const double* start = p.start_imbalance + i * static_cast<uint64_t>(b);
  const double drift = p.drift_per_step * static_cast<double>(e.step);
  for (int k = 0; k < b; ++k) {
    double uu, vv;
    block_norms2(l, th, k, uu, vv);
    ratio[k] = std::sqrt(uu / vv);
    imbalance[k] = uu - vv;
    predicted[k] = start[k] + e.tally[(i * b + k) * BalanceTally::kWords + 3] + drift;
  }
  double* summary = predicted + b;  // balance_distance, mean_abs_imbalance
  summary[0] = balance_distance(l, th);
  double mean_abs = 0;
  for (int k = 0; k < b; ++k) mean_abs += std::fabs(imbalance[k]);
  summary[1] = mean_abs / b;
}

// One log point: every series of every seed (traces holds all_series' labels; the first `own`
// values of a seed are the experiment's own), summarised over the seeds. This rank observes its
// own seeds (`e`, whose problems start at `problems`) on `threads` CPU threads, each seed
// writing its own row; under MPI the rows of every rank are gathered (the observed values, not
// the states); the labels are then summarised on the threads. With a thousand seeds this host
// work, not the training, would otherwise bound a GPU run (matcomp's singular values, tv's
// 200-point signal).
// Returns every seed's row (seeds × the series' width) for what the bands do not keep.
std::vector<double> record(const Experiment& ex, const Variant& v, const TrainingEnsemble& e,
                           const double* problems, size_t problem_words, size_t own,
                           const PredictionInputs& prediction, uint64_t threads, uint64_t seeds,
                           std::vector<SeriesTrace>& traces) {
  size_t width = 0;
  for (const SeriesTrace& t : traces) width += t.labels.size();
  std::vector<double> mine(e.seeds * width, kNaN);
  run_on_ranges(threads, e.seeds, [&](uint64_t first, uint64_t last) {
    for (uint64_t i = first; i < last; ++i)
      if (!e.counters[i].diverged)
        observe_seed(ex, v, e, i, problems + i * problem_words, own, prediction,
                     mine.data() + i * width);
  });
  // One process: the rows are the whole ensemble's (no copy: a million seeds' rows are GBs).
  const std::vector<double> values =
      parallel::size() > 1 ? parallel::allgather(mine, seeds, width) : std::move(mine);
  std::vector<analysis::Band> bands(width);
  run_on_ranges(threads, width, [&](uint64_t first, uint64_t last) {
    std::vector<double> column(seeds);
    for (uint64_t col = first; col < last; ++col) {
      transpose(values.data() + col, seeds, 1, width, column.data());
      bands[col] = analysis::band(column);
    }
  });
  size_t col = 0;
  for (SeriesTrace& trace : traces) {
    trace.at.emplace_back(bands.begin() + static_cast<std::ptrdiff_t>(col),
                          bands.begin() + static_cast<std::ptrdiff_t>(col + trace.labels.size()));
    col += trace.labels.size();
  }
  return values;
}

// The final metrics of this rank's seeds (NaN for a diverged one), seed-major, on the threads.
std::vector<double> seed_metrics(const Experiment& ex, const Variant& v, const TrainingEnsemble& e,
                                 const double* problems, size_t problem_words, size_t count,
                                 uint64_t threads) {
  std::vector<double> out(e.seeds * count, kNaN);
  run_on_ranges(threads, e.seeds, [&](uint64_t first, uint64_t last) {
    for (uint64_t i = first; i < last; ++i)
      if (!e.counters[i].diverged)
        ex.final_metrics(v, e.theta(i), problems + i * problem_words, out.data() + i * count);
  });
  return out;
}

// THEORY §7: the mean change of D_b per Langevin step from the noise alone, 2η(n − m)/β.
double langevin_drift(const Variant& v, double beta) {
  return 2 * v.eta * (v.layout.n() - v.layout.m()) / beta;
}

// The two per-seed balance summaries (balance_distance, mean_abs_imbalance: the last two
// columns of a row with blocks) of every seed at one log point.
struct BalanceColumns {
  std::vector<double> distance, imbalance;
};
BalanceColumns balance_columns(const std::vector<double>& rows, uint64_t seeds) {
  BalanceColumns c{std::vector<double>(seeds), std::vector<double>(seeds)};
  const size_t width = seeds ? rows.size() / seeds : 0;
  for (uint64_t i = 0; i < seeds; ++i) {
    c.distance[i] = rows[i * width + width - 2];
    c.imbalance[i] = rows[i * width + width - 1];
  }
  return c;
}

// Over the seeds that did not diverge (start and end over the same seeds; NaN where none did).
BalanceCheck balance_check(const Variant& v, NoiseModel noise, double beta,
                           const TrainingEnsemble& e, BalanceColumns start,
                           const BalanceColumns& end) {
  BalanceCheck c;
  const int b = v.layout.blocks();
  c.has_blocks = b > 0;
  if (!c.has_blocks) return c;
  double max_rel = kNaN, sum = 0, sum2 = 0, count = 0;
  double predicted = 0, missed = 0, walk = 0, pairs = 0;
  for (uint64_t i = 0; i < e.seeds; ++i) {
    if (e.counters[i].diverged) {
      start.distance[i] = start.imbalance[i] = kNaN;  // band() leaves NaNs out
      continue;
    }
    for (int k = 0; k < b; ++k) {
      const double* t = e.tally.data() + (i * b + k) * BalanceTally::kWords;
      if (!(max_rel >= t[0])) max_rel = t[0];
      sum += t[1];
      sum2 += t[2];
      count += static_cast<double>(e.step);
      predicted += std::fabs(t[3]);
      missed += std::fabs(t[1]);
      walk += std::sqrt(t[2]);
      pairs += 1;
    }
  }
  if (noise == NoiseModel::kLangevin) {
    c.drift_mean = count > 0 ? sum / count : kNaN;
    c.drift_se = count > 0
                     ? std::sqrt(std::max(0.0, sum2 / count - c.drift_mean * c.drift_mean) / count)
                     : kNaN;
    c.drift_expected = langevin_drift(v, beta);
  } else {
    c.identity_max_relative = max_rel;
    c.change_predicted = pairs > 0 ? predicted / pairs : kNaN;
    c.change_missed = pairs > 0 ? missed / pairs : kNaN;
    c.rounding_walk = pairs > 0 ? walk / pairs : kNaN;
  }
  c.distance_start = analysis::band(std::move(start.distance)).median;
  c.distance_end = analysis::band(end.distance).median;
  c.imbalance_start = analysis::band(std::move(start.imbalance)).median;
  c.imbalance_end = analysis::band(end.imbalance).median;
  c.steps = e.step;
  return c;
}

std::string states_file(const std::string& dir, const RunResult& r, const char* when) {
  return dir + "/" + r.variant + "_" + r.noise + "_" + when + ".npy";
}

// Every seed's problem, seed-major, drawn on the threads: each seed's draws are keyed by its
// index, so the thread count changes nothing.
std::vector<double> make_problems(const Experiment& ex, const ExperimentSpec& spec) {
  const size_t pw = ex.problem_words();
  std::vector<double> problems(spec.seeds * pw);
  run_on_ranges(spec.threads, spec.seeds, [&](uint64_t first, uint64_t last) {
    for (uint64_t i = first; i < last; ++i) {
      SeedDraws d(spec.seed, spec.seed_offset + static_cast<uint32_t>(i), DrawPurpose::kProblem);
      ex.make_problem(d, problems.data() + i * pw);
    }
  });
  return problems;
}

// What every run of an experiment shares: its definition, every seed's problem, the log points,
// and the range of seeds this rank trains.
struct RunnerContext {
  const Experiment& ex;
  const ExperimentSpec& spec;
  const Backend& backend;
  const RunnerHooks& hooks;
  std::vector<double> problems;  // every seed's, seed-major
  std::vector<uint64_t> logs;
  parallel::Range mine;
  // This rank's seeds' problems: a view, not a copy.
  const double* my_problems() const { return problems.data() + mine.first * ex.problem_words(); }
};

// What every run of one variant shares: the starts of every seed (in float: the trainings begin
// there), D_b of this rank's seeds at them, and the count of a seed's values that are the
// experiment's own series.
struct VariantStart {
  std::vector<float> x;
  std::vector<double> imbalance;
  size_t own = 0;
};

// The starts of variant v's seeds, shared by its runs under every noise model.
VariantStart variant_start(const RunnerContext& rc, const Variant& v) {
  const uint64_t seeds = rc.spec.seeds;
  const int dim = v.layout.dim();
  VariantStart vs;
  vs.own = width_of(rc.ex.series(v));
  vs.x.resize(seeds * dim);
  run_on_ranges(rc.spec.threads, seeds, [&](uint64_t first, uint64_t last) {
    std::vector<double> th(dim);
    for (uint64_t i = first; i < last; ++i) {
      SeedDraws d(rc.spec.seed, rc.spec.seed_offset + static_cast<uint32_t>(i), DrawPurpose::kInit);
      rc.ex.init(v, d, th.data());
      for (int k = 0; k < dim; ++k) vs.x[i * dim + k] = static_cast<float>(th[k]);
    }
  });
  // D_b at the start, once for every noise model (the base of THEORY §7's prediction), from the
  // float starts the trainings begin at.
  const int blocks = v.layout.blocks();
  vs.imbalance.resize(rc.mine.count * blocks);
  for (uint64_t i = 0; i < rc.mine.count; ++i)
    for (int k = 0; k < blocks; ++k) {
      double uu, vv;
      block_norms2(v.layout, vs.x.data() + (rc.mine.first + i) * dim, k, uu, vv);
      vs.imbalance[i * blocks + k] = uu - vv;
    }
  return vs;
}

// A run before its training: what it is, and its series with no log point yet.
RunResult new_run(const RunnerContext& rc, const Variant& v, NoiseModel noise) {
  RunResult r;
  r.variant = v.name;
  r.role = v.role;
  r.noise = noise_name(noise);
  r.eta = v.eta;
  r.seeds = rc.spec.seeds;
  r.steps = rc.ex.steps();
  r.log_steps = rc.logs;
  for (const SeriesSpec& s : all_series(rc.ex, v))
    r.series.push_back({s.name, s.caption, s.labels, s.reference, {}});
  return r;
}

// The balance summaries of every seed at the first and the last log point (variants with blocks).
struct BalanceEnds {
  BalanceColumns start, end;
};

// Trains to each log point in turn and records every series there, telling the progress hook.
BalanceEnds train_and_record(const RunnerContext& rc, const Variant& v, const VariantStart& vs,
                             const PredictionInputs& prediction, TrainingJob& job,
                             TrainingEnsemble& local, std::chrono::steady_clock::time_point t0,
                             RunResult& r) {
  BalanceEnds ends;
  for (uint64_t n : rc.logs) {
    if (n > local.step) job.advance(local, n);
    const std::vector<double> rows =
        record(rc.ex, v, local, rc.my_problems(), rc.ex.problem_words(), vs.own, prediction,
               rc.spec.threads, rc.spec.seeds, r.series);
    if (v.layout.blocks() > 0) {
      if (n == rc.logs.front()) ends.start = balance_columns(rows, rc.spec.seeds);
      if (n == rc.logs.back()) ends.end = balance_columns(rows, rc.spec.seeds);
    }
    if (rc.hooks.on_progress)
      rc.hooks.on_progress(
          r.variant + " / " + r.noise, n, rc.ex.steps(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return ends;
}

// The final metrics of every seed (gathered from every rank), and their bands.
void add_metrics(const RunnerContext& rc, const Variant& v, const TrainingEnsemble& local,
                 RunResult& r) {
  const uint64_t seeds = rc.spec.seeds;
  const std::vector<std::string> names = rc.ex.metrics(v);
  const std::vector<double> metrics =
      parallel::allgather(seed_metrics(rc.ex, v, local, rc.my_problems(), rc.ex.problem_words(),
                                       names.size(), rc.spec.threads),
                          seeds, names.size());
  for (size_t m = 0; m < names.size(); ++m) {
    r.metrics.push_back({names[m], std::vector<double>(seeds), {}});
    transpose(metrics.data() + m, seeds, 1, names.size(), r.metrics[m].per_seed.data());
    r.metrics[m].band = analysis::band(r.metrics[m].per_seed);
  }
}

// Every rank's counters and balance tallies (and states, when saved) gathered into one ensemble
// of every seed.
TrainingEnsemble gather_ensemble(const TrainingEnsemble& local, uint64_t seeds,
                                 uint32_t seed_offset, bool with_states) {
  TrainingEnsemble all(local.dim, local.blocks, 0, seed_offset);
  all.seeds = seeds;
  all.step = local.step;
  if (with_states) all.x = parallel::allgather(local.x, seeds, local.dim);
  all.tally = parallel::allgather(local.tally, seeds,
                                  static_cast<uint64_t>(local.blocks) * BalanceTally::kWords);
  all.counters = parallel::allgather(local.counters, seeds);
  return all;
}

// What the whole ensemble ended with: its diverged seeds, its balance check, and (when saved) its
// final states.
void finish_run(const RunnerContext& rc, const Variant& v, NoiseModel noise,
                const TrainingEnsemble& local, BalanceEnds ends, RunResult& r) {
  const uint64_t seeds = rc.spec.seeds;
  const int dim = v.layout.dim();
  // The whole ensemble's counters and tallies: the local ones, or under MPI every rank's
  // gathered (a copy only then; the states only when they are saved).
  TrainingEnsemble all(dim, v.layout.blocks(), 0, rc.spec.seed_offset);
  if (parallel::size() > 1)
    all = gather_ensemble(local, seeds, rc.spec.seed_offset, rc.hooks.gather_states);
  const TrainingEnsemble& e = parallel::size() > 1 ? all : local;
  for (uint64_t i = 0; i < seeds; ++i) r.diverged += e.counters[i].diverged ? 1 : 0;
  r.balance = balance_check(v, noise, rc.spec.beta, e, std::move(ends.start), ends.end);
  if (!rc.hooks.states_dir.empty()) {
    if (e.x.size() != seeds * dim)  // under MPI every rank must have joined the gather
      throw std::logic_error("run_experiment: states_dir without gather_states over ranks");
    write_npy(states_file(rc.hooks.states_dir, r, "final"), e.x, {seeds, uint64_t(dim)});
  }
}

// One training of variant v under one noise model, from its starts to its result.
RunResult train_run(const RunnerContext& rc, const Variant& v, const VariantStart& vs,
                    NoiseModel noise) {
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r = new_run(rc, v, noise);
  const uint64_t seeds = rc.spec.seeds;
  const int dim = v.layout.dim();
  const parallel::Range& mine = rc.mine;
  TrainingEnsemble local(dim, v.layout.blocks(), mine.count,
                         rc.spec.seed_offset + static_cast<uint32_t>(mine.first));
  local.x.assign(vs.x.begin() + mine.first * dim, vs.x.begin() + (mine.first + mine.count) * dim);
  const JobContext ctx{noise,           rc.spec.beta, rc.spec.seed,
                       rc.spec.threads, mine.count,   rc.backend.on_device()};
  const std::unique_ptr<TrainingJob> job = rc.ex.job(v, ctx, rc.my_problems());
  if (!rc.hooks.states_dir.empty())
    write_npy(states_file(rc.hooks.states_dir, r, "initial"), vs.x, {seeds, uint64_t(dim)});
  const PredictionInputs prediction{
      vs.imbalance.data(), noise == NoiseModel::kLangevin ? langevin_drift(v, rc.spec.beta) : 0.0};
  BalanceEnds ends = train_and_record(rc, v, vs, prediction, *job, local, t0, r);
  add_metrics(rc, v, local, r);
  finish_run(rc, v, noise, local, std::move(ends), r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

std::vector<uint64_t> log_schedule(uint64_t steps, uint64_t log_every, uint64_t max_points) {
  // 1 + ⌈steps / interval⌉ points (step 0, the multiples, the last step) ≤ max_points: the
  // interval is the smallest multiple of log_every ≥ steps / (max_points − 1).
  const uint64_t span = log_every * (std::max<uint64_t>(2, max_points) - 1);
  const uint64_t per = std::max<uint64_t>(1, (steps + span - 1) / span);
  const uint64_t interval = log_every * per;
  std::vector<uint64_t> at = {0};
  for (uint64_t n = interval; n < steps; n += interval) at.push_back(n);
  at.push_back(steps);
  return at;
}

JobBytes job_bytes_per_seed(const Experiment& ex, const ExperimentSpec& spec,
                            const Backend& backend) {
  // Asked of a job of one seed for every variant and noise model: the data a job derives, a
  // design matrix or a teacher, can outgrow the problem.
  std::vector<double> one(ex.problem_words());
  SeedDraws draws(spec.seed, static_cast<uint32_t>(spec.seed_offset), DrawPurpose::kProblem);
  ex.make_problem(draws, one.data());
  JobBytes most;
  for (const Variant& v : ex.variants())
    for (NoiseModel noise : spec.noises) {
      const JobContext one_seed{noise, spec.beta, spec.seed, 1, 1, backend.on_device()};
      const std::unique_ptr<TrainingJob> job = ex.job(v, one_seed, one.data());
      most.host = std::max(most.host, job->host_bytes_per_seed());
      most.device = std::max(most.device, job->device_bytes_per_seed());
    }
  return most;
}

void check_experiment_memory(const Experiment& ex, const ExperimentSpec& spec, uint64_t budget,
                             uint64_t job_host_bytes) {
  uint64_t dims = 0;
  for (const Variant& v : ex.variants()) dims = std::max<uint64_t>(dims, v.layout.dim());
  // The problems in double, a job's float copy of its data, states and starts, generously.
  const double bytes = static_cast<double>(spec.seeds) *
                       (12.0 * static_cast<double>(ex.problem_words()) +
                        static_cast<double>(job_host_bytes) + 16.0 * static_cast<double>(dims));
  if (budget > 0 && bytes > static_cast<double>(budget))
    bad_input("--seeds", spec.seeds,
              "this ensemble needs about " + std::to_string(static_cast<uint64_t>(bytes / 1e6)) +
                  " MB of host memory, more than the " + std::to_string(budget / 1000000) +
                  " MB available to it (physical memory, a control group's limit or ulimit -v); "
                  "use fewer seeds or smaller settings");
}

std::vector<RunResult> run_experiment(const Experiment& ex, const ExperimentSpec& spec,
                                      const Backend& backend, const RunnerHooks& hooks) {
  // Host work per seed (problems, starts, observations, metrics) runs on the CPU threads on
  // either backend.
  RunnerContext rc{ex, spec, backend, hooks, make_problems(ex, spec), {}, {}};
  if (!hooks.states_dir.empty())
    write_npy(hooks.states_dir + "/problems.npy", rc.problems, {spec.seeds, ex.problem_words()});
  rc.logs = log_schedule(ex.steps(), ex.log_every(), spec.max_log_points);
  // Under MPI this rank trains and observes its range of the seeds (their global indices, so
  // their noise and problems are a one-process run's); what is observed of them is gathered at
  // every log point, and their counters and balance tallies (and states, when saved) at the end.
  rc.mine = parallel::range_of(spec.seeds);

  std::vector<RunResult> runs;
  for (const Variant& v : ex.variants()) {
    const VariantStart vs = variant_start(rc, v);
    for (NoiseModel noise : spec.noises) {
      runs.push_back(train_run(rc, v, vs, noise));
      if (hooks.on_run) hooks.on_run(runs);
    }
  }
  return runs;
}

std::vector<ComparisonResult> compare_variants(const Experiment& ex,
                                               const std::vector<RunResult>& runs) {
  std::vector<ComparisonResult> out;
  auto find = [&](const std::string& variant, const std::string& noise) -> const RunResult* {
    for (const auto& r : runs)
      if (r.variant == variant && r.noise == noise) return &r;
    return nullptr;
  };
  auto metric = [](const RunResult& r, const std::string& name) -> const MetricValues* {
    for (const auto& m : r.metrics)
      if (m.name == name) return &m;
    return nullptr;
  };
  for (const ComparisonSpec& c : ex.comparisons())
    for (const auto& r : runs) {
      if (r.variant != c.designed) continue;
      const RunResult* base = find(c.baseline, r.noise);
      if (!base) continue;
      const MetricValues* a = metric(r, c.metric);
      const MetricValues* b = metric(*base, c.metric);
      if (!a || !b) continue;
      ComparisonResult res{c.designed, c.baseline, c.metric, r.noise, 0, 0, {}};
      // A seed where one of the two diverged (no finite metric) counts for the other; where
      // both did, it counts for neither.
      for (size_t i = 0; i < a->per_seed.size(); ++i) {
        const bool da = std::isfinite(a->per_seed[i]), db = std::isfinite(b->per_seed[i]);
        if (!da && !db) continue;
        ++res.trials;
        if (da && (!db || a->per_seed[i] < b->per_seed[i])) ++res.wins;
      }
      res.ci = analysis::wilson_interval(res.wins, res.trials);
      out.push_back(res);
    }
  return out;
}

}  // namespace orbitmc
