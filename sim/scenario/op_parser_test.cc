// Tests for op strings: every op form, the word splitting, numbers, DATA and the messages of
// malformed ops (without location: the loader adds file and pointer, see loader_test.cc).
#include "sim/scenario/op_parser.h"

#include <doctest/doctest.h>

#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

Op Parse(const std::string& text) {
  StatusOr<Op> op = ParseOp(text);
  INFO(text);
  REQUIRE(op.ok());
  return *op;
}

std::string ErrorOf(const std::string& text) {
  StatusOr<Op> op = ParseOp(text);
  if (op.ok()) return "(parsed)";
  return op.status().message();
}

Bytes B(const std::string& text) { return Bytes(text.begin(), text.end()); }

TEST_CASE("words split at spaces outside quotes and parentheses, with ':' and '=' alone") {
  StatusOr<std::vector<std::string>> words = SplitOpWords("l1:x= store m+0 'a b\\' c' fill(41, 8)");
  REQUIRE(words.ok());
  CHECK(*words ==
        std::vector<std::string>{"l1", ":", "x", "=", "store", "m+0", "'a b\\' c'", "fill(41, 8)"});
}

TEST_CASE("an unterminated quote or unbalanced parentheses are errors") {
  CHECK(ErrorOf("store m+0 'abc") == "unterminated quote in ''abc'");
  CHECK(ErrorOf("store m+0 fill(41, 8") == "unbalanced '(' in 'store m+0 fill(41, 8'");
  CHECK(ErrorOf("store m+0 41)") == "unbalanced ')' in 'store m+0 41)'");
}

TEST_CASE("a label and a result name may stand before any op") {
  const Op op = Parse("ms: r = msync m 4096 4096 sync");
  CHECK(op.kind == OpKind::kMsync);
  CHECK(op.label == "ms");
  CHECK(op.result_name == "r");
  CHECK(op.text == "ms: r = msync m 4096 4096 sync");
  const Op tight = Parse("done1:fd=open /f rw");
  CHECK(tight.label == "done1");
  CHECK(tight.result_name == "fd");
  CHECK(tight.kind == OpKind::kOpen);
  const Op plain = Parse("sfence");
  CHECK(plain.label.empty());
  CHECK(plain.result_name.empty());
}

TEST_CASE("labels and names must be identifiers") {
  CHECK(ErrorOf("1a: sfence") == "bad label '1a' (labels match [A-Za-z][A-Za-z0-9_]*)");
  CHECK(ErrorOf("f-d = open /f rw") == "bad name 'f-d' (names match [A-Za-z][A-Za-z0-9_]*)");
  CHECK(ErrorOf("x: = sfence") ==
        "unexpected '=' in 'x: = sfence' (expected [label:] [name =] op args...)");
  CHECK(ErrorOf("open /f rw = x") ==
        "unexpected '=' in 'open /f rw = x' (expected [label:] [name =] op args...)");
  CHECK(ErrorOf("x:") == "missing op in 'x:'");
  CHECK(ErrorOf("") == "missing op in ''");
}

TEST_CASE("an unknown op is named") {
  const std::string ops = " (ops: open, close, mmap, munmap, store, ntstore, load, clwb, clflushopt, clflush, flush, persist, sfence, mfence, pwrite, write, pwritev, writev, pread, lseek, fsync, fdatasync, msync, sync, syncfs, sync_file_range, fallocate, seal, unseal, ftruncate, truncate, reflink, dedupe, swapext, creat, unlink, rename, link, symlink, mkdir, rmdir, barrier)";
  CHECK(ErrorOf("fsnyc fd") == "unknown op 'fsnyc'; did you mean 'fsync'?" + ops);
  CHECK(ErrorOf("l: FSYNC fd") == "unknown op 'FSYNC'; did you mean 'fsync'?" + ops);
  CHECK(ErrorOf("wirte fd 'x'") == "unknown op 'wirte'; did you mean 'write'?" + ops);
  CHECK(ErrorOf("mkfifo /d") == "unknown op 'mkfifo'" + ops);
}

TEST_CASE("open takes a path, one access mode and optional flags in any order") {
  const Op op = Parse("fd = open /d/f rw direct dsync sync creat");
  CHECK(op.kind == OpKind::kOpen);
  CHECK(op.path == "/d/f");
  CHECK(op.open_read);
  CHECK(op.open_write);
  CHECK(op.direct);
  CHECK(op.dsync);
  CHECK(op.osync);
  CHECK(op.creat);
  CHECK_FALSE(op.excl);
  CHECK_FALSE(op.append);
  CHECK_FALSE(op.trunc);
  const Op ro = Parse("fd = open /f creat ro");
  CHECK(ro.open_read);
  CHECK_FALSE(ro.open_write);
  CHECK(ro.creat);
  CHECK_FALSE(ro.direct);
  const Op wo = Parse("fd = open /f trunc append wo excl creat");
  CHECK_FALSE(wo.open_read);
  CHECK(wo.open_write);
  CHECK(wo.trunc);
  CHECK(wo.append);
  CHECK(wo.excl);
  CHECK(wo.creat);
}

TEST_CASE("open rejects a missing or doubled access mode, unknown or repeated flags, excl alone") {
  CHECK(ErrorOf("fd = open /f") ==
        "open takes at least 2 arguments, got 1 (usage: fd = open PATH rw|ro|wo [direct] "
        "[dsync] [sync] [creat] [excl] [append] [trunc])");
  CHECK(ErrorOf("fd = open /f direct") == "open: missing access mode 'rw', 'ro' or 'wo'");
  CHECK(ErrorOf("fd = open /f rw ro") == "open: more than one of 'rw', 'ro' and 'wo' given");
  CHECK(ErrorOf("fd = open /f wo rw") == "open: more than one of 'rw', 'ro' and 'wo' given");
  CHECK(ErrorOf("fd = open /f rw rw") == "open: flag 'rw' given twice");
  CHECK(ErrorOf("fd = open /f rw append append") == "open: flag 'append' given twice");
  CHECK(ErrorOf("fd = open /f rw odirect") ==
        "open: unknown flag 'odirect' (expected rw|ro|wo [direct] [dsync] [sync] [creat] [excl] "
        "[append] [trunc])");
  CHECK(ErrorOf("fd = open /f rw excl") ==
        "open: 'excl' (O_EXCL) takes effect only with 'creat' (O_CREAT)");
  CHECK(ErrorOf("fd = open f rw") == "open: path 'f' is not absolute");
}

TEST_CASE("mmap takes fd, offset, length, a mapping type and optional validate and sync") {
  const Op op = Parse("m = mmap fd 0x1000 8192 shared validate sync");
  CHECK(op.kind == OpKind::kMmap);
  CHECK(op.result_name == "m");
  CHECK(op.fd == "fd");
  CHECK(op.offset == 4096);
  CHECK(op.length == 8192);
  CHECK(op.shared);
  CHECK(op.validate);
  CHECK(op.map_sync);
  const Op priv = Parse("m = mmap fd 0 4096 private");
  CHECK_FALSE(priv.shared);
  CHECK_FALSE(priv.validate);
  CHECK_FALSE(priv.map_sync);
  const Op trap = Parse("m = mmap fd 0 4096 sync shared");
  CHECK(trap.shared);
  CHECK(trap.map_sync);
  CHECK_FALSE(trap.validate);
}

TEST_CASE("mmap rejects bad flags") {
  CHECK(ErrorOf("m = mmap fd 0 4096") ==
        "mmap takes at least 4 arguments, got 3 (usage: m = mmap FD OFFSET LENGTH "
        "shared|private [validate] [sync])");
  CHECK(ErrorOf("m = mmap fd 0 4096 validate") ==
        "mmap: missing mapping type 'shared' or 'private'");
  CHECK(ErrorOf("m = mmap fd 0 4096 shared private") == "mmap: both 'shared' and 'private' given");
  CHECK(ErrorOf("m = mmap fd 0 4096 shard") ==
        "mmap: unknown flag 'shard' (expected shared|private [validate] [sync])");
  CHECK(ErrorOf("m = mmap fd 0 4096 shared sync sync") == "mmap: flag 'sync' given twice");
  CHECK(ErrorOf("m = mmap fd 0 4096 private validate") ==
        "mmap: 'validate' (MAP_SHARED_VALIDATE) is a shared mapping type and cannot be "
        "'private'");
}

TEST_CASE("ops on one file descriptor take its name") {
  const struct {
    const char* text;
    OpKind kind;
  } cases[] = {{"close fd", OpKind::kClose},         {"fsync fd", OpKind::kFsync},
               {"fdatasync fd", OpKind::kFdatasync}, {"syncfs fd", OpKind::kSyncfs},
               {"seal fd", OpKind::kSeal},           {"unseal fd", OpKind::kUnseal}};
  for (const auto& c : cases) {
    const Op op = Parse(c.text);
    CHECK(op.kind == c.kind);
    CHECK(op.fd == "fd");
  }
  CHECK(ErrorOf("fsync") == "fsync takes 1 argument, got 0 (usage: fsync FD)");
  CHECK(ErrorOf("fsync fd fd") == "fsync takes 1 argument, got 2 (usage: fsync FD)");
  CHECK(ErrorOf("close 3") ==
        "close: bad file descriptor name '3' (names match [A-Za-z][A-Za-z0-9_]*)");
}

TEST_CASE("munmap takes a mapping name") {
  const Op op = Parse("munmap m");
  CHECK(op.kind == OpKind::kMunmap);
  CHECK(op.mapping == "m");
  CHECK(ErrorOf("munmap m+0") ==
        "munmap: bad mapping name 'm+0' (names match [A-Za-z][A-Za-z0-9_]*)");
}

TEST_CASE("store and ntstore write DATA at an address") {
  const Op op = Parse("store m+4096 'Y'");
  CHECK(op.kind == OpKind::kStore);
  CHECK(op.mapping == "m");
  CHECK(op.offset == 4096);
  CHECK(op.data == B("Y"));
  const Op nt = Parse("ntstore m2+0x40 0x0100");
  CHECK(nt.kind == OpKind::kNtStore);
  CHECK(nt.mapping == "m2");
  CHECK(nt.offset == 64);
  CHECK(nt.data == Bytes{0x01, 0x00});
  CHECK(ErrorOf("store m+0 ''") == "store: empty data (a store writes at least one byte)");
  CHECK(ErrorOf("store m 'a'") == "store: bad address 'm' (expected MAPPING+OFFSET, e.g. m+0)");
  CHECK(ErrorOf("store 1m+0 'a'") ==
        "store: bad address '1m+0': mapping name '1m' does not match [A-Za-z][A-Za-z0-9_]*");
  CHECK(ErrorOf("store m+x 'a'") ==
        "store: bad address 'm+x': offset 'x' is not a number (decimal or 0x hex)");
}

TEST_CASE("DATA is quoted text, a byte string in address order, or a fill") {
  CHECK(Parse("store m+0 'it\\'s \\\\ ok'").data == B("it's \\ ok"));
  CHECK(Parse("store m+0 'a b'").data == B("a b"));
  CHECK(Parse("store m+0 0xDEadbeef").data == Bytes{0xde, 0xad, 0xbe, 0xef});
  CHECK(Parse("store m+0 fill(41, 3)").data == B("AAA"));
  CHECK(Parse("store m+0 fill(ff,0x2)").data == Bytes{0xff, 0xff});
  CHECK(ErrorOf("store m+0 'a\\nb'") ==
        "store: unknown escape '\\n' in text 'a\\nb' (only \\' and \\\\ are escapes)");
  CHECK(ErrorOf("store m+0 0x123") ==
        "store: byte string '0x123' has an odd number of hex digits (two per byte)");
  CHECK(ErrorOf("store m+0 0x") == "store: byte string '0x' has no hex digits");
  CHECK(ErrorOf("store m+0 0x1g") ==
        "store: byte string '0x1g' has a character that is not a hex digit");
  CHECK(ErrorOf("store m+0 fill(4, 8)") ==
        "store: bad fill 'fill(4, 8)': expected one byte as two hex digits without 0x (\"41\" is "
        "'A'), got '4'");
  CHECK(ErrorOf("store m+0 fill(41)") ==
        "store: bad fill 'fill(41)': expected fill(HH, N): a byte as two hex digits and a count");
  CHECK(ErrorOf("store m+0 fill(41, -1)") ==
        "store: bad fill 'fill(41, -1)': count '-1' is negative");
  CHECK(ErrorOf("store m+0 fill(41, 16777217)") ==
        "store: fill 'fill(41, 16777217)' is larger than the 16 MiB a DATA value may hold");
  CHECK(ErrorOf("store m+0 41") ==
        "store: bad data '41' (expected 'text', 0xHHHH... or fill(HH, N))");
}

TEST_CASE("load, flush and persist take an address and a length") {
  const Op load = Parse("x = load m+8 0x10");
  CHECK(load.kind == OpKind::kLoad);
  CHECK(load.result_name == "x");
  CHECK(load.mapping == "m");
  CHECK(load.offset == 8);
  CHECK(load.length == 16);
  CHECK(Parse("load m+0 1").result_name.empty());
  CHECK(Parse("flush m+0 4096").kind == OpKind::kFlush);
  const Op persist = Parse("persist m+64 128");
  CHECK(persist.kind == OpKind::kPersist);
  CHECK(persist.offset == 64);
  CHECK(persist.length == 128);
  CHECK(ErrorOf("flush m+0") == "flush takes 2 arguments, got 1 (usage: flush M+OFFSET LENGTH)");
}

TEST_CASE("cache-line flushes take an address") {
  CHECK(Parse("clwb m+0").kind == OpKind::kClwb);
  CHECK(Parse("clflushopt m+64").offset == 64);
  CHECK(Parse("clflush m+128").kind == OpKind::kClflush);
  CHECK(ErrorOf("clwb m+0 64") == "clwb takes 1 argument, got 2 (usage: clwb M+OFFSET)");
}

TEST_CASE("fences, sync take no arguments") {
  CHECK(Parse("sfence").kind == OpKind::kSfence);
  CHECK(Parse("mfence").kind == OpKind::kMfence);
  CHECK(Parse("s: sync").kind == OpKind::kSync);
  CHECK(ErrorOf("sfence m") == "sfence takes 0 arguments, got 1 (usage: sfence)");
}

TEST_CASE("pwrite and pread take an fd, an offset and DATA or a length") {
  const Op write = Parse("pwrite fd 4096 fill(57, 4096)");
  CHECK(write.kind == OpKind::kPwrite);
  CHECK(write.fd == "fd");
  CHECK(write.offset == 4096);
  CHECK(write.data == Bytes(4096, 0x57));
  CHECK(Parse("pwrite fd 0 ''").data.empty());
  const Op read = Parse("v = pread fd 0 8");
  CHECK(read.kind == OpKind::kPread);
  CHECK(read.result_name == "v");
  CHECK(read.length == 8);
  CHECK(ErrorOf("pwrite fd -1 'a'") == "pwrite: bad offset: '-1' is negative");
}

TEST_CASE("msync takes a mapping, a range relative to it and sync or async") {
  const Op op = Parse("msync m 4096 4096 sync");
  CHECK(op.kind == OpKind::kMsync);
  CHECK(op.mapping == "m");
  CHECK(op.offset == 4096);
  CHECK(op.length == 4096);
  CHECK(op.msync_sync);
  CHECK_FALSE(Parse("msync m 0 4096 async").msync_sync);
  CHECK(ErrorOf("msync m 0 4096 now") == "msync: expected 'sync' or 'async', got 'now'");
}

TEST_CASE("fallocate takes every mode of the format") {
  const struct {
    const char* mode;
    FallocMode value;
  } modes[] = {{"alloc", FallocMode::kAlloc},
               {"keep-size", FallocMode::kKeepSize},
               {"punch-hole", FallocMode::kPunchHole},
               {"zero-range", FallocMode::kZeroRange},
               {"collapse-range", FallocMode::kCollapseRange},
               {"insert-range", FallocMode::kInsertRange},
               {"unshare-range", FallocMode::kUnshareRange},
               {"write-zeroes", FallocMode::kWriteZeroes}};
  for (const auto& m : modes) {
    const Op op = Parse(std::string("fallocate fd ") + m.mode + " 16384 0x4000");
    CHECK(op.kind == OpKind::kFallocate);
    CHECK(op.falloc_mode == m.value);
    CHECK(op.offset == 16384);
    CHECK(op.length == 16384);
    CHECK(std::string(FallocModeName(m.value)) == m.mode);
  }
  CHECK(ErrorOf("fallocate fd punch 0 4096") ==
        "fallocate: unknown mode 'punch' (expected alloc, keep-size, punch-hole, zero-range, "
        "collapse-range, insert-range, unshare-range or write-zeroes)");
}

TEST_CASE("ftruncate, reflink, dedupe and swapext take their fds and numbers") {
  const Op truncate = Parse("ftruncate fd 2097152");
  CHECK(truncate.kind == OpKind::kFtruncate);
  CHECK(truncate.length == 2097152);
  const Op reflink = Parse("reflink fd 0 g 4096 8192");
  CHECK(reflink.kind == OpKind::kReflink);
  CHECK(reflink.fd == "fd");
  CHECK(reflink.offset == 0);
  CHECK(reflink.fd2 == "g");
  CHECK(reflink.offset2 == 4096);
  CHECK(reflink.length == 8192);
  CHECK(Parse("dedupe fd 0 g 0 4096").kind == OpKind::kDedupe);
  const Op swap = Parse("swapext fd g");
  CHECK(swap.kind == OpKind::kSwapext);
  CHECK(swap.fd2 == "g");
  CHECK(ErrorOf("reflink fd 0 g 0") ==
        "reflink takes 5 arguments, got 4 (usage: reflink FD OFFSET FD2 OFFSET2 LENGTH)");
}

TEST_CASE("namespace ops take absolute paths") {
  CHECK(Parse("creat /d/new").path == "/d/new");
  CHECK(Parse("unlink /f").kind == OpKind::kUnlink);
  const Op rename = Parse("rename /d/a.tmp /d/a");
  CHECK(rename.kind == OpKind::kRename);
  CHECK(rename.path == "/d/a.tmp");
  CHECK(rename.path2 == "/d/a");
  CHECK(ErrorOf("creat f") == "creat: path 'f' is not absolute");
  CHECK(ErrorOf("unlink /a//b") ==
        "unlink: bad path '/a//b': expected an absolute path of '/'-separated names made of "
        "A-Za-z0-9 . _ -, without '.' or '..' components, empty components or a trailing '/'");
  CHECK(ErrorOf("rename /a /") ==
        "rename: path '/' is the root directory, not a file or directory name");
}

TEST_CASE("write takes an fd and DATA; writev and pwritev one DATA or more, joined") {
  const Op write = Parse("n = write fd 'abc'");
  CHECK(write.kind == OpKind::kWrite);
  CHECK(write.fd == "fd");
  CHECK(write.data == B("abc"));
  CHECK(write.buffers.empty());
  const Op writev = Parse("writev fd 'ab' fill(00, 2) 0x43");
  CHECK(writev.kind == OpKind::kWritev);
  CHECK(writev.buffers == std::vector<Bytes>{B("ab"), Bytes{0, 0}, B("C")});
  CHECK(writev.data == Bytes{'a', 'b', 0, 0, 'C'});
  const Op pwritev = Parse("pwritev fd 4096 'x' 'yz'");
  CHECK(pwritev.kind == OpKind::kPwritev);
  CHECK(pwritev.offset == 4096);
  CHECK(pwritev.buffers.size() == 2);
  CHECK(pwritev.data == B("xyz"));
  CHECK(ErrorOf("write fd") == "write takes 2 arguments, got 1 (usage: write FD DATA)");
  CHECK(ErrorOf("writev fd") ==
        "writev takes at least 2 arguments, got 1 (usage: writev FD DATA DATA...)");
  CHECK(ErrorOf("pwritev fd 0") ==
        "pwritev takes at least 3 arguments, got 2 (usage: pwritev FD OFFSET DATA DATA...)");
  CHECK(ErrorOf("writev fd 'a' 4") ==
        "writev: bad data '4' (expected 'text', 0xHHHH... or fill(HH, N))");
  CHECK(ErrorOf("pwritev fd 0x7fffffffffffffff 'a' 'b'") ==
        "pwritev range 9223372036854775807 + 2 passes the largest file offset, 2^63 - 1");
  CHECK(ErrorOf("writev fd fill(41, 16777216) 'a'") ==
        "writev: the buffers hold more than 16777216 bytes together");
}

TEST_CASE("lseek takes an fd, an offset that may be negative and a whence") {
  const Op set = Parse("p = lseek fd 4096 set");
  CHECK(set.kind == OpKind::kLseek);
  CHECK(set.seek_offset == 4096);
  CHECK(set.whence == Whence::kSet);
  CHECK(Parse("lseek fd -10 end").seek_offset == -10);
  CHECK(Parse("lseek fd -0x10 cur").seek_offset == -16);
  CHECK(Parse("lseek fd 0 data").whence == Whence::kData);
  CHECK(Parse("lseek fd 0 hole").whence == Whence::kHole);
  CHECK(Parse("lseek fd -9223372036854775807 cur").seek_offset == -9223372036854775807LL);
  CHECK(ErrorOf("lseek fd 0 middle") ==
        "lseek: unknown whence 'middle' (expected set, cur, end, data or hole)");
  CHECK(ErrorOf("lseek fd 9223372036854775808 set") ==
        "lseek: bad offset: '9223372036854775808' is beyond 2^63 - 1");
  CHECK(ErrorOf("lseek fd --1 set") ==
        "lseek: bad offset: '--1' is not a number (an optional '-', then decimal or 0x hex)");
  CHECK(ErrorOf("lseek fd x set") == "lseek: bad offset: 'x' is not a number (decimal or 0x hex)");
  CHECK(ErrorOf("lseek fd 0") ==
        "lseek takes 3 arguments, got 2 (usage: lseek FD OFFSET set|cur|end|data|hole)");
}

TEST_CASE("sync_file_range takes a range and any of its three flags") {
  const Op all = Parse("s: sync_file_range fd 0 0 wait_after write wait_before");
  CHECK(all.kind == OpKind::kSyncFileRange);
  CHECK(all.offset == 0);
  CHECK(all.length == 0);
  CHECK(all.range_flags == (kRangeWaitBefore | kRangeWrite | kRangeWaitAfter));
  CHECK(Parse("sync_file_range fd 4096 8192 write").range_flags == kRangeWrite);
  CHECK(Parse("sync_file_range fd 0 4096").range_flags == 0);
  CHECK(ErrorOf("sync_file_range fd 0 4096 write write") ==
        "sync_file_range: flag 'write' given twice");
  CHECK(ErrorOf("sync_file_range fd 0 4096 wait") ==
        "sync_file_range: unknown flag 'wait' (expected any of wait_before, write, wait_after)");
  CHECK(ErrorOf("sync_file_range fd 0") ==
        "sync_file_range takes at least 3 arguments, got 2 (usage: sync_file_range FD OFFSET "
        "LENGTH [wait_before] [write] [wait_after])");
}

TEST_CASE("directory, link and truncate ops take paths; rename takes one optional flag") {
  CHECK(Parse("mkdir /d/e").kind == OpKind::kMkdir);
  CHECK(Parse("rmdir /d/e").path == "/d/e");
  const Op link = Parse("link /a /b");
  CHECK(link.kind == OpKind::kLink);
  CHECK(link.path == "/a");
  CHECK(link.path2 == "/b");
  const Op symlink = Parse("symlink ../x/./y /d/l");
  CHECK(symlink.kind == OpKind::kSymlink);
  CHECK(symlink.target == "../x/./y");
  CHECK(symlink.path == "/d/l");
  CHECK(Parse("symlink / /root").target == "/");
  const Op truncate = Parse("truncate /f 100");
  CHECK(truncate.kind == OpKind::kTruncate);
  CHECK(truncate.length == 100);
  CHECK(Parse("rename /a /b noreplace").noreplace);
  CHECK_FALSE(Parse("rename /a /b noreplace").exchange);
  CHECK(Parse("rename /a /b exchange").exchange);
  const Op plain = Parse("rename /a /b");
  CHECK_FALSE(plain.noreplace);
  CHECK_FALSE(plain.exchange);
  CHECK(ErrorOf("rename /a /b whiteout") ==
        "rename: unknown flag 'whiteout' (expected noreplace or exchange)");
  CHECK(ErrorOf("rename /a /b noreplace exchange") ==
        "rename takes 3 arguments, got 4 (usage: rename PATH PATH2 [noreplace|exchange])");
  CHECK(ErrorOf("symlink a//b /l") ==
        "symlink: bad symlink target 'a//b': expected a path of '/'-separated names made of "
        "A-Za-z0-9 . _ -, without empty names or a trailing '/'");
  CHECK(ErrorOf("symlink a/ /l") ==
        "symlink: bad symlink target 'a/': expected a path of '/'-separated names made of "
        "A-Za-z0-9 . _ -, without empty names or a trailing '/'");
  CHECK(ErrorOf("mkdir d") == "mkdir: path 'd' is not absolute");
  CHECK(ErrorOf("link /a") == "link takes 2 arguments, got 1 (usage: link PATH PATH2)");
  CHECK(ErrorOf("truncate /f") ==
        "truncate takes 2 arguments, got 1 (usage: truncate PATH LENGTH)");
}

TEST_CASE("barrier takes a name") {
  const Op op = Parse("barrier b1");
  CHECK(op.kind == OpKind::kBarrier);
  CHECK(op.barrier == "b1");
  CHECK(ErrorOf("barrier 1b") ==
        "barrier: bad barrier name '1b' (names match [A-Za-z][A-Za-z0-9_]*)");
}

TEST_CASE("numbers are decimal or hex, never negative, and fit in 64 bits") {
  CHECK(*ParseNumber("0") == 0);
  CHECK(*ParseNumber("18446744073709551615") == UINT64_MAX);
  CHECK(*ParseNumber("0xFFFFFFFFFFFFFFFF") == UINT64_MAX);
  CHECK(ParseNumber("18446744073709551616").status().message() ==
        "'18446744073709551616' does not fit in 64 bits");
  CHECK(ParseNumber("0x10000000000000000").status().message() ==
        "'0x10000000000000000' does not fit in 64 bits");
  CHECK(ParseNumber("0x").status().message() == "'0x' has no hex digits");
  CHECK(ParseNumber("12k").status().message() == "'12k' is not a number (decimal or 0x hex)");
  CHECK(ErrorOf("pread fd 18446744073709551616 1") ==
        "pread: bad offset: '18446744073709551616' does not fit in 64 bits");
}

TEST_CASE("an offset plus a length may not pass the largest file offset") {
  CHECK(ErrorOf("pread fd 0x7fffffffffffffff 1") ==
        "pread range 9223372036854775807 + 1 passes the largest file offset, 2^63 - 1");
  CHECK(ErrorOf("store m+0xffffffffffffffff 'a'") ==
        "store range 18446744073709551615 + 1 passes the largest file offset, 2^63 - 1");
  CHECK(ErrorOf("reflink fd 0 g 0x7ffffffffffff000 0x2000") ==
        "reflink range 9223372036854771712 + 8192 passes the largest file offset, 2^63 - 1");
  CHECK(Parse("pread fd 0x7ffffffffffffffe 1").offset == 0x7ffffffffffffffeULL);
}

TEST_CASE("every op kind has a spelling that parses back") {
  for (int i = 0; i <= static_cast<int>(OpKind::kTruncate); ++i) {
    const auto kind = static_cast<OpKind>(i);
    OpKind parsed = OpKind::kSfence;
    CHECK(ParseOpKind(OpKindName(kind), &parsed));
    CHECK(parsed == kind);
    CHECK(std::string(OpUsage(kind)).find(OpKindName(kind)) != std::string::npos);
  }
}

}  // namespace
}  // namespace crashsim
