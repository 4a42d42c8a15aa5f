// The standing robustness check of the loader: thousands of seeded mutations of the bundled
// scenarios (bytes deleted, inserted, duplicated, replaced, truncated; JSON values replaced by
// values of other types and boundary numbers, removed, nested deeper; op and expression text cut,
// doubled and given boundary numbers). Each mutated file must load or be refused with one line
// naming the file, never crash; one that loads is run under one design with a state budget and
// must end with a verdict (exit 0, 1 or 3 in the command line), never an internal error beyond the
// known model defects (sim/robustness/known_model_defects.h). Deterministic: the same mutations every
// time. Under --config=asan any memory error or undefined behaviour fails it.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/base/prng.h"
#include "sim/engine/engine.h"
#include "sim/robustness/budgeted_run.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

using Json = nlohmann::ordered_json;
constexpr uint64_t kSeed = 12;

uint64_t MutationCount() {
  const char* count = std::getenv("CRASHSIM_LOADER_MUTATIONS");
  return count != nullptr ? std::strtoull(count, nullptr, 10) : 10000;
}

std::vector<std::string> BundledTexts() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator("scenarios")) {
    if (entry.path().extension() == ".json") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> texts;
  for (const auto& path : paths) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

const std::vector<std::string> kTokens = {
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "-", "1e309", "0", "-1", "null", "true",
    "18446744073709551615", "18446744073709551616", "9223372036854775807", "0x", "'", "(", ")",
    "&&", "||", "->", "!", "\xff", "\xc3", std::string(1, '\0'), "\n", "[[[[[[[[", "{\"a\":"};

const std::vector<std::string> kNumbers = {
    "0", "1", "4095", "4096", "4097", "65536", "16777216", "16777217", "9223372036854775807",
    "9223372036854775808", "18446744073709551615", "18446744073709551616", "0x0", "0xffffffffffffffff",
    "-1", "1.5", "00", "0x"};

// Byte-level: the text as a stream of bytes, whatever it means.
std::string MutateBytes(std::string text, Prng& prng) {
  if (text.empty()) return text;
  const size_t at = prng.Below(text.size());
  const size_t length = 1 + prng.Below(std::min<size_t>(16, text.size() - at));
  switch (prng.Below(6)) {
    case 0: return text.erase(at, length);
    case 1: return text.insert(at, kTokens[prng.Below(kTokens.size())]);
    case 2: return text.insert(at, text.substr(at, length));
    case 3: text[at] = static_cast<char>(prng.Below(256)); return text;
    case 4: return text.substr(0, at);
    default: {
      const size_t other = prng.Below(text.size());
      std::swap(text[at], text[other]);
      return text;
    }
  }
}

// Every value of the document, in document order.
void CollectValues(Json& value, std::vector<Json*>* out) {
  out->push_back(&value);
  if (value.is_structured()) {
    for (Json& child : value) CollectValues(child, out);
  }
}

// A string mutated as op or expression text: words cut, doubled or swapped, numbers replaced
// by boundary numbers, operators added.
std::string MutateWords(const std::string& text, Prng& prng) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  if (words.empty()) return kNumbers[prng.Below(kNumbers.size())];
  const size_t at = prng.Below(words.size());
  switch (prng.Below(6)) {
    case 0: words.erase(words.begin() + static_cast<std::ptrdiff_t>(at)); break;
    case 1: words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), words[at]); break;
    case 2: std::swap(words[at], words[prng.Below(words.size())]); break;
    case 3: {
      // The first number-like word gets a boundary number.
      for (std::string& word : words) {
        if (!word.empty() && (std::isdigit(static_cast<unsigned char>(word[0])) != 0)) {
          word = kNumbers[prng.Below(kNumbers.size())];
          break;
        }
      }
      break;
    }
    case 4: words[at] = kTokens[prng.Below(kTokens.size())]; break;
    default: words.push_back(prng.Coin() ? "&& !(" + text + ")" : "sync"); break;
  }
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

Json RandomValue(Prng& prng) {
  switch (prng.Below(9)) {
    case 0: return nullptr;
    case 1: return true;
    case 2: return -1;
    case 3: return 1.5;
    case 4: return Json::array();
    case 5: return Json::object();
    case 6: return "";
    case 7: return std::numeric_limits<uint64_t>::max();
    default: return Json::array({Json::array({Json::array({"deep"})})});
  }
}

// Value-level: the JSON document parsed, one value changed, printed again.
std::string MutateJson(const std::string& text, Prng& prng) {
  Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return MutateBytes(text, prng);
  std::vector<Json*> values;
  CollectValues(document, &values);
  Json& target = *values[prng.Below(values.size())];
  switch (prng.Below(5)) {
    case 0:
      target = RandomValue(prng);
      break;
    case 1:
      if (target.is_string()) {
        target = MutateWords(target.get<std::string>(), prng);
      } else if (target.is_number()) {
        target = Json::parse(kNumbers[prng.Below(kNumbers.size())], nullptr, false);
        if (target.is_discarded()) target = "0x";
      } else {
        target = RandomValue(prng);
      }
      break;
    case 2:
      if (target.is_object() && !target.empty()) {
        target.erase(std::next(target.begin(), static_cast<std::ptrdiff_t>(prng.Below(target.size()))));
      } else if (target.is_array() && !target.empty()) {
        target.erase(target.begin() + static_cast<std::ptrdiff_t>(prng.Below(target.size())));
      } else {
        target = RandomValue(prng);
      }
      break;
    case 3:
      target = Json::array({target});
      break;
    default:
      if (target.is_object()) {
        target["unknown"] = 1;
      } else if (target.is_array()) {
        target.push_back(target.empty() ? Json("x") : target.front());
      } else {
        target = Json::object({{"k", target}});
      }
      break;
  }
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

TEST_CASE("mutated bundled scenarios load or are refused in one line, and runs end in a verdict") {
  const std::vector<std::string> texts = BundledTexts();
  REQUIRE(texts.size() >= 50);
  const uint64_t count = MutationCount();
  uint64_t loaded = 0, refused = 0, ran = 0, skipped = 0;
  std::map<std::string, uint64_t> excused;
  for (uint64_t i = 0; i < count; ++i) {
    Prng prng(kSeed, i);
    std::string text = texts[i % texts.size()];
    const uint64_t rounds = prng.Below(4) == 0 ? 2 : 1;
    for (uint64_t round = 0; round < rounds; ++round) {
      text = prng.Below(3) == 0 ? MutateBytes(text, prng) : MutateJson(text, prng);
    }
    INFO("mutation ", i, ":\n", text);
    const StatusOr<Scenario> scenario = LoadScenarioText(text, "mutated.json");
    if (!scenario.ok()) {
      ++refused;
      const std::string& message = scenario.status().message();
      CHECK(message.rfind("mutated.json: ", 0) == 0);
      CHECK(message.find('\n') == std::string::npos);
      CHECK(message.size() > std::string("mutated.json: ").size());
      CHECK(message.find("internal error") == std::string::npos);
      continue;
    }
    ++loaded;
    // A run over a huge range would cost that range inside one step (TouchesMoreThan): not run.
    if (TouchesMoreThan(*scenario, 1 << 20)) {
      ++skipped;
      continue;
    }
    const Design design = scenario->designs[prng.Below(scenario->designs.size())];
    RunWithinBudget(*scenario, design, /*max_states=*/40, /*max_images=*/5000, &excused);
    ++ran;
  }
  std::cout << count << " mutations: " << refused << " refused, " << loaded << " loaded, " << ran
            << " run, " << skipped << " not run for their size";
  for (const auto& [name, n] : excused) std::cout << "; " << n << " excused as " << name;
  std::cout << "\n";
  // The mutations reach both the refusals and the engine.
  CHECK(refused > count / 4);
  CHECK(ran > count / 30);
}

}  // namespace
}  // namespace crashsim
