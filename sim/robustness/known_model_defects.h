// The model defects that the standing robustness tests (random_scenarios_test.cc,
// loader_mutation_test.cc) know of and excuse: each is a bug in models/, reported with
// a reproducing scenario, whose fix belongs to the model. An entry excuses exactly the runs that
// fail its way (its failure text, at its kind of step, under its designs) and nothing else; every
// other internal error fails the tests. Remove an entry when its defect is fixed, and the tests
// then guard the fix.
#pragma once

#include <string>
#include <vector>

#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct KnownModelDefect {
  const char* name;           // a short name for the test's tally
  const char* what;           // a substring of InternalFailure::what
  const char* step;           // a substring of InternalFailure::step ("" for any)
  std::vector<Design> designs;  // empty: any design
};

// The list. Empty it, entry by entry, as the model is fixed.
const std::vector<KnownModelDefect>& KnownModelDefects();

// The entry that excuses `failure` of `scenario` under `design`, or nullptr.
const KnownModelDefect* KnownDefectOf(const InternalFailure& failure, Design design);

// Scenarios that touch huge ranges: ops the model performs block by block inside one step
// (ext4 collapse and insert, write-zeroes, reflink and dedupe) cost the range they touch, and no
// budget interrupts a step, so the tests do not run them.
// True when a file, an op's offset or length, or an assertion's range passes `limit` bytes.
bool TouchesMoreThan(const Scenario& scenario, uint64_t limit);

}  // namespace crashsim
