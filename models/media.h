// Media: the durable bytes of the one device (block device or persistent memory), with origins.
//
// Sparse and cheap to copy: untouched blocks read as the device's initial contents (the files'
// initial fills at their blocks, the stale byte or zeroes elsewhere), written blocks are shared,
// immutable and copied on write, so copying a Machine copies a map of pointers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "models/origin.h"
#include "sim/base/hasher.h"
#include "sim/base/once_cache.h"

namespace crashsim {

// What each physical block held before the first step.
struct InitialImage {
  uint32_t block_size = 4096;
  uint8_t free_fill = 0;              // the `stale` byte, or 0
  Origin free_origin = kOriginZero;   // kOriginStale when a stale byte was given
  // Runs of blocks of the initial files, keyed by their first physical block: `count` blocks from
  // there hold file `ino`'s blocks from `file_block` on, every byte `fill` up to the file's size
  // `size_bytes`; the rest of a file's last block reads zero, as it does on any real file system,
  // whose writeback zeroes the tail past EOF. A file is a few runs whatever its size.
  struct FileRun {
    uint32_t ino;
    uint64_t file_block;
    uint64_t count;
    uint8_t fill;
    uint64_t size_bytes = UINT64_MAX;  // the file's size: bytes at or past it read zero
  };
  std::map<uint64_t, FileRun> file_runs;

  // The run holding physical block `block` (its first physical block and the run), or nullptr
  // (free space).
  const std::pair<const uint64_t, FileRun>* FileRunAt(uint64_t block) const {
    auto it = file_runs.upper_bound(block);
    if (it == file_runs.begin()) return nullptr;
    --it;
    return block < it->first + it->second.count ? &*it : nullptr;
  }
};

// Whether each of origins[0, count) is zeroes or data written to file `ino` at `offset` plus its
// index: bytes holding their file's own data, checked in one pass.
bool ZeroOrDataOf(const Origin* origins, uint64_t count, uint32_t ino, uint64_t offset);

// A block written since the start: its contents, and their digest (bytes and origins), computed
// on first use and dropped when the block is written in place.
struct WrittenBlock {
  Tagged data;
  OnceCache<Hash128> digest;

  const Hash128& Digest() const {
    return digest.Get([this] {
      Hasher hasher;
      hasher.AddBytes(data.bytes);
      hasher.AddBytes(data.origins);
      return hasher.Finish();
    });
  }
};

// One block's contents read in place, without copying: a written block's arrays, or the rule
// that gives its initial contents (a fill byte; the origins of a file's bytes or of free space).
class BlockView {
 public:
  uint8_t byte(uint64_t i) const {
    if (written_) return written_->bytes[i];
    return file_ && i >= valid_ ? 0 : fill_;
  }
  Origin origin(uint64_t i) const {
    if (written_) return written_->origins[i];
    if (!file_) return free_origin_;
    return i < valid_ ? DataOrigin(ino_, file_offset_ + i) : kOriginZero;
  }
  // ZeroOrDataOf for the `count` bytes from `i`.
  bool ZeroOrDataOf(uint64_t i, uint64_t count, uint32_t ino, uint64_t offset) const;

 private:
  friend class Media;
  const Tagged* written_ = nullptr;
  uint8_t fill_ = 0;
  bool file_ = false;  // initial contents of a file block
  uint32_t ino_ = 0;
  uint64_t file_offset_ = 0;
  uint32_t valid_ = 0;  // file blocks: bytes within the file's initial size
  Origin free_origin_ = kOriginZero;
};

class Media {
 public:
  explicit Media(std::shared_ptr<const InitialImage> initial) : initial_(std::move(initial)) {}

  Tagged Read(uint64_t address, uint64_t length) const;
  // The contents of block `block` in place; valid until the next Write to this Media.
  BlockView View(uint64_t block) const;
  void Write(uint64_t address, const Tagged& data);
  // Replaces block `block` whole by `contents` (block_size() bytes), which other Media may hold
  // too: a block that a fence persists whole in many states is then one block, hashed once.
  void PutBlock(uint64_t block, std::shared_ptr<WrittenBlock> contents) {
    blocks_[block] = std::move(contents);
  }
  uint32_t block_size() const { return initial_->block_size; }
  const InitialImage& initial() const { return *initial_; }
  // For hashing: the blocks written since the start, in block order.
  const std::map<uint64_t, std::shared_ptr<WrittenBlock>>& written_blocks() const {
    return blocks_;
  }

 private:
  Tagged InitialBlock(uint64_t block) const;
  std::shared_ptr<const InitialImage> initial_;
  // Shared by the copies of a Media and never changed while shared: Write changes a block in
  // place only when no other copy holds it (a fence persisting hundreds of pieces of one block
  // copies it once, not once a piece).
  std::map<uint64_t, std::shared_ptr<WrittenBlock>> blocks_;
};

}  // namespace crashsim
