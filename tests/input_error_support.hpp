// The message of the InputError a call throws, for tests of refused input.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "input_error.hpp"

namespace orbitmc::testing {

// The message of the InputError that f throws, or "" (and a test failure) when it throws none.
inline std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

}  // namespace orbitmc::testing
