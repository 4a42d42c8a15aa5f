// BuildInitialMachine: the world before the first step, from a scenario's `files` and `dirs`.
//
// Files are laid out on the device in path order, one block after another, each piece as its
// layout says (written blocks hold the fill, unwritten blocks hold whatever the free space held,
// holes take no block). Everything starts durable and clean: the journal is empty, the base
// state that recovery replays over is exactly this layout.
#pragma once

#include <memory>

#include "models/machine.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// REQUIRES: `scenario` outlives the returned Machine (it points at the scenario's Config).
Machine BuildInitialMachine(const Scenario& scenario, Design design);

// The bytes of [begin, end) of `path` before the first step (`old` in assertions): nullopt when
// the file did not exist or the range passes its size.
std::optional<std::vector<uint8_t>> InitialContents(const Scenario& scenario,
                                                    const std::string& path, uint64_t begin,
                                                    uint64_t end);

}  // namespace crashsim
