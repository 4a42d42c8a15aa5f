#include "models/media.h"

#include <algorithm>

namespace crashsim {

Tagged Media::InitialBlock(uint64_t block) const {
  const uint32_t bs = initial_->block_size;
  auto it = initial_->file_blocks.find(block);
  if (it == initial_->file_blocks.end()) {
    return Tagged{std::vector<uint8_t>(bs, initial_->free_fill),
                  std::vector<Origin>(bs, initial_->free_origin)};
  }
  Tagged tagged{std::vector<uint8_t>(bs, it->second.fill), std::vector<Origin>(bs)};
  for (uint32_t i = 0; i < bs; ++i) {
    tagged.origins[i] = DataOrigin(it->second.ino, it->second.file_block * bs + i);
  }
  return tagged;
}

Tagged Media::Read(uint64_t address, uint64_t length) const {
  const uint32_t bs = initial_->block_size;
  Tagged out;
  out.bytes.reserve(length);
  out.origins.reserve(length);
  uint64_t pos = address;
  while (pos < address + length) {
    const uint64_t block = pos / bs;
    const uint64_t in_block = pos % bs;
    const uint64_t take = std::min<uint64_t>(bs - in_block, address + length - pos);
    auto it = blocks_.find(block);
    if (it != blocks_.end()) {
      const Tagged& source = *it->second;
      out.bytes.insert(out.bytes.end(), source.bytes.begin() + in_block,
                       source.bytes.begin() + in_block + take);
      out.origins.insert(out.origins.end(), source.origins.begin() + in_block,
                         source.origins.begin() + in_block + take);
    } else {
      auto file_block = initial_->file_blocks.find(block);
      for (uint64_t i = in_block; i < in_block + take; ++i) {
        if (file_block == initial_->file_blocks.end()) {
          out.bytes.push_back(initial_->free_fill);
          out.origins.push_back(initial_->free_origin);
        } else {
          out.bytes.push_back(file_block->second.fill);
          out.origins.push_back(DataOrigin(file_block->second.ino, file_block->second.file_block * bs + i));
        }
      }
    }
    pos += take;
  }
  return out;
}

void Media::Write(uint64_t address, const Tagged& data) {
  const uint32_t bs = initial_->block_size;
  uint64_t done = 0;
  while (done < data.size()) {
    const uint64_t pos = address + done;
    const uint64_t block = pos / bs;
    const uint64_t in_block = pos % bs;
    const uint64_t take = std::min<uint64_t>(bs - in_block, data.size() - done);
    auto it = blocks_.find(block);
    Tagged copy = it != blocks_.end() ? *it->second : InitialBlock(block);
    std::copy_n(data.bytes.begin() + done, take, copy.bytes.begin() + in_block);
    std::copy_n(data.origins.begin() + done, take, copy.origins.begin() + in_block);
    blocks_[block] = std::make_shared<const Tagged>(std::move(copy));
    done += take;
  }
}

}  // namespace crashsim
