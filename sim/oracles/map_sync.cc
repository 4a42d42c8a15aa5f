#include "sim/oracles/map_sync.h"

#include <fmt/format.h>

#include "models/guarantee.h"

namespace crashsim {

void CheckMapSync(const CrashContext& c, std::vector<Finding>* findings) {
  const uint32_t bs = c.machine.block_size();
  for (const MapSyncPromise& promise : c.machine.ghost.map_sync) {
    if (promise.ended) continue;
    const RecoveredFile* file = c.recovered.FileByIno(promise.ino);
    std::string observed;
    const std::string path = c.machine.PathOf(promise.ino);
    if (file == nullptr) {
      observed = path + " does not exist after recovery";
    } else {
      auto it = file->core.extents.Find(promise.page);
      if (!it) {
        observed = fmt::format("{} page {} is a hole after recovery (reads zero)", path,
                               promise.page);
      } else if (it->state != ExtentState::kWritten) {
        observed = fmt::format("{} page {} is unwritten after recovery (reads zero)", path,
                               promise.page);
      } else if (it->physical_block != promise.physical_block) {
        observed = fmt::format("{} page {} maps block {} after recovery", path, promise.page,
                               it->physical_block);
      } else if ((promise.page + 1) * bs > file->core.size_bytes + bs - 1) {
        observed = fmt::format("{} page {} is past EOF after recovery (size {})", path,
                               promise.page, file->core.size_bytes);
      } else {
        continue;
      }
    }
    Finding finding;
    finding.name = GuaranteeName(Guarantee::kMapSync);
    finding.promise = "O4: " + promise.op + " mapped " + path + " page " +
                      std::to_string(promise.page) + " writable through a sync mapping";
    finding.observed = observed;
    finding.expected = fmt::format("{} page {} -> block {} (written), as when it was mapped", path,
                                   promise.page, promise.physical_block);
    SetWitness(c, c.space.base_image(), {}, &finding);
    findings->push_back(std::move(finding));
    return;
  }
}

}  // namespace crashsim
