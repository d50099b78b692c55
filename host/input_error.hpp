// The exception for bad user input (a flag, a case-file field): its message names the field,
// the value and what is allowed. The CLI maps it to exit code 2.
#pragma once

#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>

namespace orbitmc {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Text from a user's file or command line made safe for a terminal and short enough for one
// line: control bytes (escape sequences would reach the terminal raw) become \xNN, and a long
// value is cut (a 50 MB value must not be printed back).
inline std::string printable(const std::string& s, size_t max_chars = 160) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= max_chars) {
      out += "... (" + std::to_string(s.size()) + " bytes)";
      break;
    }
    const unsigned char ch = static_cast<unsigned char>(s[i]);
    if (ch < 0x20 || ch == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

// A number for a message: `digits` significant digits (std::to_string(1e300) has 309).
inline std::string num(double v, int digits = 10) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// Throws InputError("FIELD = VALUE: ALLOWED"), every part made printable.
template <class V>
[[noreturn]] void bad_input(const std::string& field, const V& value, const std::string& allowed) {
  std::ostringstream os;
  os.precision(10);  // numbers: enough digits to tell values apart, never 309 of them
  os << value;
  throw InputError(printable(field, 400) + " = " + printable(os.str()) + ": " +
                   printable(allowed, 800));
}

}  // namespace orbitmc
