// "/assert" and "/expect": the scenario's own properties, and which guarantee and assertion names
// each model is expected to violate (docs/scenario-format.md, "Assertions" and "Expect").
#include <map>
#include <set>
#include <string>

#include "models/guarantee.h"
#include "sim/scenario/expr_checker.h"
#include "sim/scenario/expr_parser.h"
#include "sim/scenario/return_if_error.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

constexpr const char* kAssertionNameRule = "[A-Za-z0-9][A-Za-z0-9_-]*";

bool IsAssertionName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_'))) return false;
  }
  return true;
}

std::string GuaranteeList() {
  std::string list;
  for (const auto& [guarantee, name] : kGuarantees) {
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  return list;
}

}  // namespace

Status ReadAfterLabel(const Json& value, const std::string& pointer, const ProgramFacts& facts,
                      std::optional<std::pair<std::string, std::string>>* out) {
  std::string text;
  RETURN_IF_ERROR(ReadString(value, pointer, &text));
  const size_t dot = text.find('.');
  const std::string process = text.substr(0, dot == std::string::npos ? text.size() : dot);
  const std::string label = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (!IsIdentifier(process) || !IsIdentifier(label)) {
    return ErrorAt(pointer,
                   "expected P.label (a process name, '.', one of its labels), got " + Quote(text));
  }
  Status found = CheckLabelRef(facts, process, label);
  if (!found.ok()) return ErrorAt(pointer, found.message());
  *out = std::make_pair(process, label);
  return Status();
}

namespace {

// Marks every op whose result the expression compares, so that the stepper records it.
void MarkResultsRead(const Expr& e, Scenario* out) {
  if (e.kind == Expr::Kind::kResultEq || e.kind == Expr::Kind::kResultNe ||
      e.kind == Expr::Kind::kResultIn) {
    out->processes[out->ProcessIndex(e.process)].program[e.result_op].result_read = true;
  }
  for (const Expr& child : e.children) MarkResultsRead(child, out);
}

}  // namespace

Status ReadAssertions(const Json& value, const ProgramFacts& facts, Scenario* out) {
  RETURN_IF_ERROR(ExpectArray(value, "/assert"));
  std::map<std::string, uint64_t> file_sizes;
  for (const FileSpec& file : out->files) file_sizes[file.path] = file.size_bytes;
  std::map<std::string, std::string> names;  // name -> pointer of its assertion
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string pointer = PointerJoin("/assert", i);
    const Json& object = value.at(i);
    RETURN_IF_ERROR(CheckObject(object, pointer, {"name", "after", "check"}, {"name", "check"}));
    Assertion assertion;
    assertion.pointer = pointer;
    const std::string name_pointer = PointerJoin(pointer, "name");
    RETURN_IF_ERROR(ReadString(object.at("name"), name_pointer, &assertion.name));
    if (!IsAssertionName(assertion.name)) {
      return ErrorAt(name_pointer, "bad assertion name " + Quote(assertion.name) +
                                       " (assertion names match " + kAssertionNameRule + ")");
    }
    if (IsGuaranteeName(assertion.name)) {
      return ErrorAt(name_pointer, "assertion name " + Quote(assertion.name) +
                                       " is a guarantee's; assertion names must differ from " +
                                       GuaranteeList());
    }
    const auto [earlier, inserted] = names.emplace(assertion.name, pointer);
    if (!inserted) {
      return ErrorAt(name_pointer, "assertion name " + Quote(assertion.name) +
                                       " is already used at " + earlier->second);
    }
    if (object.contains("after")) {
      RETURN_IF_ERROR(ReadAfterLabel(object.at("after"), PointerJoin(pointer, "after"), facts,
                                     &assertion.after));
    }
    const std::string check_pointer = PointerJoin(pointer, "check");
    RETURN_IF_ERROR(ReadString(object.at("check"), check_pointer, &assertion.text));
    StatusOr<Expr> expr = ParseExpr(assertion.text);
    if (!expr.ok()) return ErrorAt(check_pointer, expr.status().message());
    assertion.check = std::move(expr).value();
    Status refs = CheckExpr(facts, file_sizes, &assertion.check);
    if (!refs.ok()) return ErrorAt(check_pointer, refs.message());
    MarkResultsRead(assertion.check, out);
    out->assertions.push_back(std::move(assertion));
  }
  return Status();
}

Status ReadExpect(const Json* value, Scenario* out) {
  std::map<std::string, std::set<std::string>> sets;  // "*" or a design's name -> names
  if (value != nullptr) {
    if (!value->is_object()) {
      return ErrorAt("/expect",
                     "expected an object of model -> list of names, got " + Describe(*value));
    }
    std::set<std::string> assertion_names;
    for (const Assertion& assertion : out->assertions) assertion_names.insert(assertion.name);
    for (const auto& [model, names] : value->items()) {
      const std::string pointer = PointerJoin("/expect", model);
      if (model != "*") {
        Design design;
        if (!ParseDesign(model, &design)) {
          return ErrorAt(pointer, "unknown model " + Quote(model) +
                                      " (expected kernel-tracked, map-sync, daxfile-untracked, "
                                      "daxfile-tracked, per-vma or *)");
        }
        bool runs = false;
        std::string run_list;
        for (const Design run : out->designs) {
          runs = runs || run == design;
          run_list += (run_list.empty() ? "" : ", ") + std::string(DesignName(run));
        }
        if (!runs) {
          return ErrorAt(pointer, "model " + Quote(model) +
                                      " is not run by this scenario (its models: " + run_list +
                                      ")");
        }
      }
      RETURN_IF_ERROR(ExpectArray(names, pointer));
      std::set<std::string>& set = sets[model];
      for (size_t i = 0; i < names.size(); ++i) {
        const std::string name_pointer = PointerJoin(pointer, i);
        std::string name;
        RETURN_IF_ERROR(ReadString(names.at(i), name_pointer, &name));
        if (!IsGuaranteeName(name) && assertion_names.count(name) == 0) {
          return ErrorAt(name_pointer, Quote(name) + " is neither a guarantee (" + GuaranteeList() +
                                           ") nor an assertion of this scenario");
        }
        set.insert(name);
      }
    }
  }
  for (const Design design : out->designs) {
    const auto own = sets.find(DesignName(design));
    const auto fallback = sets.find("*");
    if (own != sets.end()) {
      out->expect[design] = own->second;
    } else if (fallback != sets.end()) {
      out->expect[design] = fallback->second;
    } else {
      out->expect[design] = {};
    }
  }
  return Status();
}

}  // namespace crashsim
