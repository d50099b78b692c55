// The exception for bad user input (a flag, a case-file field): its message names the field,
// the value and what is allowed. The CLI maps it to exit code 2.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace orbitmc {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws InputError("FIELD = VALUE: ALLOWED").
template <class V>
[[noreturn]] void bad_input(const std::string& field, const V& value, const std::string& allowed) {
  std::ostringstream os;
  os << field << " = " << value << ": " << allowed;
  throw InputError(os.str());
}

}  // namespace orbitmc
