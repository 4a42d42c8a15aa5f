#include "sim/oracles/observations.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "sim/oracles/assertions.h"
#include "sim/oracles/expr_eval.h"

namespace crashsim {
namespace {

// The items a range, size(...) or exists(...) leaf of an assertion reads, in the order written.
void CollectItems(const Expr& e, const Assertion& assertion, std::vector<ObservedItem>* out) {
  ObservedItem item;
  item.path = e.path;
  item.after = assertion.after;
  item.pointer = assertion.pointer + "/check";
  switch (e.kind) {
    case Expr::Kind::kRangeEq:
    case Expr::Kind::kRangeNe:
    case Expr::Kind::kRangeIn:
      item.kind = ObservedItem::Kind::kRange;
      item.start = e.start;
      item.end = e.end;
      item.text = fmt::format("{}[{}:{}]", e.path, e.start, e.end);
      out->push_back(std::move(item));
      break;
    case Expr::Kind::kSizeEq:
      item.kind = ObservedItem::Kind::kSize;
      item.text = "size(" + e.path + ")";
      out->push_back(std::move(item));
      break;
    case Expr::Kind::kExists:
      item.kind = ObservedItem::Kind::kExists;
      item.text = "exists(" + e.path + ")";
      out->push_back(std::move(item));
      break;
    default:
      break;
  }
  for (const Expr& child : e.children) CollectItems(child, assertion, out);
}

// Feeds bytes as (byte, count) runs and renders them exactly.
class ExactRenderer {
 public:
  void Feed(uint8_t byte, uint64_t count) {
    if (count == 0) return;
    if (run_length_ > 0 && byte == run_byte_) {
      run_length_ += count;
      return;
    }
    EndRun();
    run_byte_ = byte;
    run_length_ = count;
  }

  std::string Finish() {
    EndRun();
    EndLiteral();
    if (parts_.empty()) return "(no bytes)";
    return fmt::format("{}", fmt::join(parts_, " + "));
  }

 private:
  // Four or more equal bytes are a fill; shorter runs join the literal around them.
  void EndRun() {
    if (run_length_ >= 4) {
      EndLiteral();
      parts_.push_back(fmt::format("fill({:02x}, {})", run_byte_, run_length_));
    } else {
      literal_.insert(literal_.end(), run_length_, run_byte_);
    }
    run_length_ = 0;
  }

  void EndLiteral() {
    if (literal_.empty()) return;
    const bool printable = std::all_of(literal_.begin(), literal_.end(), [](uint8_t b) {
      return b >= 0x20 && b < 0x7f && b != '\'';
    });
    if (printable) {
      parts_.push_back("'" + std::string(literal_.begin(), literal_.end()) + "'");
    } else {
      std::string hex = "0x";
      for (uint8_t b : literal_) hex += fmt::format("{:02x}", b);
      parts_.push_back(std::move(hex));
    }
    literal_.clear();
  }

  uint8_t run_byte_ = 0;
  uint64_t run_length_ = 0;
  std::vector<uint8_t> literal_;
  std::vector<std::string> parts_;
};

// Printable values up to this long are shown whole as 'text'.
constexpr uint64_t kTextValueBytesMax = 64;

// The value of a range item in one recovered state.
std::string RangeValue(const Machine& machine, const RecoveredState& state,
                       const ObservedItem& item) {
  const RecoveredFile* file = state.File(item.path);
  if (file == nullptr) return "no file";
  const uint64_t size = file->core.size_bytes;
  if (item.start < item.end && size <= item.start) {
    return fmt::format("none: the file ends before it (size {})", size);
  }
  const uint64_t end = std::min(item.end, size);
  std::string value = "(no bytes)";
  if (const auto runs = ReadRangeRuns(machine, state, item.path, item.start, end)) {
    value = RenderObservedBytes(*runs);
  }
  if (end < item.end) value += fmt::format(", then the end of the file (size {})", size);
  return value;
}

}  // namespace

std::vector<ListedItem> ListedItems(const Scenario& scenario) {
  std::vector<ListedItem> listed;
  std::map<std::pair<std::string, std::string>, size_t> index;  // (item, after) -> position
  auto add = [&](ObservedItem item, const std::string& by) {
    const auto key = std::make_pair(item.text, AfterText(item));
    auto [it, inserted] = index.emplace(key, listed.size());
    if (inserted) listed.push_back(ListedItem{std::move(item), {}});
    std::vector<std::string>& read_by = listed[it->second].read_by;
    if (std::find(read_by.begin(), read_by.end(), by) == read_by.end()) read_by.push_back(by);
  };
  for (const ObservedItem& item : scenario.observations) add(item, "observe");
  for (const Assertion& assertion : scenario.assertions) {
    std::vector<ObservedItem> items;
    CollectItems(assertion.check, assertion, &items);
    for (ObservedItem& item : items) add(std::move(item), "assertion " + assertion.name);
  }
  return listed;
}

std::string AfterText(const ObservedItem& item) {
  return item.after ? item.after->first + "." + item.after->second : "";
}

void ObserveItems(const CrashContext& c, const std::vector<ListedItem>& items,
                  Observations* out) {
  const ExprEvaluator probe(c, c.recovered);
  for (size_t i = 0; i < items.size(); ++i) {
    const ObservedItem& item = items[i].item;
    if (item.after && !probe.Done(item.after->first, item.after->second)) continue;
    if (item.kind != ObservedItem::Kind::kRange) {
      // Sizes and names are metadata: the journal prefix decides them, whatever data persisted.
      const RecoveredFile* file = c.recovered.File(item.path);
      std::string value;
      if (item.kind == ObservedItem::Kind::kExists) {
        value = file != nullptr ? "exists" : "does not exist";
      } else {
        value = file != nullptr ? std::to_string(file->core.size_bytes) : "no file";
      }
      const CrashImage& image = c.space.base_image();
      out->values.push_back(ObservedValue{i, std::move(value), image, LostEvents(c, image, {})});
      continue;
    }
    std::vector<AddressRange> ranges;
    FileRangeAddresses(c.recovered, item.path, item.start, item.end, c.machine.block_size(),
                       &ranges);
    std::set<std::string> seen;
    bool too_many = false;
    const bool complete =
        c.space.ForEachJointImage(ranges, kJointImagesMax, [&](const CrashImage& image) {
          const RecoveredState state(c.machine, image);
          std::string value = RangeValue(c.machine, state, item);
          if (!seen.insert(value).second) return true;
          if (seen.size() > kObservedValuesMax) {
            too_many = true;
            return false;
          }
          out->values.push_back(
              ObservedValue{i, std::move(value), image, LostEvents(c, image, ranges)});
          return true;
        });
    if (!complete || too_many) out->cut.insert(i);
  }
}

std::string RenderObservedBytes(const ByteRuns& runs) {
  // Short printable data reads best as the text it was written as: 'BBBBBBBB', not fill(42, 8).
  if (runs.size() > 0 && runs.size() <= kTextValueBytesMax) {
    std::string text;
    for (const ByteRuns::Piece& piece : runs.pieces()) {
      for (uint64_t i = 0; i < piece.length; ++i) text += static_cast<char>(piece.At(i));
    }
    if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '\''; })) {
      return "'" + text + "'";
    }
  }
  ExactRenderer renderer;
  for (const ByteRuns::Piece& piece : runs.pieces()) {
    if (piece.bytes.empty()) {
      renderer.Feed(piece.fill, piece.length);
    } else {
      for (uint8_t byte : piece.bytes) renderer.Feed(byte, 1);
    }
  }
  return renderer.Finish();
}

}  // namespace crashsim
