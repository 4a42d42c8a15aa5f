// Journal: the XFS-like metadata log (docs/semantics.md 3.4).
//
// Transactions are committed in memory in sequence order, each recording the after-image of the
// inode cores (and the namespace) it changed. A log force makes a prefix durable (the caller
// issues the device flush that its PREFLUSH carries); with background pushes a crash may find any
// longer prefix durable too. Recovery replays the durable prefix: the last after-image of each
// inode wins, which equals replaying every logged change in order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/inode.h"
#include "sim/base/hasher.h"

namespace crashsim {

using NameTable = std::map<std::string, uint32_t>;  // absolute path -> ino

// The names that are no regular file: every directory but the root, and every symbolic link with
// its target (as symlink(2) was given it). Kept beside the files' NameTable and logged with it.
struct DirectoryTree {
  std::set<std::string> directories;
  std::map<std::string, std::string> symlinks;  // path -> target
  bool operator==(const DirectoryTree&) const = default;
};

struct Transaction {
  uint64_t seq = 0;
  std::string what;                      // e.g. "P1 pwrite /f: allocate blocks 0-1 unwritten"
  std::map<uint32_t, InodeCore> inodes;  // after-images
  std::optional<NameTable> names;        // namespace after-image, when it changed
  std::optional<DirectoryTree> tree;     // with `names`: the directories and symbolic links
  uint64_t committed_tick = 0;           // device tick at commit, for PREFLUSH edges
  std::vector<uint64_t> ordered_groups;  // ext4-ordered: bios that must be durable first
  // I/O completion transactions (unwritten conversion, size update): the bios whose completion
  // they record; O10 requires that data to be durable whenever the transaction is.
  std::vector<uint64_t> completes_groups;
};

class Journal {
 public:
  // Commits in memory; returns the sequence number.
  uint64_t Commit(Transaction txn) {
    txn.seq = txns_.size() + 1;
    chain_.Add(txn.seq);
    descriptions_.AddString(txn.what);
    for (const auto& [ino, core] : txn.inodes) {
      chain_.Add(ino);
      HashCore(core, chain_);
    }
    chain_.AddBool(txn.names.has_value());
    if (txn.names) {
      for (const auto& [path, ino] : *txn.names) {
        chain_.AddString(path);
        chain_.Add(ino);
      }
    }
    if (txn.tree) HashTree(*txn.tree, chain_);
    ticks_.Add(txn.committed_tick);
    chain_.AddBytes(txn.ordered_groups);
    chain_.AddBytes(txn.completes_groups);
    txns_.push_back(std::make_shared<const Transaction>(std::move(txn)));
    return txns_.size();
  }
  uint64_t committed_seq() const { return txns_.size(); }
  uint64_t forced_seq() const { return forced_seq_; }
  void MarkForced(uint64_t seq) {
    if (seq > forced_seq_) forced_seq_ = seq;
  }
  const Transaction& txn(uint64_t seq) const { return *txns_[seq - 1]; }
  // A running hash of every committed transaction, so hashing a journal is O(1). With `canonical`
  // it leaves out each transaction's `what` and its commit tick. The text names the op that
  // committed it, which only a finding shows; the tick only orders the commit against the
  // completions of pending writes, which Device::HashTimelessInto gives by their places among
  // the commits. So two orders of commuting ops that log the same changes hash equal
  // (docs/architecture.md, "Equal histories").
  void HashInto(Hasher& hasher, bool canonical = false) const {
    const Hash128 chain = chain_.Finish();
    hasher.Add(chain.high);
    hasher.Add(chain.low);
    if (!canonical) {
      for (const Hasher* part : {&descriptions_, &ticks_}) {
        const Hash128 digest = part->Finish();
        hasher.Add(digest.high);
        hasher.Add(digest.low);
      }
    }
    hasher.Add(forced_seq_);
  }
  // How many transactions were committed before device tick `tick` (commits take increasing
  // ticks).
  uint64_t CommittedBefore(uint64_t tick) const {
    return static_cast<uint64_t>(
        std::partition_point(txns_.begin(), txns_.end(),
                             [&](const auto& txn) { return txn->committed_tick < tick; }) -
        txns_.begin());
  }
  static void HashTree(const DirectoryTree& tree, Hasher& hasher) {
    hasher.Add(tree.directories.size());
    for (const std::string& directory : tree.directories) hasher.AddString(directory);
    hasher.Add(tree.symlinks.size());
    for (const auto& [path, target] : tree.symlinks) {
      hasher.AddString(path);
      hasher.AddString(target);
    }
  }
  static void HashCore(const InodeCore& core, Hasher& hasher) {
    hasher.Add(core.size_bytes);
    // Runs are maximal, so equal maps give equal runs.
    hasher.Add(core.extents.runs().size());
    for (const auto& [first, run] : core.extents.runs()) {
      hasher.Add(first);
      hasher.Add(run.count);
      hasher.Add(run.start.physical_block);
      hasher.Add(static_cast<uint64_t>(run.start.state));
      hasher.AddBool(run.start.shared);
    }
    hasher.AddBool(core.sealed);
    hasher.AddBool(core.dax);
    hasher.Add(core.mtime);
    hasher.Add(core.ctime);
  }

 private:
  std::vector<std::shared_ptr<const Transaction>> txns_;
  uint64_t forced_seq_ = 0;
  Hasher chain_;         // every field of every transaction but `what` and the commit tick
  Hasher descriptions_;  // the `what` of every transaction
  Hasher ticks_;         // the commit tick of every transaction
};

}  // namespace crashsim
