#include "models/op_progress.h"

namespace crashsim {
namespace {

const char* SyncStepName(SyncStep step) {
  switch (step) {
    case SyncStep::kWriteback: return "writeback";
    case SyncStep::kWait: return "wait";
    case SyncStep::kForce: return "log force or flush";
  }
  return "?";
}

std::string Describe(const SyncProgress& sync) {
  return std::string("sync: ") + SyncStepName(sync.step);
}

std::string Describe(const WriteProgress& write) {
  switch (write.step) {
    case WriteStep::kCopy: return "write: copy";
    case WriteStep::kDirectWait: return "write: direct I/O wait";
    case WriteStep::kSync: return "write: " + Describe(write.sync);
  }
  return "write";
}

std::string Describe(const AccessProgress& access) {
  if (access.in_sync_fault) return "synchronous fault: " + Describe(access.sync);
  return access.faulted ? "access after its fault" : "access";
}

std::string Describe(const FallocProgress& falloc) {
  switch (falloc.step) {
    case FallocStep::kUnmap: return "fallocate: unmap";
    case FallocStep::kChange: return "fallocate: map change";
    case FallocStep::kShift:
      return "fallocate: shift at block " + std::to_string(falloc.shift_cursor);
    case FallocStep::kReallocate: return "fallocate: reallocate";
    case FallocStep::kForce: return "fallocate: log force";
  }
  return "fallocate";
}

std::string Describe(const RemapProgress& remap) {
  switch (remap.step) {
    case RemapStep::kPrepare: return "remap: prepare";
    case RemapStep::kRemap: return "remap: remap";
    case RemapStep::kForce: return "remap: log force";
  }
  return "remap";
}

std::string Describe(const SealProgress& seal) {
  return seal.step == SealStep::kCheck ? "seal: check" : "seal: convert";
}

std::string Describe(const RangeSyncProgress& range) {
  return "sync_file_range: " + std::to_string(range.steps_done) + " step(s) done";
}

std::string Describe(std::monostate) { return ""; }

}  // namespace

bool BeginsAttempt(const OpProgress& progress) {
  if (progress.Idle()) return true;
  const AccessProgress* access = progress.If<AccessProgress>();
  return access != nullptr && !access->in_sync_fault;
}

std::string DescribeProgress(const OpProgress& progress) {
  return std::visit([](const auto& family) { return Describe(family); }, progress.family);
}

}  // namespace crashsim
