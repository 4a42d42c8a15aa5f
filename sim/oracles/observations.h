// Observations: what a crash leaves in the items a user asked about (`crashsim outcomes`,
// docs/scenario-format.md, "Observations"): the scenario's `observe` items and every item an
// assertion reads, each read in the recovered state of every crash image at one crash point.
//
// What it promises:
// - Every distinct value an item takes over the images of the chosen journal prefix (or the one
//   chosen image) is reported once, with a witness image that shows it, up to
//   kObservedValuesMax values per item and crash point; an item with more values there, or whose
//   images ran over kJointImagesMax, is reported as cut, never silently.
// - A value is rendered exactly (RenderObservedBytes): two values are equal exactly when their
//   renderings are, so the rendering is the key that merges values across states and runs.
// - Deterministic: items in a fixed order, images in CrashSpace's joint order.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sim/oracles/byte_runs.h"
#include "sim/oracles/finding.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// At most this many distinct values of one item are listed (per crash point, and per run).
inline constexpr size_t kObservedValuesMax = 64;

// One item to observe and why: "observe" (the scenario's list) or "assertion NAME".
struct ListedItem {
  ObservedItem item;
  std::vector<std::string> read_by;
};

// The scenario's `observe` items, then each file range, size(...) and exists(...) that an
// assertion reads (with the assertion's `after`), each (item, after) once, in that order.
std::vector<ListedItem> ListedItems(const Scenario& scenario);

// "P.label", or "" when the item is observed at every crash point.
std::string AfterText(const ObservedItem& item);

// One value of one item at one crash point, with an image that shows it.
struct ObservedValue {
  size_t item = 0;      // index into ListedItems
  std::string value;    // the exact rendering
  CrashImage witness;
  std::vector<EventRef> lost;  // what the witness leaves out that the item's bytes depend on
};

struct Observations {
  std::vector<ObservedValue> values;  // by item, then in the order found
  std::set<size_t> cut;               // items whose values here may be incomplete
};

// Reads every listed item whose `after` op has returned, over the images of the prefix (or
// image) chosen in `context.space`, and adds what it finds to `out`.
void ObserveItems(const CrashContext& context, const std::vector<ListedItem>& items,
                  Observations* out);

// Bytes rendered exactly: up to 64 printable bytes as one 'text'; otherwise maximal runs of one
// byte (four or more) as fill(HH, N), other bytes as 'text' when printable or 0xHH..., joined by
// " + ". Equal bytes, equal text; nothing elided.
std::string RenderObservedBytes(const ByteRuns& runs);

}  // namespace crashsim
