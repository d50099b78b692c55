// NumPy .npy reader for model data sets (the format: numpy.org/doc/stable/reference/generated/
// numpy.lib.format.html): magic, version, header length, a Python-literal dict with descr,
// fortran_order and shape, then the raw array.
#include "models/npy_file.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "input_error.hpp"

namespace orbitmc {
namespace {

// The text after `key': ` up to the next comma at depth 0 (a tuple counts as one value).
std::string dict_value(const std::string& header, const std::string& key) {
  const std::string k = "'" + key + "':";
  const size_t at = header.find(k);
  if (at == std::string::npos) return "";
  size_t i = at + k.size(), depth = 0;
  while (i < header.size() && header[i] == ' ') ++i;
  const size_t start = i;
  for (; i < header.size(); ++i) {
    if (header[i] == '(') ++depth;
    if (header[i] == ')') --depth;
    if ((header[i] == ',' || header[i] == '}') && depth == 0) break;
  }
  return header.substr(start, i - start);
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
  auto bad = [&](const std::string& why) -> void { bad_input(field, path, why); };
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
  const std::string header = bytes.substr(header_at, header_len);
  const std::string descr = dict_value(header, "descr");
  const size_t item = descr == "'<f8'" ? 8 : descr == "'<f4'" ? 4 : 0;
  if (item == 0) bad("dtype " + descr + ": allowed are '<f8' (float64) and '<f4' (float32)");
  if (dict_value(header, "fortran_order") != "False")
    bad("must be in C order (fortran_order False)");
  const std::string shape = dict_value(header, "shape");
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')') bad("has no shape tuple");
  int64_t count = 1;
  for (size_t i = 1; i + 1 < shape.size();) {
    while (i + 1 < shape.size() && (shape[i] == ' ' || shape[i] == ',')) ++i;
    if (i + 1 >= shape.size()) break;
    int64_t dim = 0;
    bool digits = false;
    while (i + 1 < shape.size() && shape[i] >= '0' && shape[i] <= '9') {
      dim = dim * 10 + (shape[i++] - '0');
      digits = true;
      if (dim > expected)
        bad("shape " + shape + " holds more than " + std::to_string(expected) + " numbers");
    }
    if (!digits) bad("shape " + shape + " is not a tuple of sizes");
    count *= dim;
    if (count > expected)
      bad("shape " + shape + " holds more than " + std::to_string(expected) + " numbers");
  }
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
