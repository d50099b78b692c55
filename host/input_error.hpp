// The exception for bad user input (a flag, a case-file field): its message names the field,
// the value and what is allowed. The CLI maps it to exit code 2.
#pragma once

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>

namespace orbitmc {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
// Length of the UTF-8 sequence at s[i] and its code point, or 0 for a byte that starts no
// valid sequence (overlong forms, surrogates and stray continuation bytes included).
inline size_t utf8_at(const std::string& s, size_t i, uint32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  size_t n = b0 < 0x80           ? 1
             : (b0 >> 5) == 0x6  ? 2
             : (b0 >> 4) == 0xe  ? 3
             : (b0 >> 3) == 0x1e ? 4
                                 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t c = n == 1 ? b0 : b0 & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    c = (c << 6) | (byte(i + k) & 0x3f);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMin[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
  *cp = c;
  return n;
}
}  // namespace detail

// Text from a user's file or command line made safe for a terminal and short enough for one
// line: control characters (C0, DEL, C1 such as CSI U+009B: escape sequences would reach the
// terminal raw), bidirectional overrides (which reorder what the reader sees) and bytes that
// are not UTF-8 become \xNN or \u{NNNN}; a long value is cut (a 50 MB value must not be printed
// back). Other UTF-8 (κ, σ, →) passes unchanged.
inline std::string printable(const std::string& s, size_t max_chars = 160) {
  std::string out;
  char buf[16];
  for (size_t i = 0; i < s.size();) {
    if (out.size() >= max_chars) {
      out += "... (" + std::to_string(s.size()) + " bytes)";
      break;
    }
    uint32_t cp = 0;
    const size_t n = detail::utf8_at(s, i, &cp);
    const bool control = n > 0 && (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f));
    const bool bidi = n > 0 && (cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
                                (cp >= 0x2066 && cp <= 0x2069));
    if (n == 0 || (control && cp < 0x80)) {  // a raw byte
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i]));
      out += buf;
      i += 1;
    } else if (control || bidi) {
      std::snprintf(buf, sizeof buf, "\\u{%04x}", static_cast<unsigned>(cp));
      out += buf;
      i += n;
    } else {
      out.append(s, i, n);
      i += n;
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
