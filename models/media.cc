#include "models/media.h"

#include <algorithm>

namespace crashsim {

BlockView Media::View(uint64_t block) const {
  BlockView view;
  if (auto it = blocks_.find(block); it != blocks_.end()) {
    view.written_ = &it->second->data;
    return view;
  }
  view.free_origin_ = initial_->free_origin;
  const auto* entry = initial_->FileRunAt(block);
  if (entry == nullptr) {
    view.fill_ = initial_->free_fill;
    return view;
  }
  const InitialImage::FileRun* run = &entry->second;
  const uint64_t bs = initial_->block_size;
  const uint64_t file_block = run->file_block + (block - entry->first);
  view.fill_ = run->fill;
  view.file_ = true;
  view.ino_ = run->ino;
  view.file_offset_ = file_block * bs;
  view.valid_ = run->size_bytes <= view.file_offset_
                    ? 0
                    : static_cast<uint32_t>(std::min<uint64_t>(run->size_bytes - view.file_offset_, bs));
  return view;
}

bool ZeroOrDataOf(const Origin* origins, uint64_t count, uint32_t ino, uint64_t offset) {
  for (uint64_t k = 0; k < count; ++k) {
    if (origins[k] != kOriginZero && origins[k] != DataOrigin(ino, offset + k)) return false;
  }
  return true;
}

bool BlockView::ZeroOrDataOf(uint64_t i, uint64_t count, uint32_t ino, uint64_t offset) const {
  if (written_ != nullptr) {
    return crashsim::ZeroOrDataOf(written_->origins.data() + i, count, ino, offset);
  }
  if (file_) {
    // The file's initial bytes, and zeroes past its size.
    if (ino_ == ino && file_offset_ + i == offset) return true;
  } else if (free_origin_ == kOriginZero) {
    return true;
  }
  for (uint64_t k = 0; k < count; ++k) {
    const Origin o = origin(i + k);
    if (o != kOriginZero && o != DataOrigin(ino, offset + k)) return false;
  }
  return true;
}

Tagged Media::InitialBlock(uint64_t block) const {
  const uint32_t bs = initial_->block_size;
  const BlockView view = View(block);
  if (!view.file_) {  // free space: one fill byte, one origin
    return Tagged{std::vector<uint8_t>(bs, view.fill_), std::vector<Origin>(bs, view.free_origin_)};
  }
  // A file's block: its fill with the origins of its bytes up to the file's size, zeroes past it.
  Tagged tagged{std::vector<uint8_t>(bs, 0), std::vector<Origin>(bs, kOriginZero)};
  std::fill_n(tagged.bytes.begin(), view.valid_, view.fill_);
  for (uint32_t i = 0; i < view.valid_; ++i) {
    tagged.origins[i] = DataOrigin(view.ino_, view.file_offset_ + i);
  }
  return tagged;
}

Tagged Media::Read(uint64_t address, uint64_t length) const {
  const uint32_t bs = initial_->block_size;
  Tagged out;
  out.bytes.reserve(length);  // filled by appending: no zeroing of what is then overwritten
  out.origins.reserve(length);
  uint64_t done = 0;
  while (done < length) {
    const uint64_t pos = address + done;
    const uint64_t in_block = pos % bs;
    const uint64_t take = std::min<uint64_t>(bs - in_block, length - done);
    const BlockView view = View(pos / bs);
    if (view.written_ != nullptr) {
      const auto bytes = view.written_->bytes.begin() + static_cast<std::ptrdiff_t>(in_block);
      const auto origins = view.written_->origins.begin() + static_cast<std::ptrdiff_t>(in_block);
      out.bytes.insert(out.bytes.end(), bytes, bytes + static_cast<std::ptrdiff_t>(take));
      out.origins.insert(out.origins.end(), origins, origins + static_cast<std::ptrdiff_t>(take));
    } else {
      for (uint64_t i = 0; i < take; ++i) {
        out.bytes.push_back(view.byte(in_block + i));
        out.origins.push_back(view.origin(in_block + i));
      }
    }
    done += take;
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
    if (it == blocks_.end()) {
      // Read before the entry exists: InitialBlock looks the block up.
      auto initial = std::make_shared<WrittenBlock>();
      initial->data = InitialBlock(block);
      it = blocks_.emplace(block, std::move(initial)).first;
    } else if (it->second.use_count() > 1) {
      it->second = std::make_shared<WrittenBlock>(*it->second);  // a copy starts with no digest
    }
    WrittenBlock& held = *it->second;
    held.digest.Reset();  // no other copy holds the block: its digest is this Media's to drop
    std::copy_n(data.bytes.begin() + done, take, held.data.bytes.begin() + in_block);
    std::copy_n(data.origins.begin() + done, take, held.data.origins.begin() + in_block);
    done += take;
  }
}

}  // namespace crashsim
