// Media: the durable bytes of the one device (block device or persistent memory), with origins.
//
// Sparse and cheap to copy: untouched blocks read as the device's initial contents (the files'
// initial fills at their blocks, the stale byte or zeroes elsewhere), written blocks are shared,
// immutable and copied on write, so copying a Machine copies a map of pointers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "models/origin.h"

namespace crashsim {

// What each physical block held before the first step.
struct InitialImage {
  uint32_t block_size = 4096;
  uint8_t free_fill = 0;              // the `stale` byte, or 0
  Origin free_origin = kOriginZero;   // kOriginStale when a stale byte was given
  // Blocks of the initial files: physical block -> (file ino, file block, fill byte).
  struct FileBlock {
    uint32_t ino;
    uint64_t file_block;
    uint8_t fill;
  };
  std::map<uint64_t, FileBlock> file_blocks;
};

class Media {
 public:
  explicit Media(std::shared_ptr<const InitialImage> initial) : initial_(std::move(initial)) {}

  Tagged Read(uint64_t address, uint64_t length) const;
  void Write(uint64_t address, const Tagged& data);
  uint32_t block_size() const { return initial_->block_size; }
  // For hashing: the blocks written since the start, in block order.
  const std::map<uint64_t, std::shared_ptr<const Tagged>>& written_blocks() const {
    return blocks_;
  }

 private:
  Tagged InitialBlock(uint64_t block) const;
  std::shared_ptr<const InitialImage> initial_;
  std::map<uint64_t, std::shared_ptr<const Tagged>> blocks_;
};

}  // namespace crashsim
