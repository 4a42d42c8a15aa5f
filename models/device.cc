#include "models/device.h"

#include <algorithm>

#include "sim/base/check.h"

namespace crashsim {

Device::Device(Media media, bool pmem, const Config& config)
    : media_(std::move(media)),
      pmem_(pmem),
      platform_(config.platform),
      // The pmem block driver's writes are durable after the next flush or FUA
      // (docs/scenario-format.md, "Config": device_cache does not apply on pmem).
      cache_(pmem ? DeviceCache::kVolatileFua : config.device_cache),
      sector_bytes_(config.sector_bytes) {}

void Device::ApplyWhere(bool (*predicate)(const PendingWrite&, const void*), const void* arg) {
  std::vector<bool> apply(pending_.size(), false);
  for (size_t i = 0; i < pending_.size(); ++i) apply[i] = predicate(pending_[i], arg);
  // Writes to one sector or line persist in order: a write that becomes durable takes every
  // earlier pending write to the same unit with it (they are persisted, then overwritten).
  for (size_t i = pending_.size(); i-- > 0;) {
    if (!apply[i]) continue;
    const PendingWrite& later = pending_[i];
    for (size_t j = 0; j < i; ++j) {
      const PendingWrite& earlier = pending_[j];
      if (apply[j] || earlier.unit_kind != later.unit_kind) continue;
      const bool overlap = earlier.unit < later.unit + later.unit_count &&
                           later.unit < earlier.unit + earlier.unit_count;
      if (overlap) apply[j] = true;
    }
  }
  std::vector<PendingWrite> keep;
  keep.reserve(pending_.size());
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (apply[i]) {
      Apply(pending_[i]);
    } else {
      keep.push_back(std::move(pending_[i]));
    }
  }
  pending_ = std::move(keep);
}

uint64_t Device::SubmitBlockWrite(uint64_t address, const Tagged& data, bool fua,
                                  std::string what) {
  const uint64_t group = next_group_++;
  uint64_t done = 0;
  while (done < data.size()) {
    const uint64_t pos = address + done;
    const uint64_t sector = pos / sector_bytes_;
    const uint64_t take = std::min<uint64_t>(sector_bytes_ - pos % sector_bytes_,
                                             data.size() - done);
    PendingWrite write;
    write.id = next_id_++;
    write.unit_kind = UnitKind::kSector;
    write.unit = sector;
    write.address = pos;
    write.data.bytes.assign(data.bytes.begin() + done, data.bytes.begin() + done + take);
    write.data.origins.assign(data.origins.begin() + done, data.origins.begin() + done + take);
    write.group = group;
    write.completed = false;
    write.what = what;
    pending_.push_back(std::move(write));
    done += take;
  }
  if (fua) fua_groups_.push_back(group);
  return group;
}

bool Device::InFlight(uint64_t group) const {
  return std::any_of(pending_.begin(), pending_.end(), [&](const PendingWrite& w) {
    return w.group == group && !w.completed;
  });
}

void Device::CompleteBlockWrite(uint64_t group) {
  const uint64_t now = Tick();
  for (auto& write : pending_) {
    if (write.group == group && !write.completed) {
      write.completed = true;
      write.completed_tick = now;
    }
  }
  const bool fua = std::find(fua_groups_.begin(), fua_groups_.end(), group) != fua_groups_.end();
  if (fua) fua_groups_.erase(std::find(fua_groups_.begin(), fua_groups_.end(), group));
  if (cache_ == DeviceCache::kNone || completed_is_durable_) {
    ApplyWhere([](const PendingWrite& w, const void* g) {
      return w.group == *static_cast<const uint64_t*>(g);
    }, &group);
  } else if (fua && cache_ == DeviceCache::kVolatileFua) {
    ApplyWhere([](const PendingWrite& w, const void* g) {
      return w.group == *static_cast<const uint64_t*>(g);
    }, &group);
  } else if (fua) {
    // No FUA on the device: the block layer emulates it with a flush after the write completes,
    // which makes every completed write durable (docs/semantics.md 3.3).
    Flush();
  }
}

void Device::AcceptToWpq(uint64_t line, uint64_t up_to_id) {
  if (platform_ == Platform::kNone) {
    wpq_.emplace_back(line, up_to_id);
    MarkLine(line, up_to_id, LineFlush::kInWpq, /*stamp=*/true);
  } else {
    PersistLine(line, up_to_id);
  }
}

void Device::MarkFlushed(uint64_t line, uint64_t up_to_id) {
  MarkLine(line, up_to_id, LineFlush::kFlushedNotFenced, /*stamp=*/false);
}

void Device::KernelWriteBack(uint64_t line, uint64_t up_to_id) {
  wpq_.emplace_back(line, up_to_id);
  MarkLine(line, up_to_id, LineFlush::kKernelWrittenBack, /*stamp=*/true);
}

void Device::MarkLine(uint64_t line, uint64_t up_to_id, LineFlush state, bool stamp) {
  bool any = false;
  for (PendingWrite& write : pending_) {
    const bool covered = write.unit_kind == UnitKind::kLine && !write.kernel_copy &&
                         write.unit <= line && line < write.unit + write.unit_count &&
                         write.id <= up_to_id;
    if (!covered || write.flush >= state) continue;
    write.flush = state;
    any = true;
  }
  if (!any || !stamp) return;
  // Lines waiting for a device flush count as completed at this tick: a later log write's
  // PREFLUSH takes them along (the persist graph's PREFLUSH edges).
  const uint64_t now = Tick();
  for (PendingWrite& write : pending_) {
    if (write.unit_kind == UnitKind::kLine && !write.kernel_copy && write.flush == state &&
        write.unit <= line && line < write.unit + write.unit_count && write.id <= up_to_id &&
        write.completed_tick == 0) {
      write.completed_tick = now;
    }
  }
}

void Device::Flush() {
  for (const auto& [line, up_to] : wpq_) PersistLine(line, up_to);
  wpq_.clear();
  ApplyWhere([](const PendingWrite& w, const void*) {
    return (w.unit_kind == UnitKind::kSector && w.completed) || w.kernel_copy;
  }, nullptr);
}

uint64_t Device::AppendVisibleStore(uint64_t address, const Tagged& data, std::string what,
                                    bool nontemporal) {
  CRASHSIM_CHECK(pmem_);
  const uint64_t group = next_group_++;
  // Pieces: split at line boundaries, and at 8-byte boundaries unless the whole store is one
  // aligned word of at most 8 bytes (the failure-atomic unit).
  const bool atomic = data.size() <= 8 && address / 8 == (address + data.size() - 1) / 8;
  uint64_t last = 0;
  for (PendingWrite& write : LinePieces(address, data, /*words=*/!atomic, group, what)) {
    write.nontemporal = nontemporal;
    last = write.id;
    if (platform_ == Platform::kEadr && atomic) {
      Apply(write);  // eADR: the caches are in the persistence domain
    } else {
      write.eadr_settling = platform_ == Platform::kEadr;
      pending_.push_back(std::move(write));
    }
  }
  return last;
}

std::vector<PendingWrite> Device::LinePieces(uint64_t address, const Tagged& data, bool words,
                                             uint64_t group, const std::string& what) {
  std::vector<PendingWrite> pieces;
  uint64_t done = 0;
  while (done < data.size()) {
    const uint64_t pos = address + done;
    uint64_t limit = kLineBytes - pos % kLineBytes;
    if (words) limit = std::min<uint64_t>(limit, 8 - pos % 8);
    const uint64_t take = std::min<uint64_t>(limit, data.size() - done);
    PendingWrite write;
    write.id = next_id_++;
    write.unit_kind = UnitKind::kLine;
    write.unit = pos / kLineBytes;
    write.address = pos;
    write.data.bytes.assign(data.bytes.begin() + done, data.bytes.begin() + done + take);
    write.data.origins.assign(data.origins.begin() + done, data.origins.begin() + done + take);
    write.group = group;
    write.what = what;
    pieces.push_back(std::move(write));
    done += take;
  }
  return pieces;
}

void Device::SettleEadr() {
  ApplyWhere([](const PendingWrite& w, const void*) { return w.eadr_settling; }, nullptr);
}

void Device::AppendKernelCopy(uint64_t address, const Tagged& data, std::string what) {
  CRASHSIM_CHECK(pmem_);
  const uint64_t group = next_group_++;
  Tick();
  // memcpy_flushcache fills whole lines through the write-combining buffers: one persist event
  // per line (a partial line at either end is its own event).
  for (PendingWrite& write : LinePieces(address, data, /*words=*/false, group, what)) {
    write.kernel_copy = true;
    write.completed_tick = tick_;
    pending_.push_back(std::move(write));
  }
}

void Device::AppendKernelZeroing(uint64_t address, uint64_t length, std::string what) {
  if (!pmem_) {
    CompleteBlockWrite(SubmitBlockWrite(address, TagZeroes(length), false, std::move(what)));
    return;
  }
  PendingWrite write;
  write.id = next_id_++;
  write.unit_kind = UnitKind::kLine;
  write.unit = address / kLineBytes;
  write.unit_count = (length + kLineBytes - 1) / kLineBytes;
  write.address = address;
  write.data = TagZeroes(length);
  write.group = next_group_++;
  write.kernel_copy = true;
  write.completed_tick = Tick();
  write.what = std::move(what);
  pending_.push_back(std::move(write));
}

void Device::PersistLine(uint64_t line, uint64_t up_to_id) {
  struct Arg {
    uint64_t line, up_to;
  } arg{line, up_to_id};
  ApplyWhere([](const PendingWrite& w, const void* a) {
    const auto* p = static_cast<const Arg*>(a);
    return w.unit_kind == UnitKind::kLine && w.unit <= p->line && p->line < w.unit + w.unit_count &&
           w.id <= p->up_to;
  }, &arg);
}

void Device::HashInto(Hasher& hasher) const {
  for (const auto& [block, data] : media_.written_blocks()) {
    hasher.Add(block);
    hasher.AddBytes(data->bytes);
    hasher.AddBytes(data->origins);
  }
  hasher.Add(pending_.size());
  for (const auto& write : pending_) {
    hasher.Add(write.id);
    hasher.Add(static_cast<uint64_t>(write.unit_kind));
    hasher.Add(write.address);
    hasher.AddBytes(write.data.bytes);
    hasher.AddBytes(write.data.origins);
    hasher.Add(write.group);
    hasher.AddBool(write.completed);
    hasher.Add(write.completed_tick);
    hasher.AddBool(write.kernel_copy);
    hasher.AddBool(write.eadr_settling);
    hasher.AddBool(write.nontemporal);
    hasher.Add(static_cast<uint64_t>(write.flush));
  }
  hasher.AddBytes(fua_groups_);
  hasher.Add(next_id_);
  hasher.Add(tick_);
  hasher.Add(wpq_.size());
  for (const auto& [line, id] : wpq_) {
    hasher.Add(line);
    hasher.Add(id);
  }
}

void OverlayWrite(const PendingWrite& write, uint64_t address, Tagged* out) {
  const uint64_t begin = std::max(address, write.address);
  const uint64_t end = std::min(address + out->size(), write.address + write.data.size());
  for (uint64_t pos = begin; pos < end; ++pos) {
    out->bytes[pos - address] = write.data.bytes[pos - write.address];
    out->origins[pos - address] = write.data.origins[pos - write.address];
  }
}

}  // namespace crashsim
