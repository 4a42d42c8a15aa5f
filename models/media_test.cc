// Media: the initial image reads as the scenario laid it out (files' fills with their origins,
// the stale byte elsewhere), writes land byte-exact across block boundaries, and copies are
// independent values even though they share blocks until one is written.
#include "models/media.h"

#include <doctest/doctest.h>

#include <memory>

namespace crashsim {
namespace {

std::shared_ptr<const InitialImage> TwoFileBlocksAndStaleSpace() {
  auto initial = std::make_shared<InitialImage>();
  initial->block_size = 4096;
  initial->free_fill = 0x5a;
  initial->free_origin = kOriginStale;
  initial->file_runs[0] = InitialImage::FileRun{1, 0, 1, 'F'};
  initial->file_runs[2] = InitialImage::FileRun{2, 3, 1, 'G'};
  return initial;
}

TEST_CASE("the initial image holds each file's fill at its blocks and the stale byte elsewhere") {
  const Media media(TwoFileBlocksAndStaleSpace());
  const Tagged first = media.Read(0, 4096);
  CHECK(first.bytes == std::vector<uint8_t>(4096, 'F'));
  CHECK(first.origins[0] == DataOrigin(1, 0));
  CHECK(first.origins[4095] == DataOrigin(1, 4095));
  const Tagged free_block = media.Read(4096, 16);
  CHECK(free_block.bytes == std::vector<uint8_t>(16, 0x5a));
  CHECK(free_block.origins == std::vector<Origin>(16, kOriginStale));
  // Block 2 is file 2's block 3: origins name that file offset, not the device address.
  const Tagged third = media.Read(2 * 4096 + 10, 1);
  CHECK(third.bytes[0] == 'G');
  CHECK(third.origins[0] == DataOrigin(2, 3 * 4096 + 10));
  CHECK(media.written_blocks().empty());
}

TEST_CASE("without a stale byte free space reads as zeroes") {
  const Media media(std::make_shared<InitialImage>());
  const Tagged bytes = media.Read(123456, 8);
  CHECK(bytes.bytes == std::vector<uint8_t>(8, 0));
  CHECK(bytes.origins == std::vector<Origin>(8, kOriginZero));
}

TEST_CASE("a write spanning two blocks changes exactly its bytes") {
  Media media(TwoFileBlocksAndStaleSpace());
  media.Write(4094, TagFileData(7, 0, {'a', 'b', 'c', 'd'}));
  const Tagged around = media.Read(4092, 8);
  CHECK(around.bytes == std::vector<uint8_t>{'F', 'F', 'a', 'b', 'c', 'd', 0x5a, 0x5a});
  CHECK(around.origins[1] == DataOrigin(1, 4093));
  CHECK(around.origins[2] == DataOrigin(7, 0));
  CHECK(around.origins[5] == DataOrigin(7, 3));
  CHECK(around.origins[6] == kOriginStale);
  CHECK(media.written_blocks().size() == 2);
}

TEST_CASE("successive writes to one block keep each other's bytes and the initial ones") {
  Media media(TwoFileBlocksAndStaleSpace());
  media.Write(10, TagFileData(7, 0, {'a'}));  // the block's first write: the rest stays 'F'
  media.Write(12, TagFileData(7, 2, {'c'}));  // written in place: no other copy holds the block
  const Tagged around = media.Read(9, 5);
  CHECK(around.bytes == std::vector<uint8_t>{'F', 'a', 'F', 'c', 'F'});
  CHECK(around.origins[0] == DataOrigin(1, 9));
  CHECK(around.origins[3] == DataOrigin(7, 2));
}

TEST_CASE("copying a Media and writing one leaves the other unchanged") {
  Media original(TwoFileBlocksAndStaleSpace());
  original.Write(0, TagFileData(1, 0, {'o'}));
  Media copy = original;
  copy.Write(0, TagFileData(1, 0, {'c'}));       // a block both already hold
  copy.Write(4096, TagFileData(9, 0, {'n'}));    // a block neither had written
  CHECK(original.Read(0, 1).bytes[0] == 'o');
  CHECK(original.Read(4096, 1).bytes[0] == 0x5a);
  CHECK(original.written_blocks().size() == 1);
  CHECK(copy.Read(0, 1).bytes[0] == 'c');
  CHECK(copy.Read(4096, 1).bytes[0] == 'n');
  // And the other way round.
  original.Write(1, TagFileData(1, 1, {'p'}));
  CHECK(copy.Read(1, 1).bytes[0] == 'F');
  CHECK(original.Read(1, 1).bytes[0] == 'p');
}

TEST_CASE("a written block's digest follows its contents, written in place or copied") {
  Media media(TwoFileBlocksAndStaleSpace());
  media.Write(10, TagFileData(7, 0, {'a'}));
  const WrittenBlock& block = *media.written_blocks().at(0);
  const Hash128 first = block.Digest();  // kept with the block
  media.Write(12, TagFileData(7, 2, {'c'}));  // in place: the same block, its digest dropped
  REQUIRE(&block == media.written_blocks().at(0).get());
  Media fresh(TwoFileBlocksAndStaleSpace());
  fresh.Write(10, TagFileData(7, 0, {'a'}));
  fresh.Write(12, TagFileData(7, 2, {'c'}));
  CHECK(block.Digest() != first);
  CHECK(block.Digest() == fresh.written_blocks().at(0)->Digest());
  // Origins count as well as bytes.
  Media other_origin(TwoFileBlocksAndStaleSpace());
  other_origin.Write(10, TagFileData(7, 0, {'a'}));
  other_origin.Write(12, TagFileData(8, 2, {'c'}));
  CHECK(other_origin.written_blocks().at(0)->Digest() != block.Digest());
  // A copy shares the block and its digest; writing the copy leaves the original's alone.
  Media copy = media;
  const Hash128 shared = media.written_blocks().at(0)->Digest();
  copy.Write(11, TagFileData(7, 1, {'b'}));
  CHECK(media.written_blocks().at(0)->Digest() == shared);
  CHECK(copy.written_blocks().at(0)->Digest() != shared);
}

TEST_CASE("a block put whole is shared until one Media writes it") {
  Media first(TwoFileBlocksAndStaleSpace());
  Media second = first;
  auto block = std::make_shared<WrittenBlock>();
  block->data = TagFileData(3, 0, std::vector<uint8_t>(4096, 'P'));
  first.PutBlock(1, block);
  second.PutBlock(1, block);
  CHECK(first.written_blocks().at(1) == second.written_blocks().at(1));  // one block
  CHECK(first.Read(4096, 4096).bytes == std::vector<uint8_t>(4096, 'P'));
  second.Write(4096 + 10, TagFileData(3, 10, {'W'}));
  CHECK(second.Read(4096 + 10, 1).bytes[0] == 'W');
  CHECK(first.Read(4096 + 10, 1).bytes[0] == 'P');  // the shared block was copied first
  CHECK(block->data.bytes[10] == 'P');
}

}  // namespace
}  // namespace crashsim
