// The design policy against docs/scenario-format.md, "Models": the table of what `mmap ... shared
// [validate] [sync]` gives under each model, every cell, and the per-design answers about dirty
// tagging, fault-time metadata sync, write protection and cache-line write-back that the first
// table describes.
#include "models/design_policy.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

enum class File { kDaxUnsealed, kDaxSealed };

MmapMode Resolve(Design design, File file, bool validate, bool sync) {
  return ResolveMmap(design, /*dax_inode=*/true, file == File::kDaxSealed, validate, sync);
}

bool Ordinary(const MmapMode& mode) {
  return mode.error.empty() && !mode.vm_sync && !mode.user_sync;
}

// The column "`shared sync` (no `validate`)": silently dropped under every design, on every file.
TEST_CASE("sync without validate is silently dropped under every design") {
  for (Design design : kAllDesigns) {
    INFO(DesignName(design));
    for (File file : {File::kDaxUnsealed, File::kDaxSealed}) {
      CHECK(Ordinary(Resolve(design, file, /*validate=*/false, /*sync=*/true)));
    }
    CHECK(Ordinary(ResolveMmap(design, false, false, false, true)));
    // And a plain shared mapping is ordinary too.
    CHECK(Ordinary(Resolve(design, File::kDaxUnsealed, false, false)));
    CHECK(Ordinary(Resolve(design, File::kDaxSealed, true, false)));
  }
}

TEST_CASE("kernel-tracked: validate sync fails with EOPNOTSUPP and O4 applies to no mapping") {
  for (File file : {File::kDaxUnsealed, File::kDaxSealed}) {
    const MmapMode mode = Resolve(Design::kKernelTracked, file, true, true);
    CHECK(mode.error == "EOPNOTSUPP");
    CHECK_FALSE(mode.vm_sync);
    CHECK_FALSE(mode.user_sync);
  }
}

TEST_CASE("map-sync: validate sync is a MAP_SYNC mapping with synchronous write faults, and O4 applies") {
  for (File file : {File::kDaxUnsealed, File::kDaxSealed}) {
    const MmapMode mode = Resolve(Design::kMapSync, file, true, true);
    CHECK(mode.error.empty());
    CHECK(mode.vm_sync);
    CHECK(mode.user_sync);
    VmaState vma;
    vma.shared = true;
    vma.vm_sync = mode.vm_sync;
    vma.user_sync = mode.user_sync;
    CHECK(WriteFaultIsSynchronous(Design::kMapSync, vma));
    CHECK(WriteFaultTagsDirty(Design::kMapSync, InodeCore{}, vma));  // dirty tagging is kept
    CHECK(WritebackWriteProtects(Design::kMapSync, vma));
  }
}

TEST_CASE("daxfile designs: validate sync on a sealed file is a userspace-sync mapping without fault-time work, on an unsealed file EINVAL") {
  for (Design design : {Design::kDaxfileUntracked, Design::kDaxfileTracked}) {
    INFO(DesignName(design));
    const MmapMode sealed = Resolve(design, File::kDaxSealed, true, true);
    CHECK(sealed.error.empty());
    CHECK(sealed.user_sync);   // O4 applies
    CHECK_FALSE(sealed.vm_sync);  // the map is frozen: no metadata to sync at fault
    VmaState vma;
    vma.shared = true;
    vma.user_sync = true;
    CHECK_FALSE(WriteFaultIsSynchronous(design, vma));
    const MmapMode unsealed = Resolve(design, File::kDaxUnsealed, true, true);
    CHECK(unsealed.error == "EINVAL");
    CHECK_FALSE(unsealed.user_sync);
    CHECK_FALSE(unsealed.vm_sync);
  }
}

TEST_CASE("per-vma: validate sync syncs metadata at write fault and is never tagged nor write-protected, other mappings are kernel-tracked") {
  for (File file : {File::kDaxUnsealed, File::kDaxSealed}) {
    const MmapMode mode = Resolve(Design::kPerVma, file, true, true);
    CHECK(mode.error.empty());
    CHECK(mode.vm_sync);
    CHECK(mode.user_sync);
  }
  VmaState sync_vma;
  sync_vma.shared = true;
  sync_vma.vm_sync = true;
  sync_vma.user_sync = true;
  CHECK(WriteFaultIsSynchronous(Design::kPerVma, sync_vma));
  CHECK_FALSE(WriteFaultTagsDirty(Design::kPerVma, InodeCore{}, sync_vma));
  CHECK_FALSE(WritebackWriteProtects(Design::kPerVma, sync_vma));
  VmaState plain;
  plain.shared = true;
  CHECK_FALSE(WriteFaultIsSynchronous(Design::kPerVma, plain));
  CHECK(WriteFaultTagsDirty(Design::kPerVma, InodeCore{}, plain));
  CHECK(WritebackWriteProtects(Design::kPerVma, plain));
}

TEST_CASE("a sync request on a non-DAX file fails with EOPNOTSUPP wherever validate sync is known") {
  // xfs_file_mmap: VM_SYNC only on DAX inodes (daxfile designs: no DAX, no seal to honour).
  for (Design design : kAllDesigns) {
    INFO(DesignName(design));
    const MmapMode mode = ResolveMmap(design, /*dax_inode=*/false, false, true, true);
    CHECK(mode.error == "EOPNOTSUPP");
    CHECK_FALSE(mode.user_sync);
  }
}

TEST_CASE("only the daxfile designs have a seal, and only daxfile-untracked stops tracking a sealed file") {
  for (Design design : kAllDesigns) {
    INFO(DesignName(design));
    const bool daxfile = design == Design::kDaxfileUntracked || design == Design::kDaxfileTracked;
    CHECK(DesignHasSeal(design) == daxfile);
    InodeCore sealed;
    sealed.dax = true;
    sealed.sealed = true;
    InodeCore unsealed;
    unsealed.dax = true;
    VmaState plain;
    plain.shared = true;
    const bool untracked = design == Design::kDaxfileUntracked;
    // daxfile-untracked: a sealed inode is untagged for every mapping and its cache lines are not
    // written back by the fsync family; every other design keeps both.
    CHECK(WriteFaultTagsDirty(design, sealed, plain) == !untracked);
    CHECK(WritebackFlushesLines(design, sealed) == !untracked);
    CHECK(WriteFaultTagsDirty(design, unsealed, plain));
    CHECK(WritebackFlushesLines(design, unsealed));
    // No design makes an ordinary mapping's faults synchronous or spares it write protection.
    CHECK_FALSE(WriteFaultIsSynchronous(design, plain));
    CHECK(WritebackWriteProtects(design, plain));
  }
}

}  // namespace
}  // namespace crashsim
