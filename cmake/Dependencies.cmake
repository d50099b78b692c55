# Locates the header-only dependencies (Random123, CLI11, nlohmann-json, Boost.Math) and
# GoogleTest, either from the system (Debian packages) or from ORBITMC_DEPS_DIR.
if(ORBITMC_DEPS_DIR)
  list(PREPEND CMAKE_PREFIX_PATH ${ORBITMC_DEPS_DIR})
endif()

find_path(RANDOM123_INCLUDE_DIR Random123/philox.h HINTS ${ORBITMC_DEPS_DIR}/include REQUIRED)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp HINTS ${ORBITMC_DEPS_DIR}/include REQUIRED)
find_path(NLOHMANN_JSON_INCLUDE_DIR nlohmann/json.hpp HINTS ${ORBITMC_DEPS_DIR}/include REQUIRED)
find_path(BOOST_MATH_INCLUDE_DIR boost/math/distributions/chi_squared.hpp
          HINTS ${ORBITMC_DEPS_DIR}/include REQUIRED)

add_library(orbitmc_random123 INTERFACE)
target_include_directories(orbitmc_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})
add_library(orbitmc_hostdeps INTERFACE)
target_include_directories(orbitmc_hostdeps SYSTEM INTERFACE
  ${CLI11_INCLUDE_DIR} ${NLOHMANN_JSON_INCLUDE_DIR} ${BOOST_MATH_INCLUDE_DIR})

if(ORBITMC_TESTS)
  find_package(GTest QUIET)
  if(NOT GTest_FOUND)
    # GoogleTest sources (Debian's /usr/src/googletest, or a staged copy) built in-tree.
    find_path(GTEST_SOURCE_DIR NAMES googletest/include/gtest/gtest.h
              PATHS ${ORBITMC_DEPS_DIR}/googletest /usr/src/googletest NO_DEFAULT_PATH REQUIRED)
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    add_subdirectory(${GTEST_SOURCE_DIR} ${CMAKE_BINARY_DIR}/_googletest EXCLUDE_FROM_ALL)
    if(NOT TARGET GTest::gtest_main)  # recent GoogleTest defines the namespaced aliases itself
      add_library(GTest::gtest ALIAS gtest)
      add_library(GTest::gtest_main ALIAS gtest_main)
    endif()
  endif()
endif()
