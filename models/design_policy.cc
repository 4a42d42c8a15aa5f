#include "models/design_policy.h"

namespace crashsim {

MmapMode ResolveMmap(Design design, bool dax_inode, bool sealed, bool validate, bool sync) {
  MmapMode mode;
  // Legacy MAP_SHARED ignores unknown flags: `sync` without `validate` is silently dropped.
  if (!sync || !validate) return mode;
  switch (design) {
    case Design::kKernelTracked:
      mode.error = "EOPNOTSUPP";  // MAP_SHARED_VALIDATE rejects the unknown MAP_SYNC
      break;
    case Design::kMapSync:
      // xfs_file_mmap: VM_SYNC only on DAX inodes.
      if (!dax_inode) {
        mode.error = "EOPNOTSUPP";
      } else {
        mode.vm_sync = true;
        mode.user_sync = true;
      }
      break;
    case Design::kDaxfileUntracked:
    case Design::kDaxfileTracked:
      if (!dax_inode) {
        mode.error = "EOPNOTSUPP";
      } else if (!sealed) {
        mode.error = "EINVAL";  // userspace sync needs a frozen block map
      } else {
        mode.user_sync = true;
      }
      break;
    case Design::kPerVma:
      if (!dax_inode) {
        mode.error = "EOPNOTSUPP";
      } else {
        mode.vm_sync = true;
        mode.user_sync = true;
      }
      break;
  }
  return mode;
}

bool DesignHasSeal(Design design) {
  return design == Design::kDaxfileUntracked || design == Design::kDaxfileTracked;
}

bool WriteFaultTagsDirty(Design design, const InodeCore& core, const VmaState& vma) {
  switch (design) {
    case Design::kDaxfileUntracked:
      return !core.sealed;  // the sealed inode is no longer dirty-tracked, for every mapping
    case Design::kPerVma:
      return !vma.user_sync;
    default:
      return true;  // MAP_SYNC keeps dirty tagging (dax_insert_pfn_mkwrite tags too)
  }
}

bool WriteFaultIsSynchronous(Design design, const VmaState& vma) {
  return (design == Design::kMapSync || design == Design::kPerVma) && vma.vm_sync;
}

bool WritebackWriteProtects(Design design, const VmaState& vma) {
  return !(design == Design::kPerVma && vma.user_sync);
}

bool WritebackFlushesLines(Design design, const InodeCore& core) {
  return !(design == Design::kDaxfileUntracked && core.sealed);
}

}  // namespace crashsim
