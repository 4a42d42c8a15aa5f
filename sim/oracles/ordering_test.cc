// The ordering oracle (O10 d) on a hand-built XFS machine: a direct write into an unwritten
// extent, completed and logged (the conversion transaction records the bio), nothing flushed.
// At every journal prefix the persist graph allows, the data is durable whenever the conversion
// is; a crash image that keeps the conversion and drops the data (what a kernel that logs the
// completion without ordering it after the data would leave) fires, naming the transaction and
// the write; the same image with the data kept does not.
#include "sim/oracles/ordering.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/oracles/oracle_test_machine.h"

namespace crashsim {
namespace {

using namespace oracle_test;  // the hand-built machines (oracle_test_machine.h)

const char* const kDirectWrite = R"x({"crashsim": 1, "name": "ordering-test",
  "config": {"fs": "xfs", "device_cache": "volatile-fua", "background": "explore"},
  "files": {"/f": {"size": 8192, "stale": "5a", "layout": [
    {"offset": 0, "length": 4096, "layout": "written", "fill": "41"},
    {"offset": 4096, "length": 4096, "layout": "unwritten"}]}},
  "processes": {"P1": ["fd = open /f rw direct", "pwrite fd 4096 fill(78, 4096)"]}})x";

// The transaction recording an I/O completion, and the pending writes of that I/O.
struct Completion {
  uint64_t seq = 0;
  std::vector<uint64_t> write_ids;
};

Completion FindCompletion(const Machine& machine) {
  Completion completion;
  for (uint64_t seq = 1; seq <= machine.journal.committed_seq(); ++seq) {
    const std::vector<uint64_t>& groups = machine.journal.txn(seq).completes_groups;
    if (groups.empty()) continue;
    completion.seq = seq;
    for (const PendingWrite& write : machine.device.pending()) {
      if (std::count(groups.begin(), groups.end(), write.group)) {
        completion.write_ids.push_back(write.id);
      }
    }
  }
  return completion;
}

TEST_CASE("ordering: an I/O completion is durable only after the I/O's data") {
  const Scenario scenario = LoadScenario(kDirectWrite);
  const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  const Completion completion = FindCompletion(machine);
  REQUIRE(completion.seq > machine.journal.forced_seq());
  REQUIRE(!completion.write_ids.empty());

  SUBCASE("every journal prefix the persist graph allows keeps the data with the conversion") {
    CrashSpace space(machine);
    const std::vector<uint64_t>& choices = space.journal_choices();
    REQUIRE(std::count(choices.begin(), choices.end(), completion.seq) == 1);
    const std::vector<Finding> findings = AtEveryJournalPrefix(scenario, machine, CheckOrdering);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("an image with the conversion and the data holds") {
    CrashImage image;
    image.journal_prefix = completion.seq;
    image.persisted.insert(completion.write_ids.begin(), completion.write_ids.end());
    const std::vector<Finding> findings = OnImage(scenario, machine, image, CheckOrdering);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("an image with the conversion and without the data fires") {
    CrashImage image;
    image.journal_prefix = completion.seq;
    const std::vector<Finding> findings = OnImage(scenario, machine, image, CheckOrdering);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    const Finding& finding = findings[0];
    CHECK(finding.name == GuaranteeName(Guarantee::kOrdering));
    CHECK(Contains(finding.observed, "transaction " + std::to_string(completion.seq) + " (" +
                                         machine.journal.txn(completion.seq).what +
                                         ") is durable, data write "));
    CHECK(Contains(finding.observed, "is not"));
    CHECK(finding.expected ==
          "the data persisted before the transaction that records its completion");
    CHECK(finding.witness.journal_prefix == completion.seq);
    CHECK(finding.witness.persisted.empty());
  }
}

TEST_CASE("ordering: checked on XFS only") {
  // ext4 orders data by its own mechanism (ordered mode), not by completion transactions: the
  // same machine and image, read as ext4, are not an O10 d violation.
  const Scenario scenario = LoadScenario(kDirectWrite);
  Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  CrashImage image;
  image.journal_prefix = FindCompletion(machine).seq;
  REQUIRE(OnImage(scenario, machine, image, CheckOrdering).size() == 1);
  Config ext4 = *machine.config;
  ext4.fs = FsKind::kExt4Ordered;
  machine.config = &ext4;
  const std::vector<Finding> findings = OnImage(scenario, machine, image, CheckOrdering);
  CHECK_MESSAGE(findings.empty(), Describe(findings));
}

}  // namespace
}  // namespace crashsim
