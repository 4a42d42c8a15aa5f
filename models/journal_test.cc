// The journal's contract with recovery and the explorer: transactions are numbered in commit order
// and keep their after-images, a log force only ever lengthens the durable prefix, and the
// journal's hash tells apart any two different histories.
#include "models/journal.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

Transaction SizeChange(uint32_t ino, uint64_t size_bytes, const std::string& what) {
  Transaction txn;
  txn.what = what;
  InodeCore core;
  core.size_bytes = size_bytes;
  txn.inodes[ino] = core;
  return txn;
}

Hash128 HashOf(const Journal& journal) {
  Hasher hasher;
  journal.HashInto(hasher);
  return hasher.Finish();
}

TEST_CASE("transactions are numbered from 1 in commit order and keep their after-images") {
  Journal journal;
  CHECK(journal.committed_seq() == 0);
  CHECK(journal.Commit(SizeChange(1, 100, "first")) == 1);
  Transaction named = SizeChange(2, 200, "second");
  named.names = NameTable{{"/g", 2}};
  CHECK(journal.Commit(named) == 2);
  CHECK(journal.committed_seq() == 2);
  CHECK(journal.txn(1).seq == 1);
  CHECK(journal.txn(1).what == "first");
  CHECK(journal.txn(1).inodes.at(1).size_bytes == 100);
  CHECK_FALSE(journal.txn(1).names.has_value());
  CHECK(journal.txn(2).seq == 2);
  CHECK(journal.txn(2).inodes.at(2).size_bytes == 200);
  CHECK(journal.txn(2).names == NameTable{{"/g", 2}});
}

TEST_CASE("committing makes nothing durable, and a log force never shortens the durable prefix") {
  Journal journal;
  journal.Commit(SizeChange(1, 1, "a"));
  journal.Commit(SizeChange(1, 2, "b"));
  journal.Commit(SizeChange(1, 3, "c"));
  CHECK(journal.forced_seq() == 0);  // committed in memory only: a crash may lose all three
  journal.MarkForced(2);
  CHECK(journal.forced_seq() == 2);  // 1 and 2 must survive, 3 may be lost
  journal.MarkForced(1);             // an older force completing late
  CHECK(journal.forced_seq() == 2);
  journal.MarkForced(3);
  CHECK(journal.forced_seq() == 3);
}

TEST_CASE("a copied journal shares its past and diverges on commit") {
  Journal original;
  original.Commit(SizeChange(1, 1, "shared"));
  Journal copy = original;
  copy.Commit(SizeChange(1, 2, "only in the copy"));
  copy.MarkForced(2);
  CHECK(original.committed_seq() == 1);
  CHECK(original.forced_seq() == 0);
  CHECK(copy.committed_seq() == 2);
  CHECK(copy.txn(1).what == "shared");
}

TEST_CASE("equal histories hash equal and any difference changes the hash") {
  auto build = [](uint64_t size_bytes, bool with_names, uint64_t forced) {
    Journal journal;
    journal.Commit(SizeChange(1, 10, "a"));
    Transaction txn = SizeChange(1, size_bytes, "b");
    if (with_names) txn.names = NameTable{{"/f", 1}};
    journal.Commit(txn);
    journal.MarkForced(forced);
    return journal;
  };
  const Hash128 base = HashOf(build(20, false, 1));
  CHECK(HashOf(build(20, false, 1)) == base);
  CHECK(HashOf(build(21, false, 1)) != base);  // another after-image
  CHECK(HashOf(build(20, true, 1)) != base);   // a namespace change
  CHECK(HashOf(build(20, false, 2)) != base);  // a longer durable prefix
  Journal shorter;
  shorter.Commit(SizeChange(1, 10, "a"));
  shorter.MarkForced(1);
  CHECK(HashOf(shorter) != base);
}

}  // namespace
}  // namespace crashsim
