// A model's data set read from a .npy file named in the case file: the same numbers as the
// generated set give the same model data; a file that is not exactly the model's array (a
// header numpy would read otherwise, numbers the run's precision cannot square, a path cut at
// a NUL) is refused with the field, the file and what is allowed.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "cases/case_checks.hpp"
#include "cases/case_file.hpp"
#include "cli_support.hpp"
#include "ensemble/run_spec.hpp"
#include "input_error.hpp"
#include "input_error_support.hpp"
#include "models/model_registry.hpp"

namespace orbitmc {
namespace {

using testing::input_error_of;
using testing::temp_dir;
using testing::write_text;

// A version-1 .npy file of `words` as float64 (or float32) under the header dict `header`
// (written as given, then padded as numpy pads it).
std::string npy_raw(const std::vector<double>& words, std::string header,
                    const std::string& descr = "<f8") {
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

// The same with the header numpy writes for `shape`.
std::string npy_bytes(const std::vector<double>& words, const std::string& shape,
                      const std::string& descr = "<f8", const std::string& order = "False") {
  return npy_raw(
      words, "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }",
      descr);
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

// The error load_case_file throws for the data.npy in `dir` holding `bytes` ("" if none).
std::string refusal(const std::filesystem::path& dir, const std::string& bytes) {
  write_text(dir / "data.npy", bytes);
  return input_error_of([&] { load_case_file((dir / "case.json").string()); });
}

// Python keeps the last of a repeated key, so numpy reads these as float32 and as a (4, 8)
// array; taking the first (as this reader did) reads other numbers than numpy. Refused, naming
// the key.
TEST(NpyData, RepeatedHeaderKeysAreRefusedNamingTheKey) {
  const auto dir = temp_dir("npy_repeat");
  write_text(dir / "case.json", relu_case());
  const std::vector<double> words = model_data(generated_relu());
  std::string e = refusal(dir, npy_raw(words,
                                       "{'descr': '<f8', 'fortran_order': False, 'shape': (32,), "
                                       "'descr': '<f4', }"));
  EXPECT_NE(e.find("model.data_file"), std::string::npos) << e;
  EXPECT_NE(e.find("data.npy"), std::string::npos) << e;
  EXPECT_NE(e.find("key 'descr' twice"), std::string::npos) << e;
  e = refusal(dir, npy_raw(words,
                           "{'shape': (32,), 'descr': '<f8', 'fortran_order': False, "
                           "'shape': (4, 8)}"));
  EXPECT_NE(e.find("key 'shape' twice"), std::string::npos) << e;
  // A key numpy does not write (numpy refuses it too).
  e = refusal(dir, npy_raw(words,
                           "{'descr': '<f8', 'fortran_order': False, 'shape': (32,), "
                           "'extra': 1}"));
  EXPECT_NE(e.find("header key 'extra'"), std::string::npos) << e;
}

// Shapes are Python tuples as numpy writes them; anything else is refused, not guessed at.
TEST(NpyData, ShapeMustBeAPythonTuple) {
  const auto dir = temp_dir("npy_shape");
  write_text(dir / "case.json", relu_case());
  const std::vector<double> words = model_data(generated_relu());
  for (const char* shape : {"(32,)", "(4, 8)", "(4,8)", "(4, 8,)", "( 4 , 8 )", "(2, 2, 8)"}) {
    write_text(dir / "data.npy", npy_bytes(words, shape));
    EXPECT_EQ(model_data(load_case_file((dir / "case.json").string()).samplers.front().spec.model),
              words)
        << shape;
  }
  const std::pair<const char*, const char*> bad[] = {
      {"( 4 8 )", "separated by commas"}, {"(4 8,)", "separated by commas"},
      {"(32)", "needs its comma"},        {"(4,, 8)", "expected a size"},
      {"(,)", "expected a size"},         {"(4, x)", "expected a size"},
      {"(04, 8)", "leading zero"},        {"(4, -8)", "expected a size"},
      {"32", "no parentheses"},
  };
  for (const auto& [shape, message] : bad) {
    const std::string e = refusal(dir, npy_bytes(words, shape));
    EXPECT_NE(e.find("model.data_file"), std::string::npos) << shape << ": " << e;
    EXPECT_NE(e.find(std::string("shape ") + shape), std::string::npos) << e;
    EXPECT_NE(e.find(message), std::string::npos) << shape << ": " << e;
  }
  // A list is no Python literal numpy writes for a shape.
  const std::string e = refusal(dir, npy_bytes(words, "[4, 8]"));
  EXPECT_NE(e.find("the value of 'shape' is not a string, a tuple"), std::string::npos) << e;
}

// A float64 1e300 is finite, but a float run turns it into inf (and a double run squares it
// to inf): every chain diverges. Refused before any sampling, naming the file and the element.
TEST(NpyData, NumbersThePrecisionCannotSquareAreRefused) {
  const auto dir = temp_dir("npy_range");
  std::vector<double> words = model_data(generated_relu());
  write_text(dir / "case.json", relu_case());
  write_text(dir / "data.npy", npy_bytes(words, "(32,)"));
  EXPECT_NO_THROW(check_case_analysable(load_case_file((dir / "case.json").string())));
  words[17] = 1e300;
  write_text(dir / "data.npy", npy_bytes(words, "(32,)"));
  const CaseSpec c = load_case_file((dir / "case.json").string());  // "precision": "float"
  std::string e = input_error_of([&] { check_case_analysable(c); });
  EXPECT_NE(e.find("case.json.model.data_file = data.npy"), std::string::npos) << e;
  EXPECT_NE(e.find("element 17"), std::string::npos) << e;
  EXPECT_NE(e.find("1e+300"), std::string::npos) << e;
  EXPECT_NE(e.find("\"precision\": \"float\""), std::string::npos) << e;
  // 1e20 fits a float, but its square does not: refused in float, accepted in double.
  words[17] = -1e20;
  write_text(dir / "data.npy", npy_bytes(words, "(32,)"));
  e = input_error_of([&] { check_case_analysable(load_case_file((dir / "case.json").string())); });
  EXPECT_NE(e.find("element 17"), std::string::npos) << e;
  EXPECT_NE(e.find("-1e+20"), std::string::npos) << e;
  std::string text = relu_case();
  text.replace(text.find("\"beta\""), 0, "\"precision\": \"double\", ");
  write_text(dir / "case.json", text);
  EXPECT_NO_THROW(check_case_analysable(load_case_file((dir / "case.json").string())));
  words[17] = 1e300;
  write_text(dir / "data.npy", npy_bytes(words, "(32,)"));
  e = input_error_of([&] { check_case_analysable(load_case_file((dir / "case.json").string())); });
  EXPECT_NE(e.find("element 17"), std::string::npos) << e;
  EXPECT_NE(e.find("\"precision\": \"double\""), std::string::npos) << e;
}

// The file system reads a path up to its first NUL: "data.npy\u0000x" would silently read
// data.npy. Refused naming the field, the NUL shown escaped.
TEST(NpyData, PathWithNulIsRefused) {
  const auto dir = temp_dir("npy_nul");
  write_text(dir / "data.npy", npy_bytes(model_data(generated_relu()), "(32,)"));
  std::string text = relu_case();
  text.replace(text.find("data.npy"), 8, "data.npy\\u0000x");
  write_text(dir / "case.json", text);
  const std::string e = input_error_of([&] { load_case_file((dir / "case.json").string()); });
  EXPECT_NE(e.find("case.json.model.data_file = \"data.npy\\x00x\""), std::string::npos) << e;
  EXPECT_NE(e.find("NUL"), std::string::npos) << e;
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
  AttentionParams& p = s.edit<AttentionParams>();
  p.embed = 1 << 20;
  p.head = 1 << 20;
  try {
    check_run_spec_model(s, "case.json.");
    ADD_FAILURE() << "accepted embed x head = 2^40";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("case.json.model.embed"), std::string::npos) << e.what();
  }
  p.embed = 4;
  p.head = 2;
  p.sequence = 1 << 20;
  EXPECT_THROW(check_run_spec_model(s, ""), InputError);
  p.sequence = 8;
  EXPECT_NO_THROW(check_run_spec_model(s, ""));
}

}  // namespace
}  // namespace orbitmc
