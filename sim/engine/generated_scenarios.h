// Generated scenarios (tests only): seeded random programs of several processes sharing one or
// two files, for tests that compare two ways of running the same scenario (a reduction on and off,
// a walk split over shards and not). Each seed gives the same scenario text on every machine.
//
// The programs mix buffered, direct and O_DSYNC writes to places that overlap across processes,
// truncation, syncs, reads and, on a DAX file, stores and flushes through a mapping and msync,
// under xfs, ext4-ordered or ext4-writeback; two assertions read bytes different processes may
// write, at every crash point or once some op returned.
#pragma once

#include <cstdint>
#include <string>

namespace crashsim {

// The scenario of `seed`: `processes` processes of `ops` generated ops each (after their opens).
std::string GeneratedScenario(uint64_t seed, int processes, int ops);

}  // namespace crashsim
