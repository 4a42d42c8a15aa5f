#include "models/recovery.h"

#include <algorithm>

#include "sim/base/check.h"

namespace crashsim {

RecoveredState::RecoveredState(const Machine& m, const CrashImage& crash)
    : block_size_(m.block_size()), device_(&m.device), persisted_(crash.persisted) {
  std::map<uint32_t, InodeCore> cores = m.base->cores;
  const bool journal = m.config->name_space == Namespace::kJournalPrefix;
  NameTable names = journal ? m.base->names : m.durable_names;
  DirectoryTree tree = journal ? m.base->tree : m.durable_tree;
  CRASHSIM_CHECK(crash.journal_prefix <= m.journal.committed_seq());
  for (uint64_t seq = 1; seq <= crash.journal_prefix; ++seq) {
    const Transaction& txn = m.journal.txn(seq);
    for (const auto& [ino, core] : txn.inodes) cores[ino] = core;
    if (txn.names && journal) names = *txn.names;
    if (txn.tree && journal) tree = *txn.tree;
  }
  directories_ = std::move(tree.directories);
  symlinks_ = std::move(tree.symlinks);
  for (const auto& [path, ino] : names) {
    auto it = cores.find(ino);
    if (it == cores.end()) continue;  // the inode's creation did not survive
    files_[path] = RecoveredFile{ino, it->second};
  }
}

const RecoveredFile* RecoveredState::File(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

const RecoveredFile* RecoveredState::FileByIno(uint32_t ino) const {
  for (const auto& [path, file] : files_) {
    if (file.ino == ino) return &file;
  }
  return nullptr;
}

std::optional<std::string> RecoveredState::PathOfIno(uint32_t ino) const {
  for (const auto& [path, file] : files_) {
    if (file.ino == ino) return path;
  }
  return std::nullopt;
}

Tagged RecoveredState::ReadDevice(uint64_t address, uint64_t length) const {
  return device_->ReadOverlaid(address, length, [this](const PendingWrite& write) {
    return persisted_.count(write.id) > 0;
  });
}

std::optional<uint64_t> RecoveredState::DeviceAddress(uint32_t ino, uint64_t offset) const {
  const RecoveredFile* file = FileByIno(ino);
  CRASHSIM_CHECK(file != nullptr);
  auto it = file->core.extents.Find(offset / block_size_);
  if (!it || it->state != ExtentState::kWritten) {
    return std::nullopt;
  }
  return it->physical_block * block_size_ + offset % block_size_;
}

Tagged RecoveredState::ReadIno(uint32_t ino, uint64_t begin, uint64_t end) const {
  const RecoveredFile* file = FileByIno(ino);
  CRASHSIM_CHECK(file != nullptr && end <= file->core.size_bytes);
  Tagged out;
  const auto append = [&](const Tagged& part) {
    if (out.bytes.empty()) {
      out.bytes.reserve(end - begin);
      out.origins.reserve(end - begin);
    }
    out.bytes.insert(out.bytes.end(), part.bytes.begin(), part.bytes.end());
    out.origins.insert(out.origins.end(), part.origins.begin(), part.origins.end());
  };
  for (uint64_t pos = begin; pos < end;) {
    const uint64_t block = pos / block_size_;
    uint64_t take = std::min<uint64_t>(block_size_ - pos % block_size_, end - pos);
    auto it = file->core.extents.Find(block);
    if (!it || it->state != ExtentState::kWritten) {
      append(TagZeroes(take));
      pos += take;
      continue;
    }
    // The following blocks written and physically adjacent are read with it: one pass over the
    // pending writes for the span, not one per block, with the same bytes.
    for (uint64_t next = block + 1; pos + take < end; ++next) {
      const auto adjacent = file->core.extents.Find(next);
      if (!adjacent || adjacent->state != ExtentState::kWritten ||
          adjacent->physical_block != it->physical_block + (next - block)) {
        break;
      }
      take += std::min<uint64_t>(block_size_, end - pos - take);
    }
    Tagged part = ReadDevice(it->physical_block * block_size_ + pos % block_size_, take);
    if (pos == begin && take == end - begin) return part;  // one span: no copy
    append(part);
    pos += take;
  }
  return out;
}

std::optional<Tagged> RecoveredState::Read(const std::string& path, uint64_t begin,
                                           uint64_t end) const {
  const RecoveredFile* file = File(path);
  if (file == nullptr || end > file->core.size_bytes) return std::nullopt;
  return ReadIno(file->ino, begin, end);
}

}  // namespace crashsim
