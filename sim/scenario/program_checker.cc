// Cross-reference checks over the processes' programs.
#include "sim/scenario/program_checker.h"

#include "sim/scenario/json_fields.h"
#include "sim/scenario/return_if_error.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

enum class NameKind { kFd, kMapping, kValue, kResult };

const char* NameKindText(NameKind kind) {
  switch (kind) {
    case NameKind::kFd: return "a file descriptor";
    case NameKind::kMapping: return "a mapping";
    case NameKind::kValue: return "a loaded value";
    case NameKind::kResult: return "an op result";
  }
  return "?";
}

NameKind BindsKind(OpKind kind) {
  switch (kind) {
    case OpKind::kOpen: return NameKind::kFd;
    case OpKind::kMmap: return NameKind::kMapping;
    case OpKind::kLoad:
    case OpKind::kPread: return NameKind::kValue;
    default: return NameKind::kResult;
  }
}

struct Binding {
  NameKind kind;
  std::string pointer;
};

Status CheckUse(const Process& process, const Op& op, const std::map<std::string, Binding>& names,
                const std::string& name, NameKind wanted) {
  const auto found = names.find(name);
  if (found == names.end()) {
    const bool fd = wanted == NameKind::kFd;
    return ErrorAt(op.pointer, std::string("unknown ") + (fd ? "file descriptor " : "mapping ") +
                                   Quote(name) + " (no earlier op of " + process.name +
                                   " binds it with '" + name +
                                   (fd ? " = open ...')" : " = mmap ...')"));
  }
  if (found->second.kind != wanted) {
    return ErrorAt(op.pointer, Quote(name) + " is " + NameKindText(found->second.kind) +
                                   " (bound at " + found->second.pointer + "), not " +
                                   NameKindText(wanted));
  }
  return Status();
}

// Finds a cycle in the barrier order graph by depth-first search, in name order.
class CycleFinder {
 public:
  explicit CycleFinder(const std::map<std::string, std::map<std::string, std::string>>& edges)
      : edges_(edges) {}

  // True when a cycle was found; then `cycle` lists it ("a", "b", "a") and `pointer` is the op
  // that closes it.
  bool Find(std::vector<std::string>* cycle, std::string* pointer) {
    for (const auto& [node, unused] : edges_) {
      if (Visit(node, cycle, pointer)) return true;
    }
    return false;
  }

 private:
  bool Visit(const std::string& node, std::vector<std::string>* cycle, std::string* pointer) {
    if (done_.count(node) != 0) return false;
    stack_.push_back(node);
    on_stack_.insert(node);
    const auto out = edges_.find(node);
    if (out != edges_.end()) {
      for (const auto& [next, op_pointer] : out->second) {
        if (on_stack_.count(next) != 0) {
          size_t first = 0;
          while (stack_[first] != next) ++first;
          cycle->assign(stack_.begin() + static_cast<std::ptrdiff_t>(first), stack_.end());
          cycle->push_back(next);
          *pointer = op_pointer;
          return true;
        }
        if (Visit(next, cycle, pointer)) return true;
      }
    }
    stack_.pop_back();
    on_stack_.erase(node);
    done_.insert(node);
    return false;
  }

  const std::map<std::string, std::map<std::string, std::string>>& edges_;
  std::vector<std::string> stack_;
  std::set<std::string> on_stack_, done_;
};

}  // namespace

Status CheckProgram(const Process& process, ProcessFacts* facts) {
  std::map<std::string, Binding> names;
  std::map<std::string, std::string> label_pointers;
  for (const Op& op : process.program) {
    const size_t index = facts->op_texts.size();
    facts->op_texts.push_back(op.text);
    facts->op_kinds.push_back(op.kind);
    if (!op.label.empty()) {
      const auto [it, inserted] = label_pointers.emplace(op.label, op.pointer);
      if (!inserted) {
        return ErrorAt(op.pointer, "label " + Quote(op.label) + " is already used at " +
                                       it->second + " (a label is unique within its process)");
      }
      facts->labels.insert(op.label);
      facts->label_ops[op.label] = index;
    }
    if (!op.fd.empty()) RETURN_IF_ERROR(CheckUse(process, op, names, op.fd, NameKind::kFd));
    if (!op.fd2.empty()) RETURN_IF_ERROR(CheckUse(process, op, names, op.fd2, NameKind::kFd));
    if (!op.mapping.empty()) {
      RETURN_IF_ERROR(CheckUse(process, op, names, op.mapping, NameKind::kMapping));
    }
    if (!op.result_name.empty()) {
      const auto [it, inserted] =
          names.emplace(op.result_name, Binding{BindsKind(op.kind), op.pointer});
      if (!inserted) {
        return ErrorAt(op.pointer, "name " + Quote(op.result_name) + " is already bound at " +
                                       it->second.pointer +
                                       " (a name is bound once within its process)");
      }
      if (it->second.kind == NameKind::kValue) {
        facts->value_lengths[op.result_name] = op.length;
        facts->value_ops[op.result_name] = index;
      } else {
        facts->result_ops[op.result_name] = index;
      }
    }
  }
  return Status();
}

Status CheckBarriers(const std::vector<Process>& processes, Order order) {
  // barrier -> (process that named it first, the op's pointer)
  std::map<std::string, std::pair<std::string, std::string>> first_use;
  // barrier -> barrier passed next by some process -> pointer of that later barrier op
  std::map<std::string, std::map<std::string, std::string>> edges;
  for (const Process& process : processes) {
    std::map<std::string, std::string> own;
    const std::string* previous = nullptr;
    for (const Op& op : process.program) {
      if (op.kind != OpKind::kBarrier) continue;
      const auto [it, inserted] = own.emplace(op.barrier, op.pointer);
      if (!inserted) {
        return ErrorAt(op.pointer, "barrier " + Quote(op.barrier) + " is already named at " +
                                       it->second + " (a process names each barrier once)");
      }
      const auto [first, is_first] =
          first_use.emplace(op.barrier, std::make_pair(process.name, op.pointer));
      if (!is_first && order == Order::kSequential) {
        return ErrorAt(op.pointer,
                       "barrier " + Quote(op.barrier) + " is also named by " + first->second.first +
                           " (" + first->second.second + "), which runs " + "to its end before " +
                           process.name +
                           " starts under order 'sequential', so it would wait forever");
      }
      if (previous != nullptr) edges[*previous].emplace(op.barrier, op.pointer);
      previous = &it->first;
    }
  }
  std::vector<std::string> cycle;
  std::string pointer;
  if (CycleFinder(edges).Find(&cycle, &pointer)) {
    std::string path;
    for (const std::string& name : cycle) path += (path.empty() ? "" : " -> ") + Quote(name);
    return ErrorAt(pointer, "barriers " + path +
                                " form a cycle: each is passed before the next by some process, "
                                "so the processes would wait for each other forever");
  }
  return Status();
}

}  // namespace crashsim
