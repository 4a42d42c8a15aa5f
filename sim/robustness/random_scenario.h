// RandomScenario: a seeded generator of valid scenario files, for the standing robustness test
// (random_scenarios_test.cc) and for reproducing what it finds.
//
// A scenario is drawn from one Prng: one or two files (sizes, layouts, fills, DAX or not), a
// random config, one to three processes of a few ops each over the whole op vocabulary (with
// offsets and lengths mostly near the files, sometimes far past them or past the device's free
// space, and sometimes large fills), and a few assertions over the files. Every name an op uses is
// bound by an earlier op of its process, so the file always loads; an op may still fail at run
// time (EBADF after a close, EOPNOTSUPP, ENOSPC, SIGBUS), which is what a model must take.
// Same seed, same text.
#pragma once

#include <cstdint>
#include <string>

namespace crashsim {

// The JSON text of scenario number `index` of the stream `seed`; its name is "random-SEED-INDEX".
std::string RandomScenario(uint64_t seed, uint64_t index);

}  // namespace crashsim
