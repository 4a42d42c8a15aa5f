// ReplayAndRead: the crash states of one scenario's run, as the real kernel recovers them. The
// dm-log-writes log of the run is replayed onto a sparse image, entry by entry from the start
// (mkfs included); after the mark "start" every FLUSH, FUA and mark is a replay point: the image
// as it is then is copied, mounted (the file system's own recovery runs) and the scenario's view
// paths are read (exists, size, bytes). The mark "op-K" ends segment K; replay stops at the mark
// of the last op. A point whose image is unchanged since the previous one repeats its files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kcheck/protocol.h"

namespace crashsim::kcheck {

struct ReplaySpace {
  std::string log_device;
  uint64_t device_bytes = 0;  // the size of the logged device
  std::string image;          // a sparse file for the replay
  std::string scratch;        // the copy that is mounted
  std::string mount_point;
};

bool ReplayAndRead(const JobScenario& scenario, const ReplaySpace& space, ScenarioResult* result,
                   std::string* error);

}  // namespace crashsim::kcheck
