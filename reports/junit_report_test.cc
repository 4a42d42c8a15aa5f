#include "reports/junit_report.h"

#include <doctest/doctest.h>

#include "reports/markup_check.h"
#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::BudgetResult;
using testing::HostileResult;
using testing::Markup;
using testing::MixedModeResult;
using testing::NotModelledResult;
using testing::ReadMarkup;
using testing::SampledResult;

std::vector<ScenarioResult> AllKinds() {
  return {MixedModeResult(), NotModelledResult(), BudgetResult(), SampledResult(),
          HostileResult()};
}

Markup Read(const std::string& xml) {
  Markup markup = ReadMarkup(xml);
  INFO(markup.error);
  REQUIRE(markup.error.empty());
  return markup;
}

TEST_CASE("the same results give byte-identical JUnit XML without times or dates") {
  const std::string xml = RenderJunitReport(AllKinds());
  CHECK(xml == RenderJunitReport(AllKinds()));
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0) == 0);
  CHECK(xml.find("time=") == std::string::npos);
  CHECK(xml.find("timestamp=") == std::string::npos);
}

TEST_CASE("one test case per scenario and model; differing verdicts fail, invalid runs err") {
  const Markup markup = Read(RenderJunitReport(AllKinds()));
  const auto& root = markup.elements[0];
  CHECK(root.name == "testsuites");
  CHECK(root.attributes.at("tests") == "10");
  CHECK(root.attributes.at("failures") == "3");  // two verdicts differ, one budget ran out
  CHECK(root.attributes.at("errors") == "1");
  const auto suites = markup.Find("testsuite");
  REQUIRE(suites.size() == 5);
  CHECK(markup.elements[suites[0]].attributes.at("name") == "mixed-mode-fsync");
  CHECK(markup.elements[suites[0]].attributes.at("tests") == "5");
  CHECK(markup.elements[suites[0]].attributes.at("failures") == "1");
  const auto cases = markup.Find("testcase");
  REQUIRE(cases.size() == 10);
  CHECK(markup.elements[cases[0]].attributes.at("classname") == "crashsim.mixed-mode-fsync");
  CHECK(markup.elements[cases[0]].attributes.at("name") == "kernel-tracked");
  CHECK(markup.elements[cases[0]].attributes.at("file") == "scenarios/mixed-mode-fsync.json");

  const auto failures = markup.Find("failure");
  REQUIRE(failures.size() == 3);
  const auto& verdict = markup.elements[failures[0]];
  CHECK(markup.elements[*verdict.parent].attributes.at("name") == "daxfile-untracked");
  CHECK(verdict.attributes.at("type") == "verdict");
  CHECK(verdict.attributes.at("message") == "got {msync} expected {msync, y-durable}");
  CHECK(verdict.text ==
        "expected but not violated in any reachable state: y-durable\n");
  CHECK(markup.elements[failures[1]].attributes.at("type") == "budget");
  const auto errors = markup.Find("error");
  REQUIRE(errors.size() == 1);
  CHECK(markup.elements[errors[0]].attributes.at("type") == "not-modelled");
  CHECK(markup.elements[errors[0]].attributes.at("message") ==
        "not modelled yet: /processes/P1/2: not modelled yet: reflink");
}

TEST_CASE("a failure carries the summary and trace of each violation that expect does not name") {
  const Markup markup = Read(RenderJunitReport({HostileResult()}));
  const auto failures = markup.Find("failure");
  REQUIRE(failures.size() == 1);
  const auto& failure = markup.elements[failures[0]];
  CHECK(failure.attributes.at("message") == "got {fsync<&>} expected {}");
  CHECK(failure.text.rfind("not expected: fsync<&>: P1.s: fsync fd returned 0 "
                           "<script>alert(1)</script>; crash after step 4",
                           0) == 0);
  CHECK(failure.text.find("  schedule:\n") != std::string::npos);
  CHECK(markup.elements[markup.Find("testsuite")[0]].attributes.at("name") ==
        "a|b<i>`c`</i>&\"d\"");
}

TEST_CASE("text that XML forbids is replaced, so the file always parses") {
  const std::string xml = RenderJunitReport({HostileResult()});
  CHECK(xml.find('\x07') == std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos);
  CHECK(xml.find("\xff") == std::string::npos);
  CHECK(xml.find("<script>") == std::string::npos);
}

TEST_CASE("no scenarios give an empty but valid suite list") {
  const Markup markup = Read(RenderJunitReport({}));
  CHECK(markup.elements.size() == 1);
  CHECK(markup.elements[0].attributes.at("tests") == "0");
}

}  // namespace
}  // namespace crashsim
