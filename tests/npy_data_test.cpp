// A model's data set read from a .npy file named in the case file: the same numbers as the
// generated set give the same model data; a file that is not exactly the model's array is
// refused with the field, the file and what is allowed.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "cli_support.hpp"
#include "input_error.hpp"
#include "models/model_registry.hpp"
#include "run/run_spec.hpp"
#include "validate/case_file.hpp"

namespace orbitmc {
namespace {

using testing::temp_dir;
using testing::write_text;

// A version-1 .npy file of `words` as float64 (or float32) with the given shape text.
std::string npy_bytes(const std::vector<double>& words, const std::string& shape,
                      const std::string& descr = "<f8", const std::string& order = "False") {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  for (double w : words) {
    if (descr == "<f8") {
      char b[8];
      std::memcpy(b, &w, 8);
      out.append(b, 8);
    } else {
      const float f = static_cast<float>(w);
      char b[4];
      std::memcpy(b, &f, 4);
      out.append(b, 4);
    }
  }
  return out;
}

std::string relu_case() {
  return R"({
  "name": "npy", "kind": "comparison",
  "model": {"name": "relu", "units": 3, "input_dim": 3, "points": 8, "data_file": "data.npy"},
  "beta": 1.0, "seed": 3, "chains": 100,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.5, "bins": 10}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 1e-3, "kappa": 50, "steps": 20, "burn_in": 10, "thin": 5}
  }
})";
}

ModelSpec generated_relu() {
  ModelSpec s;
  s.name = "relu";
  return s;
}

TEST(NpyData, SameNumbersAsTheGeneratedSetGiveTheSameModelData) {
  const auto dir = temp_dir("npy_same");
  const std::vector<double> words = model_data(generated_relu());
  ASSERT_EQ(words.size(), 8u * 4u);  // x: 8 × 3, y: 8
  write_text(dir / "data.npy", npy_bytes(words, "(32,)"));
  write_text(dir / "case.json", relu_case());
  const CaseSpec c = load_case_file((dir / "case.json").string());
  const ModelSpec& m = c.samplers.front().spec.model;
  ASSERT_TRUE(m.data);
  EXPECT_EQ(model_data(m), words);
  // float32 and a two-dimensional shape are accepted too; the numbers round to float.
  write_text(dir / "data.npy", npy_bytes(words, "(4, 8)", "<f4"));
  const CaseSpec f = load_case_file((dir / "case.json").string());
  const std::vector<double> read = model_data(f.samplers.front().spec.model);
  for (size_t k = 0; k < words.size(); ++k)
    EXPECT_EQ(read[k], static_cast<double>(static_cast<float>(words[k])));
}

TEST(NpyData, WrongFilesAreRefusedNamingTheField) {
  const auto dir = temp_dir("npy_bad");
  write_text(dir / "case.json", relu_case());
  const std::vector<double> words = model_data(generated_relu());
  std::vector<double> with_nan = words;
  with_nan[3] = std::nan("");
  const std::pair<std::string, std::string> cases[] = {
      {npy_bytes(words, "(31,)"), "the model needs 32"},
      {npy_bytes(words, "(32,)", "<i8"), "allowed are '<f8'"},
      {npy_bytes(words, "(32,)", "<f8", "True"), "C order"},
      {npy_bytes(words, "(32,)").substr(0, 200), "bytes of data"},
      {"not a numpy file at all", "magic"},
      {npy_bytes(with_nan, "(32,)"), "non-finite"},
      {npy_bytes(words, "(99999999999,)"), "holds more than"},
  };
  for (const auto& [bytes, message] : cases) {
    write_text(dir / "data.npy", bytes);
    try {
      load_case_file((dir / "case.json").string());
      ADD_FAILURE() << "accepted: " << message;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("model.data_file"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
  std::filesystem::remove(dir / "data.npy");
  EXPECT_THROW(load_case_file((dir / "case.json").string()), InputError);
}

}  // namespace
}  // namespace orbitmc

namespace orbitmc {
namespace {

// Sizes whose products would overflow int (attention's W_V and scratch) are refused by the
// model's own check before its layout is formed.
TEST(ModelSizes, ProductsOfHugeSizesAreRefusedBeforeTheLayout) {
  ModelSpec s;
  s.name = "attention";
  s.embed = 1 << 20;
  s.head = 1 << 20;
  try {
    check_run_spec_model(s, "case.json.");
    ADD_FAILURE() << "accepted embed x head = 2^40";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("case.json.model.embed"), std::string::npos) << e.what();
  }
  s.embed = 4;
  s.head = 2;
  s.sequence = 1 << 20;
  EXPECT_THROW(check_run_spec_model(s, ""), InputError);
  s.sequence = 8;
  EXPECT_NO_THROW(check_run_spec_model(s, ""));
}

}  // namespace
}  // namespace orbitmc
