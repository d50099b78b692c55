// The .npy writer: a header padded to a multiple of 64 bytes, then the raw little-endian words.
#include "io/npy_write.hpp"

#include <cstring>
#include <stdexcept>

#include "io/atomic_file.hpp"

namespace orbitmc {
namespace {

template <class T>
void write_any(const std::string& path, const std::vector<T>& data,
               const std::vector<uint64_t>& shape, const char* descr) {
  uint64_t count = 1;
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) {
    count *= shape[i];
    dims += (i ? ", " : "") + std::to_string(shape[i]);
  }
  if (shape.size() == 1) dims += ",";  // NumPy's one-element tuple
  if (count != data.size()) throw std::logic_error("write_npy: shape does not match the data");
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  const size_t total = 10 + header.size() + 1;  // magic, version, length; then header and '\n'
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  const size_t at = out.size();
  out.resize(at + data.size() * sizeof(T));
  if (!data.empty()) std::memcpy(&out[at], data.data(), data.size() * sizeof(T));
  write_file_atomically(path, out);
}

}  // namespace

void write_npy(const std::string& path, const std::vector<float>& data,
               const std::vector<uint64_t>& shape) {
  write_any(path, data, shape, "<f4");
}
void write_npy(const std::string& path, const std::vector<double>& data,
               const std::vector<uint64_t>& shape) {
  write_any(path, data, shape, "<f8");
}

}  // namespace orbitmc
