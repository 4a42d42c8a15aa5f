// The map-changing operations beyond allocation and freeing (docs/semantics.md 2.5): collapse-range
// and insert-range (multi-transaction shifts), unshare-range, write-zeroes, reflink, dedupe and
// swapext. Each writes back and unmaps the affected pages first, then changes the map in logged
// transactions, one per inner step where the real file system uses several; each fails with EPERM
// on a sealed file (the single check in xfs_bmapi_write). Data that moves is recorded in the ghost
// lineage so that O6 accepts it at its new place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/kernel.h"

namespace crashsim {

StepOutcome CollapseRange(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length,
                          const std::string& what);
StepOutcome InsertRange(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length,
                        const std::string& what);
StepOutcome UnshareRange(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length,
                         const std::string& what);
StepOutcome WriteZeroes(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length,
                        const std::string& what);
// Unshares one shared block: a new block receives its contents, the extent is remapped.
// REQUIRES: the block is mapped.
enum class Unshared { kNotShared, kCopied, kNoSpace };
Unshared UnshareBlock(Machine& m, uint32_t ino, uint64_t block);
// One inner step of unsharing file blocks [first, last) (unshare-range, seal): the lowest shared
// block unshared in a transaction of its own, described as `log_what` and the block number.
// ENOSPC when there is no block for the copy; nullopt when no shared block is left.
std::optional<StepOutcome> UnshareNextBlock(Machine& m, uint32_t ino, uint64_t first,
                                            uint64_t last, const std::string& log_what);

// FICLONERANGE / FIDEDUPERANGE: `fd` is the destination, `fd2` the source.
StepOutcome SysReflink(Machine& m, int pid, const std::string& fd, uint64_t offset,
                       const std::string& fd2, uint64_t offset2, uint64_t length, bool dedupe,
                       const std::string& what);
// XFS_IOC_SWAPEXT: exchange the data forks of `fd`'s file (the target) and `fd2`'s (the donor).
StepOutcome SysSwapext(Machine& m, int pid, const std::string& fd, const std::string& fd2,
                       const std::string& what);

}  // namespace crashsim
