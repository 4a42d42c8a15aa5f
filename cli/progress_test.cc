#include "cli/progress.h"

#include <doctest/doctest.h>

#include <sstream>

namespace crashsim {
namespace {

TEST_CASE("the progress line keeps the counts and the model and cuts a long scenario name") {
  std::ostringstream out;
  double now = 0;
  ProgressLine progress(out, [&now] { return now += 1.0; });
  progress.SetScenario(12, 340, std::string(100, 's'));
  progress.StartModel(Design::kDaxfileUntracked);
  const std::string line = out.str();
  REQUIRE(line.size() > 4);
  CHECK(line.rfind("\r[12/340] 0 states, 0 states/s: sss", 0) == 0);
  const std::string text = line.substr(1, line.size() - 1 - 3);  // without "\r" and "\x1b[K"
  CHECK(text.size() == 79);
  CHECK(text.substr(text.size() - 27) == "... under daxfile-untracked");
  CHECK(line.substr(line.size() - 3) == "\x1b[K");
}

TEST_CASE("the rate counts the states of finished runs over the time since the line started") {
  std::ostringstream out;
  double now = 10;
  ProgressLine progress(out, [&now] { return now; });
  progress.SetScenario(1, 1, "s");
  progress.FinishModel(300);
  now = 12;
  progress.StartModel(Design::kPerVma);
  CHECK(out.str() == "\r[1/1] 300 states, 150 states/s: s under per-vma\x1b[K");
}

TEST_CASE("clearing erases a shown line once and prints nothing otherwise") {
  std::ostringstream out;
  ProgressLine progress(out, [] { return 0.0; });
  progress.Clear();
  CHECK(out.str().empty());
  progress.SetScenario(1, 1, "s");
  progress.StartModel(Design::kMapSync);
  progress.Clear();
  progress.Clear();
  const std::string text = out.str();
  CHECK(text.substr(text.size() - 4) == "\r\x1b[K");
  CHECK(text.find("\r\x1b[K") == text.size() - 4);
}

}  // namespace
}  // namespace crashsim
