// NumPy .npy reader for model data sets (the format: numpy.org/doc/stable/reference/generated/
// numpy.lib.format.html): magic, version, header length, a Python-literal dict with descr,
// fortran_order and shape, then the raw array.
#include "models/npy_file.hpp"

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>

#include "input_error.hpp"

namespace orbitmc {
namespace {

using Refuse = std::function<void(const std::string&)>;  // throws the field's InputError

bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

// The header's dict, a Python literal as numpy writes it: {'descr': '<f8', 'fortran_order':
// False, 'shape': (4, 12), } (any whitespace, a trailing comma, either quote). Values are kept
// as written, strings re-quoted with ' so that messages and comparisons see one form. A key
// given twice is refused: Python (so numpy) keeps the last, and taking either one would read
// an array numpy does not. Keys other than the three numpy writes are refused as numpy does.
std::map<std::string, std::string> header_dict(const std::string& h, const Refuse& bad) {
  size_t i = 0;
  auto skip = [&] {
    while (i < h.size() && is_space(h[i])) ++i;
  };
  auto malformed = [&](const std::string& what) {
    bad("header is not a Python dict literal (" + what + " at byte " + std::to_string(i) + ")");
  };
  // A quoted string without escapes (numpy's keys and descr never need them).
  auto quoted = [&]() -> std::string {
    const char q = h[i++];
    const size_t from = i;
    while (i < h.size() && h[i] != q && h[i] != '\\' && h[i] != '\n') ++i;
    if (i >= h.size() || h[i] != q) malformed("an unterminated string");
    return h.substr(from, i++ - from);
  };
  std::map<std::string, std::string> d;
  skip();
  if (i >= h.size() || h[i] != '{') malformed("no '{'");
  ++i;
  for (;;) {
    skip();
    if (i < h.size() && h[i] == '}') break;
    if (i >= h.size() || (h[i] != '\'' && h[i] != '"')) malformed("a key that is not a string");
    const std::string key = quoted();
    skip();
    if (i >= h.size() || h[i] != ':') malformed("no ':' after '" + key + "'");
    ++i;
    skip();
    std::string value;
    if (i < h.size() && (h[i] == '\'' || h[i] == '"')) {
      value = "'" + quoted() + "'";
    } else if (i < h.size() && h[i] == '(') {
      const size_t from = i;
      while (i < h.size() && h[i] != ')' && (i == from || h[i] != '(')) ++i;
      if (i >= h.size() || h[i] != ')') malformed("an unterminated tuple");
      value = h.substr(from, ++i - from);
    } else {
      const size_t from = i;
      while (i < h.size() && (std::isalnum(static_cast<unsigned char>(h[i])) || h[i] == '_')) ++i;
      value = h.substr(from, i - from);
      if (value.empty())
        malformed("the value of '" + key + "' is not a string, a tuple, True or False");
    }
    if (!d.emplace(key, value).second)
      bad("header gives key '" + printable(key, 40) +
          "' twice (numpy would take the last): each key may appear once");
    skip();
    if (i < h.size() && h[i] == ',') {
      ++i;
      continue;
    }
    skip();
    if (i >= h.size() || h[i] != '}') malformed("no ',' or '}' after '" + key + "'");
  }
  ++i;
  skip();
  if (i != h.size()) malformed("text after '}'");
  for (const auto& [key, value] : d)
    if (key != "descr" && key != "fortran_order" && key != "shape")
      bad("header key '" + printable(key, 40) + "': allowed are descr, fortran_order and shape");
  return d;
}

// The number of elements of a shape tuple written as Python does: (), (4,), (4, 12), (4,12),
// (4, 12,); any whitespace between the tokens. (4) is no tuple in Python and ( 4 12 ) no
// literal at all, so both are refused rather than guessed at. Sizes are decimal without
// leading zeros (Python refuses 012), each and their product at most `expected`.
int64_t shape_count(const std::string& shape, int64_t expected, const Refuse& bad) {
  const auto not_tuple = [&](const std::string& why) {
    bad("shape " + shape + " is not a tuple of sizes as numpy writes it, e.g. " +
        "(4,) or (4, 12) (" + why + ")");
  };
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')') not_tuple("no parentheses");
  const size_t end = shape.size() - 1;  // the ')'
  size_t i = 1, dims = 0;
  bool comma = false;  // whether the last size was followed by a comma
  int64_t count = 1;
  auto skip = [&] {
    while (i < end && is_space(shape[i])) ++i;
  };
  skip();
  while (i < end) {
    if (!std::isdigit(static_cast<unsigned char>(shape[i]))) not_tuple("expected a size");
    if (shape[i] == '0' && i + 1 < end && std::isdigit(static_cast<unsigned char>(shape[i + 1])))
      not_tuple("a size with a leading zero");
    int64_t dim = 0;
    while (i < end && std::isdigit(static_cast<unsigned char>(shape[i]))) {
      dim = dim * 10 + (shape[i++] - '0');
      if (dim > expected)
        bad("shape " + shape + " holds more than " + std::to_string(expected) + " numbers");
    }
    ++dims;
    count *= dim;
    if (count > expected)
      bad("shape " + shape + " holds more than " + std::to_string(expected) + " numbers");
    skip();
    comma = i < end && shape[i] == ',';
    if (comma) {
      ++i;
      skip();
    } else if (i < end) {
      not_tuple("sizes must be separated by commas");
    }
  }
  if (dims == 1 && !comma) not_tuple("a one-element tuple needs its comma");
  return count;
}

}  // namespace

std::vector<double> read_npy_words(const std::string& path, int64_t expected,
                                   const std::string& field) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) bad_input(field, path, "must name a readable .npy file");
  const uint64_t size = fs::file_size(path, ec);
  // The header is at most a few kilobytes; the array must hold `expected` numbers exactly.
  if (ec || size > static_cast<uint64_t>(expected) * 8 + (1u << 16))
    bad_input(field, path,
              "is larger than a .npy array of " + std::to_string(expected) + " numbers");
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Refuse bad = [&](const std::string& why) { bad_input(field, path, why); };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    bad("is not a .npy file (no \\x93NUMPY magic)");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, header_at = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
    header_at = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) bad("is truncated");
    for (int b = 3; b >= 0; --b)
      header_len = header_len << 8 | static_cast<unsigned char>(bytes[8 + b]);
    header_at = 12;
  } else {
    bad(".npy format version " + std::to_string(major) + " is not 1, 2 or 3");
  }
  if (header_len > bytes.size() - header_at) bad("is truncated (header)");
  const auto header = header_dict(bytes.substr(header_at, header_len), bad);
  const auto value = [&](const char* key) {
    const auto it = header.find(key);
    if (it == header.end()) bad(std::string("header has no '") + key + "'");
    return it->second;
  };
  const std::string descr = value("descr");
  const size_t item = descr == "'<f8'" ? 8 : descr == "'<f4'" ? 4 : 0;
  if (item == 0) bad("dtype " + descr + ": allowed are '<f8' (float64) and '<f4' (float32)");
  if (value("fortran_order") != "False") bad("must be in C order (fortran_order False)");
  const std::string shape = value("shape");
  const int64_t count = shape_count(shape, expected, bad);
  if (count != expected)
    bad("shape " + shape + " holds " + std::to_string(count) + " numbers; the model needs " +
        std::to_string(expected));
  const size_t data_at = header_at + header_len;
  if (bytes.size() - data_at != static_cast<size_t>(count) * item)
    bad("has " + std::to_string(bytes.size() - data_at) + " bytes of data; shape " + shape +
        " needs " + std::to_string(count * item));
  std::vector<double> out(count);
  for (int64_t k = 0; k < count; ++k) {
    if (item == 8) {
      std::memcpy(&out[k], bytes.data() + data_at + k * 8, 8);
    } else {
      float f;
      std::memcpy(&f, bytes.data() + data_at + k * 4, 4);
      out[k] = f;
    }
    if (!(out[k] - out[k] == 0)) bad("holds a non-finite number at index " + std::to_string(k));
  }
  return out;
}

}  // namespace orbitmc
