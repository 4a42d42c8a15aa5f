#include "sim/fix/schedule_replay.h"

#include <set>
#include <utility>

#include "sim/explore/successors.h"

namespace crashsim {
namespace {

// The store-buffer entries of every process, by identity: entries are shared and immutable, so
// the same address before and after a step is the same access (lookups only, never an order that
// reaches a result).
std::set<const BufferedAccess*> Entries(const Machine& machine) {
  std::set<const BufferedAccess*> entries;
  for (const ProcessState& process : machine.processes) {
    const StoreBuffer& buffer = process.cpu.store_buffer;
    for (size_t i = 0; i < buffer.size(); ++i) entries.insert(&buffer[i]);
  }
  return entries;
}

class Attributor {
 public:
  explicit Attributor(ScheduleReplay* out) : out_(out) {}

  // Records what the step from `before` to `after` made; `op` is the op that took it (invalid for
  // a drain or a background step).
  void Step(const Machine& before, const Machine& after, OpRef op, size_t step_number) {
    if (op.valid()) {
      auto [it, fresh] = out_->steps.try_emplace(op, OpSteps{step_number, step_number});
      it->second.last = step_number;
    }
    const std::set<const BufferedAccess*> was = Entries(before);
    const std::set<const BufferedAccess*> now = Entries(after);
    // The accesses that left a buffer in this step, with the op that issued each.
    std::vector<std::pair<const BufferedAccess*, OpRef>> drained;
    for (const BufferedAccess* entry : was) {
      if (now.count(entry) == 0) {
        auto it = entry_origin_.find(entry);
        drained.emplace_back(entry, it == entry_origin_.end() ? OpRef{} : it->second);
      }
    }
    if (op.valid()) {
      for (const BufferedAccess* entry : now) {
        if (was.count(entry) == 0) entry_origin_[entry] = op;
      }
    }
    // An effect whose description is a drained access's was made by that access.
    auto origin = [&](const std::string& what) {
      for (const auto& [entry, issuer] : drained) {
        if (entry->what == what) return issuer;
      }
      return op;
    };
    const uint64_t last_id = before.device.last_id();
    for (const PendingWrite& write : after.device.pending()) {
      if (write.id > last_id) Keep(&out_->write_origin, write.id, origin(write.what()));
    }
    for (uint64_t seq = before.journal.committed_seq() + 1; seq <= after.journal.committed_seq();
         ++seq) {
      Keep(&out_->txn_origin, seq, op);
    }
    for (size_t i = before.ghost.writes.size(); i < after.ghost.writes.size(); ++i) {
      const WriteRecord& record = *after.ghost.writes[i];
      Keep(&out_->record_origin, record.id, origin(record.what));
    }
    if (op.valid() && before.names != after.names) {
      for (const auto& [path, ino] : before.names) {
        auto it = after.names.find(path);
        if (it == after.names.end() || it->second != ino) out_->name_origin[path] = op;
      }
      for (const auto& [path, ino] : after.names) {
        if (before.names.count(path) == 0) out_->name_origin[path] = op;
      }
    }
  }

 private:
  template <class Key>
  static void Keep(std::map<Key, OpRef>* origins, const Key& key, OpRef op) {
    if (op.valid()) (*origins)[key] = op;
  }

  ScheduleReplay* out_;
  std::map<const BufferedAccess*, OpRef> entry_origin_;
};

}  // namespace

std::optional<ScheduleReplay> ReplaySchedule(const Scenario& scenario, const Machine& initial,
                                             const std::vector<TraceStep>& schedule) {
  ScheduleReplay replay{initial, {}, {}, {}, {}, {}};
  Attributor attributor(&replay);
  for (size_t s = 0; s < schedule.size(); ++s) {
    const Machine& before = replay.crash;
    std::optional<Successor> taken;
    OpRef op;
    for (const StepChoice& choice : EnabledSteps(before, scenario)) {
      if (choice.kind == StepChoice::Kind::kProcess &&
          scenario.processes[choice.pid].name != schedule[s].actor) {
        continue;
      }
      Successor next = TakeStep(before, scenario, choice);
      if (next.step == schedule[s]) {
        if (choice.kind == StepChoice::Kind::kProcess) {
          op = OpRef{choice.pid, before.processes[choice.pid].pc};
        }
        taken.emplace(std::move(next));
        break;
      }
    }
    if (!taken) return std::nullopt;
    attributor.Step(before, taken->machine, op, s + 1);
    replay.crash = std::move(taken->machine);
  }
  return replay;
}

}  // namespace crashsim
