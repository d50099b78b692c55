// Where the shipped data lives (the validation cases and the report renderer) and how the
// renderer is started: as a child process with an argument vector, never through a shell, so
// no path or option text can become a command.
#pragma once

#include <string>

namespace orbitmc {

// The folder of the shipped validation cases and render_report.py: the source tree's
// validation/ for a binary in its build tree, PREFIX/share/orbitmc/validation for an installed
// one (found from the binary's own location). Empty when neither exists.
std::string shipped_data_folder();

// Renders OUT_DIR/report.json into OUT_DIR/report/ with Python (ORBITMC_PYTHON, else
// /usr/bin/python3, else python3 on PATH); its output goes to OUT_DIR/render.log. Returns
// false, after printing how to render by hand, when it could not be started or failed.
bool render_report(const std::string& out_dir);

// Renders OUT_DIR/experiment.json into OUT_DIR/page/ (render_experiment.py), the same way.
bool render_experiment_page(const std::string& out_dir);

}  // namespace orbitmc
