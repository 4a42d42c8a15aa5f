// "/observe": the items whose recovered values `crashsim outcomes` lists (docs/scenario-format.md,
// "Observations"). Each entry is an item, or an object naming the item and the labelled op after
// whose return it is observed.
#include <set>
#include <string>
#include <utility>

#include "sim/scenario/expr_parser.h"
#include "sim/scenario/return_if_error.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/syntax.h"

namespace crashsim {

Status ReadObservations(const Json& value, const ProgramFacts& facts, Scenario* out) {
  RETURN_IF_ERROR(ExpectArray(value, "/observe"));
  std::set<std::pair<std::string, std::string>> seen;  // (item, after) already listed
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string pointer = PointerJoin("/observe", i);
    const Json& entry = value.at(i);
    std::string text;
    std::string item_pointer = pointer;
    std::optional<std::pair<std::string, std::string>> after;
    if (entry.is_object()) {
      RETURN_IF_ERROR(CheckObject(entry, pointer, {"item", "after"}, {"item"}));
      item_pointer = PointerJoin(pointer, "item");
      RETURN_IF_ERROR(ReadString(entry.at("item"), item_pointer, &text));
      if (entry.contains("after")) {
        RETURN_IF_ERROR(ReadAfterLabel(entry.at("after"), PointerJoin(pointer, "after"), facts,
                                       &after));
      }
    } else if (entry.is_string()) {
      text = entry.get<std::string>();
    } else {
      return ErrorAt(pointer, "expected an item (\"/path[START:END]\", \"size(/path)\" or "
                              "\"exists(/path)\") or an object { \"item\": ..., \"after\": "
                              "\"P.label\" }, got " + Describe(entry));
    }
    StatusOr<ObservedItem> parsed = ParseObservedItem(text);
    if (!parsed.ok()) return ErrorAt(item_pointer, parsed.status().message());
    ObservedItem item = std::move(parsed).value();
    item.after = std::move(after);
    item.pointer = pointer;
    const std::string after_text = item.after ? item.after->first + "." + item.after->second : "";
    if (!seen.emplace(item.text, after_text).second) {
      return ErrorAt(pointer, Quote(item.text) +
                                  (after_text.empty() ? "" : " after " + after_text) +
                                  " is listed twice");
    }
    out->observations.push_back(std::move(item));
  }
  return Status();
}

}  // namespace crashsim
