#include "kcheck/compare.h"

#include "kcheck/plan.h"

#include <limits>
#include <map>
#include <set>

namespace crashsim::kcheck {
namespace {

std::string Hex(const std::vector<uint8_t>& bytes, size_t begin, size_t end) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = begin; i < end && i < bytes.size(); ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

// Bytes as short text: a run of one value as "NN*count", else hex (first 32 bytes).
std::string Show(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return "(none)";
  bool same = true;
  for (uint8_t b : bytes) same = same && b == bytes[0];
  if (same && bytes.size() > 1) return Hex(bytes, 0, 1) + "*" + std::to_string(bytes.size());
  return Hex(bytes, 0, 32) + (bytes.size() > 32 ? "... (" + std::to_string(bytes.size()) + " bytes)" : "");
}

// A measure of how far apart two views are, to pick the closest allowed one.
uint64_t Distance(const RecoveredView& a, const RecoveredView& b) {
  uint64_t distance = 0;
  for (const auto& [path, file] : a) {
    auto other = b.find(path);
    if (other == b.end() || other->second.exists != file.exists ||
        other->second.special != file.special) {
      distance += uint64_t{1} << 40;
      continue;
    }
    if (file.size_bytes != other->second.size_bytes) distance += uint64_t{1} << 32;
    const size_t common = std::min(file.bytes.size(), other->second.bytes.size());
    for (size_t i = 0; i < common; ++i) distance += file.bytes[i] != other->second.bytes[i];
  }
  return distance;
}

// What a view shows at a path, in words.
std::string Entry(const FileView& file) {
  if (file.exists) return "a file";
  if (file.special == "dir") return "a directory";
  if (file.special.rfind("link:", 0) == 0) return "a symbolic link to " + file.special.substr(5);
  return "missing";
}

RecoveredView ViewOfPoint(const ReplayPoint& point) {
  RecoveredView view;
  for (const ResultFile& file : point.files) {
    view[file.path] = FileView{file.exists, file.size_bytes,
                               file.exists ? file.bytes : std::vector<uint8_t>{}, file.special};
  }
  return view;
}

}  // namespace

std::string DescribeDifference(const RecoveredView& model, const RecoveredView& real,
                               size_t ranges) {
  std::string out;
  auto add = [&](const std::string& line) { out += (out.empty() ? "" : "; ") + line; };
  for (const auto& [path, file] : real) {
    auto it = model.find(path);
    const FileView empty;
    const FileView& allowed = it == model.end() ? empty : it->second;
    if (allowed.exists != file.exists || allowed.special != file.special) {
      add(path + " is " + Entry(file) + " (model: " + Entry(allowed) + ")");
      continue;
    }
    if (!file.exists) continue;
    if (allowed.size_bytes != file.size_bytes) {
      add(path + " size " + std::to_string(file.size_bytes) + " (model: " +
          std::to_string(allowed.size_bytes) + ")");
    }
    size_t shown = 0;
    const size_t common = std::min(allowed.bytes.size(), file.bytes.size());
    for (size_t i = 0; i < common && shown < ranges;) {
      if (allowed.bytes[i] == file.bytes[i]) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < common && allowed.bytes[end] != file.bytes[end]) ++end;
      add(path + "[" + std::to_string(i) + ":" + std::to_string(end) + "] = " +
          Show(std::vector<uint8_t>(file.bytes.begin() + i, file.bytes.begin() + end)) +
          " (model: " +
          Show(std::vector<uint8_t>(allowed.bytes.begin() + i, allowed.bytes.begin() + end)) + ")");
      ++shown;
      i = end;
    }
  }
  return out.empty() ? "no difference" : out;
}

void CompareVolatile(const Scenario& scenario, const CanonicalRun& run,
                     const ScenarioResult& real, ScenarioCheck* check) {
  for (const auto& [path, dax] : real.dax) {
    if (!dax) {
      check->misses.push_back(Miss{"dax", path, "", "DAX (the scenario's \"dax\": true)",
                                   "statx reports no DAX attribute: the file is not DAX"});
    }
  }
  const size_t count = std::min(run.ops.size(), real.ops.size());
  for (size_t i = 0; i < count; ++i) {
    const CanonicalOp& model = run.ops[i];
    const OpResult& linux_op = real.ops[i];
    ++check->ops_compared;
    if (model.result != linux_op.result) {
      check->misses.push_back(Miss{"volatile", DescribeOp(scenario, run, i), "",
                                   "result " + model.result, "result " + linux_op.result});
      continue;
    }
    if (model.read && linux_op.read && *model.read != *linux_op.read) {
      FileView model_view{true, model.read->size(), *model.read};
      FileView real_view{true, linux_op.read->size(), *linux_op.read};
      const std::string difference =
          DescribeDifference({{"read", model_view}}, {{"read", real_view}});
      check->misses.push_back(Miss{"volatile", DescribeOp(scenario, run, i), "",
                                   "read " + Show(*model.read), difference});
    }
  }
  if (real.ops.size() != run.ops.size() && real.setup_error.empty()) {
    check->misses.push_back(Miss{"volatile", "the run", "",
                                 std::to_string(run.ops.size()) + " ops",
                                 std::to_string(real.ops.size()) + " ops ran"});
  }
  check->volatile_checked = true;
}

void CompareCrashes(const Scenario& scenario, const CanonicalRun& run, const ScheduleViews& model,
                    const ScenarioResult& real, ScenarioCheck* check) {
  std::set<RecoveredView> seen, seen_in_model;
  std::map<RecoveredView, int> view_index;
  for (size_t i = 0; i < model.views.size(); ++i) view_index.emplace(model.views[i], static_cast<int>(i));
  check->model_states = model.views.size();
  std::set<std::pair<size_t, RecoveredView>> reported;
  for (const ReplayPoint& point : real.points) {
    ++check->replay_points;
    const std::string where = "log entry " + std::to_string(point.entry) + " (" + point.kind +
                              "), segment " + std::to_string(point.segment);
    const std::string step =
        point.segment >= 1 && point.segment <= run.ops.size()
            ? DescribeOp(scenario, run, point.segment - 1)
            : "segment " + std::to_string(point.segment);
    if (!point.mount_error.empty()) {
      check->misses.push_back(Miss{"crash", step, where, "a mountable file system",
                                   "the replayed image does not mount: " + point.mount_error});
      continue;
    }
    if (point.segment >= model.segments.size()) {
      check->misses.push_back(Miss{"crash", step, where, "no such segment", "a replay point"});
      continue;
    }
    const RecoveredView view = ViewOfPoint(point);
    seen.insert(view);
    const SegmentViews& segment = model.segments[point.segment];
    // A mark is written right after its op returned: only the states from then on qualify.
    const bool at_return = point.kind.rfind("mark:op-", 0) == 0;
    const std::set<int>& allowed = at_return ? segment.returned_views : segment.views;
    auto found = view_index.find(view);
    if (found != view_index.end() && allowed.count(found->second)) {
      seen_in_model.insert(view);
      continue;
    }
    if (segment.budget_exhausted) {
      check->not_checked.push_back("crash state at " + where +
                                   ": the model's budget ran out before this segment was covered");
      continue;
    }
    if (!reported.insert({point.segment, view}).second) continue;
    // The closest view the model allows in this segment.
    const RecoveredView* closest = nullptr;
    uint64_t best = std::numeric_limits<uint64_t>::max();
    for (int index : allowed) {
      const uint64_t distance = Distance(model.views[index], view);
      if (distance < best) {
        best = distance;
        closest = &model.views[index];
      }
    }
    check->misses.push_back(Miss{
        "crash", step, where,
        closest == nullptr ? "no state (the model allows none here)"
                           : "one of " + std::to_string(allowed.size()) +
                                 " states" + (at_return ? " after the op returned" : "") +
                                 "; the closest differs",
        closest == nullptr ? "a state" : DescribeDifference(*closest, view)});
  }
  check->real_states = seen.size();
  check->real_states_in_model = seen_in_model.size();
  check->crash_checked = true;
}

}  // namespace crashsim::kcheck
