// OpRunner: runs a scenario's ops (kcheck/protocol.h, JobOp) as real system calls and CPU
// accesses on files under a mount point, one op at a time, and records each op's result in the
// model's terms: "0" for success, the byte count of pwrite, pread and load, the errno name of a
// failed call, "SIGBUS" or "SIGSEGV" for an access that faulted. fds and mappings live in tables
// by their qualified names; an op naming one that failed to open or map fails as the model says
// (EBADF, SIGSEGV).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "kcheck/protocol.h"

namespace crashsim::kcheck {

class OpRunner {
 public:
  explicit OpRunner(std::string root) : root_(std::move(root)) {}
  ~OpRunner();
  OpRunner(const OpRunner&) = delete;
  OpRunner& operator=(const OpRunner&) = delete;

  OpResult Run(const JobOp& op);
  // Unmaps every mapping and closes every fd (before the file system is unmounted).
  void ReleaseAll();

 private:
  struct Mapping {
    uint8_t* address = nullptr;
    uint64_t length = 0;
  };
  std::string Path(const std::string& path) const { return root_ + path; }
  int Fd(const std::string& name) const;
  const Mapping* Map(const std::string& name) const;

  std::string root_;
  std::map<std::string, int> fds_;           // -1 for an open that failed
  std::map<std::string, Mapping> mappings_;  // null address for an mmap that failed
};

}  // namespace crashsim::kcheck
