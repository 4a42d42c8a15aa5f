#include "reports/junit_report.h"

#include <fmt/format.h>

#include <cstddef>

#include "models/config.h"
#include "reports/escape.h"
#include "reports/report_view.h"
#include "reports/text_report.h"

namespace crashsim {
namespace {

struct Counts {
  size_t tests = 0, failures = 0, errors = 0;
};

// The body of a verdict failure: what was found and not expected, then what was expected and not
// found.
std::string DifferenceText(const ScenarioResult& scenario, const ModelResult& model) {
  std::string text;
  for (const Violation& violation : model.violations) {
    if (model.expected.count(violation.name) > 0) continue;
    text += "not expected: " + ViolationSummary(violation) + "\n\n";
    text += RenderViolation(scenario, model, violation) + "\n";
  }
  for (const std::string& name : model.expected) {
    if (model.violated.count(name) == 0) {
      text += fmt::format("expected but not violated in any reachable state: {}\n", name);
    }
  }
  return text;
}

std::string TestcaseXml(const ScenarioResult& scenario, const ModelResult& model, Counts* counts) {
  ++counts->tests;
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                                XmlAttribute("crashsim." + scenario.name),
                                DesignName(model.design), XmlAttribute(scenario.path));
  switch (ClassifyRun(model)) {
    case RunClass::kInternalError: {
      ++counts->errors;
      std::string body;
      for (const std::string& line : InternalErrorLines(scenario, model)) body += line + "\n";
      return out + fmt::format(">\n      <error type=\"internal-error\" message=\"{}\">{}</error>\n"
                               "    </testcase>\n",
                               XmlAttribute(InternalErrorSummary(scenario, model)),
                               XmlEscape(body));
    }
    case RunClass::kInterrupted:
      ++counts->errors;
      return out + fmt::format(">\n      <error type=\"interrupted\" message=\"{}\"/>\n"
                               "    </testcase>\n",
                               XmlAttribute(fmt::format("interrupted after {} distinct states: "
                                                        "not covered",
                                                        model.distinct_states)));
    case RunClass::kNotModelled:
      ++counts->errors;
      return out + fmt::format(">\n      <error type=\"not-modelled\" message=\"{}\"/>\n"
                               "    </testcase>\n",
                               XmlAttribute("not modelled yet: " + model.not_modelled));
    case RunClass::kDiffersFromExpect:
      ++counts->failures;
      return out + fmt::format(">\n      <failure type=\"verdict\" message=\"{}\">{}</failure>\n"
                               "    </testcase>\n",
                               XmlAttribute(fmt::format("got {} expected {}",
                                                     FormatNameSet(model.violated),
                                                     FormatNameSet(model.expected))),
                               XmlEscape(DifferenceText(scenario, model)));
    case RunClass::kBudget:
      ++counts->failures;
      return out + fmt::format(">\n      <failure type=\"budget\" message=\"{}\"/>\n"
                               "    </testcase>\n",
                               XmlAttribute(
                                   BudgetSummary(model) + ": not covered" +
                                   (model.expected_not_reached()
                                        ? fmt::format("; expected violation not reached within "
                                                      "the budget: {}",
                                                      FormatNameSet(model.expected_missing()))
                                        : std::string())));
    case RunClass::kViolatedAsExpected:
    case RunClass::kClean:
      break;
  }
  return out + "/>\n";
}

}  // namespace

std::string RenderJunitReport(const std::vector<ScenarioResult>& results) {
  Counts total;
  std::string suites;
  for (const ScenarioResult& scenario : results) {
    Counts counts;
    std::string cases;
    for (const ModelResult& model : scenario.models) cases += TestcaseXml(scenario, model, &counts);
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">\n"
        "{}  </testsuite>\n",
        XmlAttribute(scenario.name), counts.tests, counts.failures, counts.errors, cases);
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"crashsim\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}"
      "</testsuites>\n",
      total.tests, total.failures, total.errors, suites);
}

}  // namespace crashsim
