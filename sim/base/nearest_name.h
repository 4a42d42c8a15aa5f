// The nearest spelling among known names, for "did you mean" hints in input errors.
//
// Distance is the optimal string alignment distance (insertions, deletions, substitutions and
// transpositions of two neighbours, each 1), so "fsnyc" is 1 from "fsync". A name is suggested
// only when it is close enough to be a likely typo or a near synonym: at most a third of the
// longer word's length, and at least 1. Ties go to the earlier candidate, so the hint is the same
// on every run.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace crashsim {

size_t AlignmentDistance(const std::string& a, const std::string& b);

std::optional<std::string> NearestName(const std::string& word,
                                       const std::vector<std::string>& candidates);

}  // namespace crashsim
