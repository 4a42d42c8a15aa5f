#include "sim/oracles/ordering.h"

#include <fmt/format.h>

#include "models/guarantee.h"

namespace crashsim {

void CheckOrdering(const CrashContext& c, std::vector<Finding>* findings) {
  const Machine& m = c.machine;
  if (m.config->fs != FsKind::kXfs) return;
  const CrashImage& image = c.space.base_image();
  for (uint64_t seq = 1; seq <= image.journal_prefix; ++seq) {
    const Transaction& txn = m.journal.txn(seq);
    for (uint64_t group : txn.completes_groups) {
      for (const PendingWrite& write : m.device.pending()) {
        if (write.group != group || image.persisted.count(write.id)) continue;
        Finding finding;
        finding.name = GuaranteeName(Guarantee::kOrdering);
        finding.promise = "O10: a logged I/O completion is durable only after the I/O's data";
        finding.observed = fmt::format("transaction {} ({}) is durable, data write {} is not", seq,
                                       txn.what, write.what());
        finding.expected = "the data persisted before the transaction that records its completion";
        SetWitness(c, image, {{write.address, write.address + 1}}, &finding);
        findings->push_back(std::move(finding));
        return;
      }
    }
  }
}

}  // namespace crashsim
