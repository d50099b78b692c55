# `cmake --install` gives a working orbitmc: installed to a fresh prefix outside the build tree,
# it finds its shipped cases and the report renderer beside itself (PREFIX/share/orbitmc), runs
# a small case, and renders the HTML report. Run by CTest with -DBUILD_DIR= -DWORK_DIR=.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
foreach(f bin/orbitmc share/orbitmc/validation/render_report.py
          share/orbitmc/validation/orbitmc_report/cli.py
          share/orbitmc/validation/block_1_3.json)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

file(WRITE ${WORK_DIR}/case.json [=[{
  "name": "installed", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 3, "chains": 200,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
  "samplers": {"ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 40}}
}]=])
execute_process(COMMAND ${prefix}/bin/orbitmc run ${WORK_DIR}/case.json --backend cpu --quiet
                        --out ${WORK_DIR}/out
                WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(rc GREATER 1)
  message(FATAL_ERROR "installed orbitmc run failed (${rc}):\n${out}")
endif()
if(NOT EXISTS ${WORK_DIR}/out/report/index.html)
  file(READ ${WORK_DIR}/out/render.log log)
  message(FATAL_ERROR "the installed orbitmc rendered no report:\n${out}\n${log}")
endif()

# Rendering writes nothing outside --out: no __pycache__ beside the installed renderer.
file(GLOB_RECURSE cached ${prefix}/share/orbitmc/*.pyc)
if(cached)
  message(FATAL_ERROR "rendering wrote into the installed share folder: ${cached}")
endif()
# A report written among the installed cases would be read as a case by every later validate.
execute_process(COMMAND ${prefix}/bin/orbitmc validate --backend cpu --chains 200 --quiet
                        --no-html --out ${prefix}/share/orbitmc/validation
                WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(NOT rc EQUAL 2 OR NOT out MATCHES "lies in the folder of --cases" OR
   EXISTS ${prefix}/share/orbitmc/validation/report.json)
  message(FATAL_ERROR "--out among the installed cases was not refused (${rc}):\n${out}")
endif()

# Without --cases, validate runs the installed cases (all of them, few chains, no figures).
execute_process(COMMAND ${prefix}/bin/orbitmc validate --backend cpu --chains 200 --quiet
                        --no-html --out ${WORK_DIR}/suite
                WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(rc GREATER 1 OR NOT out MATCHES "block_1_3" OR NOT out MATCHES "scalar_window")
  message(FATAL_ERROR "installed orbitmc validate failed (${rc}):\n${out}")
endif()
message(STATUS "installed orbitmc works from ${prefix}")
