// Changing a file's size as truncate does (docs/semantics.md 2.8.4 and 2.8.5): zeroing what the
// old or new EOF leaves behind, writing back what a durable new size must imply, dropping what
// lies past a smaller EOF, and logging the size.
//
// XFS follows xfs_setattr_size (Linux 6.1), which also carries the size changes of fallocate
// (alloc and zero-range that extend, collapse and insert, through xfs_vn_setattr_size):
// - growing: the bytes from the old EOF on are zeroed where a block holds data
//   (xfs_zero_range); shrinking: the page holding the new EOF is written back and waited for,
//   then the rest of its block is zeroed (xfs_truncate_page, dax_truncate_page on DAX);
// - truncate_setsize moves the in-core size, zeroes the cached tail past the new EOF and drops
//   the pages wholly beyond it;
// - when anything was zeroed, or the new size is beyond the on-disk size while the in-core size
//   differs from it, [on-disk size, new size) is written back and waited for before the size is
//   logged (the "null files" guard): a durable new size implies the data it covers;
// - one transaction logs the size, the timestamps and the blocks freed past the new EOF; a
//   truncate that does not grow the file marks it for a writeback of its delayed allocations at
//   the next close (XFS_ITRUNCATED, xfs_release).
// ext4 follows ext4_setattr and ext4_truncate (6.1): no zeroing and no writeback when growing;
// when shrinking, the rest of the new EOF block is zeroed (ext4_block_truncate_page) and blocks
// past EOF are freed; the new size is logged at once (i_disksize); a truncate to zero marks the
// file for the close-time writeback of auto_da_alloc (EXT4_STATE_DA_ALLOC_CLOSE).
#pragma once

#include <cstdint>
#include <string>

#include "models/machine.h"

namespace crashsim {

// Sets `ino`'s size to `new_size` as the file system's setattr does, logging it; returns what it
// did, for traces. `pid` is the caller (its writes are recorded in the ghost history).
std::string SetFileSize(Machine& m, int pid, uint32_t ino, uint64_t new_size,
                        const std::string& what);

}  // namespace crashsim
