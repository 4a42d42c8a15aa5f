// Tests for the loader: the format's example, defaults, and one test per class of error, each
// asserting the whole message: file, JSON pointer, text.
#include "sim/scenario/loader.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace crashsim {
namespace {

using Json = nlohmann::ordered_json;

// A small valid scenario that the error tests change in one place each.
Json Base() {
  return Json::parse(R"({
    "crashsim": 1,
    "name": "t",
    "files": { "/f": { "size": 8192, "layout": "written", "fill": "00" } },
    "processes": {
      "P1": ["fd = open /f rw", "m = mmap fd 0 8192 shared", "x = load m+0 1", "l: fsync fd"],
      "P2": ["g = open /f ro", "v = pread g 0 2", "k: close g"]
    }
  })");
}

std::string ErrorOfText(const std::string& text) {
  StatusOr<Scenario> scenario = LoadScenarioText(text, "s.json");
  if (scenario.ok()) return "(loaded)";
  return scenario.status().message();
}

std::string ErrorOf(const Json& json) { return ErrorOfText(json.dump()); }

Scenario Load(const Json& json) {
  StatusOr<Scenario> scenario = LoadScenarioText(json.dump(), "s.json");
  INFO(json.dump());
  if (!scenario.ok()) INFO(scenario.status().message());
  REQUIRE(scenario.ok());
  return *scenario;
}

Json WithProgram(std::vector<std::string> ops) {
  Json json = Base();
  json["processes"]["P1"] = ops;
  return json;
}

Json WithAssert(const std::string& check) {
  Json json = Base();
  json["assert"] = Json::array({{{"name", "a"}, {"check", check}}});
  return json;
}

constexpr const char* kFormatExample = R"({
  "crashsim": 1,
  "name": "mixed-mode-fsync",
  "doc": "One process flushes from userspace, another relies on fsync (seed mail, L7).",
  "models": ["kernel-tracked", "map-sync", "daxfile-untracked", "daxfile-tracked", "per-vma"],
  "config": { "platform": "adr" },
  "files": { "/f": { "size": 8192, "layout": "written", "fill": "00", "dax": true, "sealed": true } },
  "processes": {
    "P1": ["fd = open /f rw", "m = mmap fd 0 4096 shared validate sync", "store m+0 'S'", "clwb m+0", "sfence"],
    "P2": ["fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+4096 'Y'", "ms: msync m 4096 4096 sync"]
  },
  "assert": [ { "name": "y-durable", "after": "P2.ms", "check": "/f[4096:4097] == 'Y'" } ],
  "expect": { "daxfile-untracked": ["msync", "y-durable"], "*": [] }
})";

TEST_CASE("the example of the format's top level loads, every value in place") {
  StatusOr<Scenario> loaded = LoadScenarioText(kFormatExample, "scenarios/l7.json");
  REQUIRE(loaded.ok());
  const Scenario& s = *loaded;
  CHECK(s.source_path == "scenarios/l7.json");
  CHECK(s.name == "mixed-mode-fsync");
  CHECK(s.doc.find("seed mail") != std::string::npos);
  CHECK(s.designs == std::vector<Design>(std::begin(kAllDesigns), std::end(kAllDesigns)));
  CHECK(s.config.platform == Platform::kAdr);
  REQUIRE(s.files.size() == 1);
  CHECK(s.files[0].path == "/f");
  CHECK(s.files[0].size_bytes == 8192);
  CHECK(s.files[0].dax);
  CHECK(s.files[0].sealed);
  REQUIRE(s.files[0].pieces.size() == 1);
  CHECK(s.files[0].pieces[0].offset_bytes == 0);
  CHECK(s.files[0].pieces[0].length_bytes == 8192);
  CHECK(s.files[0].pieces[0].layout == Layout::kWritten);
  CHECK(s.files[0].pieces[0].fill == 0);
  REQUIRE(s.processes.size() == 2);
  CHECK(s.processes[0].name == "P1");
  CHECK(s.processes[1].name == "P2");
  const Op& msync = s.processes[1].program[3];
  CHECK(msync.kind == OpKind::kMsync);
  CHECK(msync.label == "ms");
  CHECK(msync.pointer == "/processes/P2/3");
  CHECK(msync.text == "ms: msync m 4096 4096 sync");
  REQUIRE(s.assertions.size() == 1);
  CHECK(s.assertions[0].name == "y-durable");
  CHECK(s.assertions[0].after == std::make_pair(std::string("P2"), std::string("ms")));
  CHECK(s.assertions[0].check.kind == Expr::Kind::kRangeEq);
  CHECK(s.assertions[0].pointer == "/assert/0");
  CHECK(s.assertions[0].text == "/f[4096:4097] == 'Y'");
  CHECK(s.expect.at(Design::kDaxfileUntracked) == std::set<std::string>{"msync", "y-durable"});
  CHECK(s.expect.at(Design::kKernelTracked).empty());
  CHECK(s.expect.at(Design::kPerVma).empty());
  CHECK(s.expect.size() == 5);
}

TEST_CASE("absent optional keys take the documented defaults") {
  const Scenario s = Load(Base());
  CHECK(s.doc.empty());
  CHECK(s.designs == std::vector<Design>(std::begin(kAllDesigns), std::end(kAllDesigns)));
  CHECK(s.config.platform == Platform::kAdr);
  CHECK(s.config.fs == FsKind::kXfs);
  CHECK(s.config.device_cache == DeviceCache::kVolatileFua);
  CHECK(s.config.delalloc == Delalloc::kUnwrittenUntilIo);
  CHECK(s.config.name_space == Namespace::kJournalPrefix);
  CHECK(s.config.block_size == 4096);
  CHECK(s.config.sector_bytes == 4096);
  CHECK(s.config.background == Background::kExplore);
  CHECK(s.config.privileged_all);
  CHECK(s.order == Order::kInterleave);
  CHECK(s.dirs.empty());
  CHECK_FALSE(s.stale_fill.has_value());
  CHECK_FALSE(s.files[0].dax);
  CHECK_FALSE(s.files[0].sealed);
  CHECK(s.assertions.empty());
  REQUIRE(s.expect.size() == 5);
  for (const auto& [design, names] : s.expect) CHECK(names.empty());
}

TEST_CASE("every config value is read") {
  Json json = Base();
  json["config"] = {{"platform", "eadr"},           {"fs", "ext4-writeback"},
                    {"device_cache", "none"},       {"delalloc", "written-before-data"},
                    {"namespace", "posix-minimal"}, {"block_size", 4096},
                    {"sector_bytes", 512},          {"background", "none"},
                    {"privileged", {"P2", "P2"}}};
  const Scenario s = Load(json);
  CHECK(s.config.platform == Platform::kEadr);
  CHECK(s.config.fs == FsKind::kExt4Writeback);
  CHECK(s.config.device_cache == DeviceCache::kNone);
  CHECK(s.config.delalloc == Delalloc::kWrittenBeforeData);
  CHECK(s.config.name_space == Namespace::kPosixMinimal);
  CHECK(s.config.sector_bytes == 512);
  CHECK(s.config.background == Background::kNone);
  CHECK_FALSE(s.config.privileged_all);
  CHECK(s.config.privileged == std::vector<std::string>{"P2"});
  json["config"] = {{"privileged", Json::array()}};
  const Scenario none = Load(json);
  CHECK_FALSE(none.config.privileged_all);
  CHECK(none.config.privileged.empty());
}

TEST_CASE("models are kept in the canonical order without duplicates") {
  Json json = Base();
  json["models"] = {"per-vma", "kernel-tracked", "per-vma"};
  const Scenario s = Load(json);
  CHECK(s.designs == std::vector<Design>{Design::kKernelTracked, Design::kPerVma});
  CHECK(s.expect.size() == 2);
}

TEST_CASE("expect resolves per model, with '*' as the default for models not named") {
  Json json = Base();
  json["assert"] = Json::array({{{"name", "mine"}, {"check", "exists(/f)"}}});
  json["expect"] = {{"map-sync", {"fsync", "mine", "fsync"}}, {"*", {"ordering"}}};
  const Scenario s = Load(json);
  CHECK(s.expect.at(Design::kMapSync) == std::set<std::string>{"fsync", "mine"});
  CHECK(s.expect.at(Design::kKernelTracked) == std::set<std::string>{"ordering"});
  CHECK(s.expect.at(Design::kPerVma) == std::set<std::string>{"ordering"});
  json["expect"] = {{"map-sync", {"fsync"}}};
  const Scenario no_default = Load(json);
  CHECK(no_default.expect.at(Design::kMapSync) == std::set<std::string>{"fsync"});
  CHECK(no_default.expect.at(Design::kDaxfileTracked).empty());
}

TEST_CASE("order sequential keeps the processes in the file's key order") {
  const Scenario s = Load(Json::parse(R"({"crashsim": 1, "name": "t", "files": {},
      "order": "sequential",
      "processes": {"Zeta": ["sync"], "alpha": ["sync"], "Mid": []}})"));
  CHECK(s.order == Order::kSequential);
  REQUIRE(s.processes.size() == 3);
  CHECK(s.processes[0].name == "Zeta");
  CHECK(s.processes[1].name == "alpha");
  CHECK(s.processes[2].name == "Mid");
  CHECK(s.processes[2].program.empty());
}

TEST_CASE("files are sorted by path and a layout becomes pieces over whole blocks") {
  Json json = Base();
  json["files"] = Json::parse(R"({
    "/z": { "size": 5000, "layout": "hole" },
    "/a": { "size": 0, "layout": "unwritten", "stale": "aa" },
    "/m": { "size": 12288, "stale": "AA", "layout": [
      { "offset": 0, "length": 4096, "layout": "written", "fill": "41" },
      { "offset": 4096, "length": 4096, "layout": "hole" },
      { "offset": 8192, "length": 4096, "layout": "unwritten" } ] },
    "/f": { "size": 1, "layout": "written", "fill": "ff" }
  })");
  json["dirs"] = {"/d2", "/d1/sub", "/d2"};
  const Scenario s = Load(json);
  REQUIRE(s.files.size() == 4);
  CHECK(s.files[0].path == "/a");
  CHECK(s.files[0].pieces.empty());
  CHECK(s.files[1].path == "/f");
  REQUIRE(s.files[1].pieces.size() == 1);
  CHECK(s.files[1].pieces[0].length_bytes == 4096);
  CHECK(s.files[1].pieces[0].fill == 0xff);
  CHECK(s.files[2].path == "/m");
  REQUIRE(s.files[2].pieces.size() == 3);
  CHECK(s.files[2].pieces[0].fill == 0x41);
  CHECK(s.files[2].pieces[1].layout == Layout::kHole);
  CHECK(s.files[2].pieces[2].offset_bytes == 8192);
  CHECK(s.files[2].pieces[2].layout == Layout::kUnwritten);
  CHECK(s.files[3].path == "/z");
  CHECK(s.files[3].pieces[0].length_bytes == 8192);
  CHECK(s.files[3].pieces[0].layout == Layout::kHole);
  CHECK(s.stale_fill == std::optional<uint8_t>(0xaa));
  CHECK(s.dirs == std::vector<std::string>{"/d1/sub", "/d2"});
}

TEST_CASE("the loader accepts every op of the format") {
  Json json = Base();
  json["files"]["/g"] = {{"size", 8192}, {"layout", "written"}, {"fill", "00"}};
  json["processes"]["P1"] = {"fd = open /f rw direct dsync sync creat",
                             "g = open /g rw",
                             "m = mmap fd 0 8192 shared validate sync",
                             "store m+0 'S'",
                             "ntstore m+64 0x0100",
                             "x = load m+0 2",
                             "clwb m+0",
                             "clflushopt m+64",
                             "clflush m+128",
                             "flush m+0 256",
                             "persist m+0 256",
                             "sfence",
                             "mfence",
                             "pwrite fd 0 fill(41, 16)",
                             "y = pread fd 0 16",
                             "fsync fd",
                             "fdatasync fd",
                             "msync m 0 4096 async",
                             "sync",
                             "syncfs fd",
                             "fallocate fd punch-hole 4096 4096",
                             "seal fd",
                             "unseal fd",
                             "ftruncate fd 8192",
                             "reflink fd 0 g 0 4096",
                             "dedupe fd 0 g 0 4096",
                             "swapext fd g",
                             "creat /h",
                             "unlink /h",
                             "rename /g /g2",
                             "barrier b",
                             "munmap m",
                             "r = close fd"};
  json["processes"]["P2"] = {"barrier b"};
  const Scenario s = Load(json);
  CHECK(s.processes[0].program.size() == 33);
  std::set<OpKind> kinds;
  for (const Op& op : s.processes[0].program) kinds.insert(op.kind);
  CHECK(kinds.size() == 32);
}

TEST_CASE("assertions with every expression form load and bind values") {
  Json json = Base();
  json["assert"] = Json::parse(R"json([
    { "name": "a1", "check": "/f[0:2] in { 'ab', zero, old } && /g[0:1] != 'x'" },
    { "name": "A_2", "after": "P1.l", "check": "size(/f) == 8192 || sealed(/f) -> exists(/f)" },
    { "name": "3", "check": "!done(P2.k) || P1.x == 'a' && P2.v in { zero, 0x0102 }" },
    { "name": "a4", "check": "P2.v != fill(00, 2)" }
  ])json");
  const Scenario s = Load(json);
  REQUIRE(s.assertions.size() == 4);
  CHECK(s.assertions[1].after == std::make_pair(std::string("P1"), std::string("l")));
  CHECK_FALSE(s.assertions[0].after.has_value());
  const Expr& and_expr = s.assertions[2].check.children[1];
  CHECK(and_expr.children[0].value_length == 1);
  CHECK(and_expr.children[1].value_length == 2);
  CHECK(s.assertions[3].check.value_length == 2);
}

TEST_CASE("an op's result is comparable by its label or by the name it binds") {
  Json json = Base();
  json["assert"] = Json::parse(R"json([
    { "name": "r1", "after": "P1.l", "check": "P1.l == 0 && P1.m != EOPNOTSUPP" },
    { "name": "r2", "check": "P2.k in { 0, EBADF } || P1.fd == ENOENT" }
  ])json");
  const Scenario s = Load(json);
  const Expr& l = s.assertions[0].check.children[0];
  CHECK(l.kind == Expr::Kind::kResultEq);
  CHECK(l.results == std::vector<std::string>{"0"});
  CHECK(l.result_op == 3);  // P1's fourth op, `l: fsync fd`
  const Expr& m = s.assertions[0].check.children[1];
  CHECK(m.kind == Expr::Kind::kResultNe);
  CHECK(m.result_op == 1);  // the mmap that binds m
  const Expr& k = s.assertions[1].check.children[0];
  CHECK(k.kind == Expr::Kind::kResultIn);
  CHECK(k.results == std::vector<std::string>{"0", "EBADF"});
  CHECK(k.result_op == 2);
  // The stepper records exactly the results compared.
  std::vector<bool> read;
  for (const Op& op : s.processes[0].program) read.push_back(op.result_read);
  CHECK(read == std::vector<bool>{true, true, false, true});
  for (const Op& op : s.processes[1].program) CHECK(op.result_read == (op.label == "k"));
}

TEST_CASE("an op result compared with the wrong thing says what was expected") {
  CHECK(ErrorOf(WithAssert("P1.l == EOPNOTSUP")) ==
        "s.json: /assert/0/check: unknown errno name 'EOPNOTSUP'; did you mean 'EOPNOTSUPP'? "
        "(crashsim's ops return: EACCES, EBADF, EBUSY, EEXIST, EINVAL, EISDIR, ELOOP, ENODEV, "
        "ENOENT, ENOMEM, ENOSPC, ENOTDIR, ENOTEMPTY, ENOTTY, ENXIO, EOPNOTSUPP, EPERM; any other "
        "kernel errno name is accepted too) at column 9");
  CHECK(ErrorOf(WithAssert("P1.l == ebadf")) ==
        "s.json: /assert/0/check: unknown errno name 'ebadf'; errno names are upper case: did "
        "you mean 'EBADF'? at column 9");
  CHECK(ErrorOf(WithAssert("P1.l != ENOTSUP")) ==
        "s.json: /assert/0/check: 'ENOTSUP' is another name of EOPNOTSUPP; results are recorded "
        "as the kernel spells them, so write 'EOPNOTSUPP' at column 9");
  CHECK(ErrorOf(WithAssert("P1.l == -1")) ==
        "s.json: /assert/0/check: a result is a count or an errno name: a failed op's result is "
        "its errno (EBADF), not -1 at column 9");
  CHECK(ErrorOf(WithAssert("P1.l in { 0, 'a' }")) ==
        "s.json: /assert/0/check: 'in' mixes DATA and op results: P1.l is compared with a result "
        "(a count or an errno name) first, so every value must be one, found ''a' }' at column "
        "14");
  CHECK(ErrorOf(WithAssert("P1.l == 'ok'")) ==
        "s.json: /assert/0/check: P1.l is the result of 'l: fsync fd', a count or an errno name, "
        "not bytes: expected a count or an errno name after the comparison (P1.l == 0, P1.l in "
        "{ 0, EINVAL })");
  CHECK(ErrorOf(WithAssert("P1.x == 1")) ==
        "s.json: /assert/0/check: P1.x holds the bytes read by 'x = load m+0 1': compare it with "
        "DATA ('text', 0x..., fill(HH, N), zero); to compare that op's result, label it ('r: x = "
        "load m+0 1') and compare P1.r");
  CHECK(ErrorOf(WithAssert("P1.l == 4096")) ==
        "s.json: /assert/0/check: P1.l is the result of 'l: fsync fd', which returns 0 or an "
        "errno name, never the count 4096");
  CHECK(ErrorOf(WithAssert("P1.q == 0")) ==
        "s.json: /assert/0/check: P1 has no label or bound name 'q' whose op's result could be "
        "compared");
  Json ambiguous = WithProgram({"fd = open /f rw", "fd: fsync fd"});
  ambiguous["assert"] = Json::array({{{"name", "a"}, {"check", "P1.fd == 0"}}});
  CHECK(ErrorOf(ambiguous) ==
        "s.json: /assert/0/check: P1.fd is ambiguous: 'fd' labels 'fd: fsync fd' and is bound by "
        "'fd = open /f rw'");
}

TEST_CASE("a file that cannot be read is one line naming it") {
  StatusOr<Scenario> missing = LoadScenarioFile("no/such/scenario.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() ==
        "no/such/scenario.json: cannot read: No such file or directory");
}

TEST_CASE("a directory given as the scenario file is one line naming it") {
  StatusOr<Scenario> directory = LoadScenarioFile(".");
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.status().message() == ".: cannot read: Is a directory");
}

TEST_CASE("a file on disk loads like its text") {
  const std::string path = "loader_test_scenario.json";
  std::FILE* file = std::fopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  const std::string text = kFormatExample;
  std::fwrite(text.data(), 1, text.size(), file);
  std::fclose(file);
  StatusOr<Scenario> loaded = LoadScenarioFile(path);
  std::remove(path.c_str());
  REQUIRE(loaded.ok());
  CHECK(loaded->source_path == path);
  CHECK(loaded->name == "mixed-mode-fsync");
}

// ---- errors: the document ----

TEST_CASE("text that is not JSON names the file, line and column") {
  CHECK(ErrorOfText("{\n  \"crashsim\": 1,\n  oops\n}") ==
        "s.json: not JSON: line 3, column 3: syntax error while parsing object key - invalid "
        "literal; last read: '1,<U+000A>  o'; expected string literal");
  CHECK(ErrorOfText("").rfind("s.json: not JSON: line 1, column 1: ", 0) == 0);
  CHECK(ErrorOfText("{} {}").rfind("s.json: not JSON: line 1, column 4: ", 0) == 0);
}

TEST_CASE("a key given twice in one object is an error at its pointer") {
  CHECK(ErrorOfText(R"({"crashsim": 1, "name": "t", "files": {},
      "processes": {"P1": [], "P1": []}})") == "s.json: /processes/P1: duplicate key 'P1'");
  CHECK(ErrorOfText(R"({"crashsim": 1, "files": {"/f": {"size": 1, "size": 2}}})") ==
        "s.json: /files/~1f/size: duplicate key 'size'");
}

TEST_CASE("nesting deeper than 64 is refused at its pointer, whatever the depth") {
  // 100,000 deep: refused at the 65th level, before the rest is read.
  std::string deep = R"({"crashsim": 1, "doc": )";
  for (int i = 0; i < 100000; ++i) deep += "[";
  for (int i = 0; i < 100000; ++i) deep += "]";
  deep += "}";
  std::string pointer = "/doc";
  for (int i = 0; i < 63; ++i) pointer += "/0";
  CHECK(ErrorOfText(deep) == "s.json: " + pointer + ": arrays and objects nested more than 64 deep");
  // In objects too; exactly 64 levels are read (and then refused for their shape, not depth).
  std::string objects = "{";
  for (int i = 0; i < 100; ++i) objects += R"("k": {)";
  CHECK(ErrorOfText(objects).rfind("s.json: /k/k/k/", 0) == 0);
  CHECK(ErrorOfText(objects).find("nested more than 64 deep") != std::string::npos);
  std::string at_limit = R"({"crashsim": 1, "doc": )";
  for (int i = 0; i < 63; ++i) at_limit += "[";
  for (int i = 0; i < 63; ++i) at_limit += "]";
  at_limit += "}";
  CHECK(ErrorOfText(at_limit).find("nested") == std::string::npos);
}

TEST_CASE("a top level that is not an object is an error at the root") {
  CHECK(ErrorOfText("[1, 2]") == "s.json: /: expected an object, got an array");
  CHECK(ErrorOfText("\"x\"") == "s.json: /: expected an object, got the string 'x'");
}

TEST_CASE("an unknown key is an error at its pointer, wherever it is") {
  Json json = Base();
  json["confg"] = Json::object();
  CHECK(ErrorOf(json) ==
        "s.json: /confg: unknown key 'confg' (expected one of: crashsim, name, doc, models, "
        "config, files, dirs, processes, order, assert, observe, expect)");
  json = Base();
  json["config"] = {{"platfrom", "adr"}};
  CHECK(ErrorOf(json) ==
        "s.json: /config/platfrom: unknown key 'platfrom' (expected one of: platform, fs, "
        "device_cache, delalloc, namespace, block_size, sector_bytes, background, privileged, auto_da_alloc, free_blocks)");
  json = Base();
  json["files"]["/f"]["daxx"] = true;
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/daxx: unknown key 'daxx' (expected one of: size, layout, fill, dax, "
        "sealed, stale)");
  json = Base();
  json["files"]["/f"] = Json::parse(R"({"size": 4096, "layout": [
      {"offset": 0, "length": 4096, "layout": "hole", "dax": true}]})");
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/layout/0/dax: unknown key 'dax' (expected one of: "
        "offset, length, layout, fill)");
  json = WithAssert("exists(/f)");
  json["assert"][0]["when"] = "P1.l";
  CHECK(ErrorOf(json) ==
        "s.json: /assert/0/when: unknown key 'when' (expected one of: name, after, check)");
}

TEST_CASE("a missing required key is an error at the object that lacks it") {
  Json json = Base();
  json.erase("files");
  CHECK(ErrorOf(json) == "s.json: /: missing required key 'files'");
  json = Base();
  json.erase("crashsim");
  CHECK(ErrorOf(json) == "s.json: /: missing required key 'crashsim'");
  json = Base();
  json["files"]["/f"].erase("size");
  CHECK(ErrorOf(json) == "s.json: /files/~1f: missing required key 'size'");
  json = Base();
  json["files"]["/f"] =
      Json::parse(R"({"size": 4096, "layout": [{"offset": 0, "layout": "hole"}]})");
  CHECK(ErrorOf(json) == "s.json: /files/~1f/layout/0: missing required key 'length'");
  json = Base();
  json["assert"] = Json::array({{{"name", "a"}}});
  CHECK(ErrorOf(json) == "s.json: /assert/0: missing required key 'check'");
}

TEST_CASE("a value of the wrong type is an error at its pointer") {
  Json json = Base();
  json["name"] = 7;
  CHECK(ErrorOf(json) == "s.json: /name: expected a string, got the number 7");
  json = Base();
  json["processes"] = Json::array();
  CHECK(ErrorOf(json) ==
        "s.json: /processes: expected an object of name -> list of ops, got an array");
  json = Base();
  json["processes"]["P1"] = "sync";
  CHECK(ErrorOf(json) == "s.json: /processes/P1: expected an array, got the string 'sync'");
  json = Base();
  json["processes"]["P1"] = {"sync", 3};
  CHECK(ErrorOf(json) == "s.json: /processes/P1/1: expected a string, got the number 3");
  json = Base();
  json["files"] = Json::array();
  CHECK(ErrorOf(json) == "s.json: /files: expected an object of path -> file, got an array");
  json = Base();
  json["files"]["/f"]["dax"] = "yes";
  CHECK(ErrorOf(json) == "s.json: /files/~1f/dax: expected true or false, got the string 'yes'");
  json = Base();
  json["files"]["/f"]["sealed"] = 1;
  CHECK(ErrorOf(json) == "s.json: /files/~1f/sealed: expected true or false, got the number 1");
  json = Base();
  json["files"]["/f"]["size"] = "8192";
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/size: expected a non-negative integer, got the string '8192'");
  json = Base();
  json["files"]["/f"]["size"] = -1;
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/size: expected a non-negative integer, got the number -1");
  json = Base();
  json["files"]["/f"]["size"] = 4096.5;
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/size: expected a non-negative integer, got the number 4096.5");
  CHECK(ErrorOfText(R"({"crashsim": 1, "name": "t", "processes": {},
      "files": {"/f": {"size": 100000000000000000000, "layout": "hole"}}})") ==
        "s.json: /files/~1f/size: expected a non-negative integer, got the number 1e+20");
  json = Base();
  json["doc"] = Json::array();
  CHECK(ErrorOf(json) == "s.json: /doc: expected a string, got an array");
  json = Base();
  json["models"] = "per-vma";
  CHECK(ErrorOf(json) == "s.json: /models: expected an array, got the string 'per-vma'");
  json = Base();
  json["config"] = Json::array();
  CHECK(ErrorOf(json) == "s.json: /config: expected an object, got an array");
  json = Base();
  json["config"] = {{"fs", nullptr}};
  CHECK(ErrorOf(json) == "s.json: /config/fs: expected a string, got null");
  json = Base();
  json["config"] = {{"privileged", "P1"}};
  CHECK(ErrorOf(json) == "s.json: /config/privileged: expected an array, got the string 'P1'");
  json = Base();
  json["config"] = {{"privileged", {false}}};
  CHECK(ErrorOf(json) == "s.json: /config/privileged/0: expected a string, got false");
  json = Base();
  json["dirs"] = "/d";
  CHECK(ErrorOf(json) == "s.json: /dirs: expected an array, got the string '/d'");
  json = Base();
  json["dirs"] = {true};
  CHECK(ErrorOf(json) == "s.json: /dirs/0: expected a string, got true");
  json = Base();
  json["assert"] = Json::object();
  CHECK(ErrorOf(json) == "s.json: /assert: expected an array, got an object");
  json = Base();
  json["assert"] = {"exists(/f)"};
  CHECK(ErrorOf(json) == "s.json: /assert/0: expected an object, got the string 'exists(/f)'");
  json = WithAssert("exists(/f)");
  json["assert"][0]["check"] = true;
  CHECK(ErrorOf(json) == "s.json: /assert/0/check: expected a string, got true");
  json = WithAssert("exists(/f)");
  json["assert"][0]["after"] = 1;
  CHECK(ErrorOf(json) == "s.json: /assert/0/after: expected a string, got the number 1");
  json = Base();
  json["expect"] = Json::array();
  CHECK(ErrorOf(json) ==
        "s.json: /expect: expected an object of model -> list of names, got an array");
  json = Base();
  json["expect"] = {{"*", "fsync"}};
  CHECK(ErrorOf(json) == "s.json: /expect/*: expected an array, got the string 'fsync'");
  json = Base();
  json["expect"] = {{"*", {1}}};
  CHECK(ErrorOf(json) == "s.json: /expect/*/0: expected a string, got the number 1");
  json = Base();
  json["order"] = 1;
  CHECK(ErrorOf(json) == "s.json: /order: expected a string, got the number 1");
  json = Base();
  json["files"]["/f"]["layout"] = 3;
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/layout: expected a layout (written, unwritten, "
        "hole) or a list of pieces, got the number 3");
  json = Base();
  json["files"]["/f"] = Json::parse(R"({"size": 4096, "layout": [
      {"offset": 0, "length": 4096, "layout": ["hole"]}]})");
  CHECK(ErrorOf(json) == "s.json: /files/~1f/layout/0/layout: expected a string, got an array");
  json = Base();
  json["files"]["/f"]["fill"] = 0;
  CHECK(ErrorOf(json) == "s.json: /files/~1f/fill: expected a string, got the number 0");
  json = Base();
  json["files"]["/f"]["stale"] = 0;
  CHECK(ErrorOf(json) == "s.json: /files/~1f/stale: expected a string, got the number 0");
  json = Base();
  json["config"] = {{"block_size", "4096"}};
  CHECK(ErrorOf(json) ==
        "s.json: /config/block_size: expected a non-negative integer, got the string '4096'");
  json = Base();
  json["config"] = {{"sector_bytes", 512.0}};
  CHECK(ErrorOf(json) ==
        "s.json: /config/sector_bytes: expected a non-negative integer, got the number 512.0");
}

TEST_CASE("the format version must be the integer 1") {
  Json json = Base();
  json["crashsim"] = 2;
  CHECK(ErrorOf(json) ==
        "s.json: /crashsim: unsupported format version 2 (this crashsim reads version 1)");
  json["crashsim"] = "1";
  CHECK(ErrorOf(json) ==
        "s.json: /crashsim: expected the format version, the integer 1, got the string '1'");
  json["crashsim"] = 1.0;
  CHECK(ErrorOf(json) ==
        "s.json: /crashsim: expected the format version, the integer 1, got the number 1.0");
}

TEST_CASE("the scenario name is lower-case letters, digits and hyphens") {
  Json json = Base();
  json["name"] = "Mixed_mode";
  CHECK(ErrorOf(json) == "s.json: /name: bad name 'Mixed_mode' (names match [a-z0-9-]+)");
  json["name"] = "";
  CHECK(ErrorOf(json) == "s.json: /name: bad name '' (names match [a-z0-9-]+)");
}

TEST_CASE("an unknown or empty list of models is an error") {
  Json json = Base();
  json["models"] = {"map-sync", "mapsync"};
  CHECK(ErrorOf(json) ==
        "s.json: /models/1: unknown model 'mapsync' (expected kernel-tracked, map-sync, "
        "daxfile-untracked, daxfile-tracked or per-vma)");
  json["models"] = Json::array();
  CHECK(ErrorOf(json) == "s.json: /models: no model listed (leave 'models' out to run all five)");
  json["models"] = {7};
  CHECK(ErrorOf(json) == "s.json: /models/0: expected a string, got the number 7");
}

TEST_CASE("expect may name only models the scenario runs") {
  Json json = Base();
  json["expect"] = {{"per-vm", Json::array()}};
  CHECK(ErrorOf(json) ==
        "s.json: /expect/per-vm: unknown model 'per-vm' (expected kernel-tracked, map-sync, "
        "daxfile-untracked, daxfile-tracked, per-vma or *)");
  json["models"] = {"kernel-tracked", "map-sync"};
  json["expect"] = {{"per-vma", Json::array()}};
  CHECK(ErrorOf(json) ==
        "s.json: /expect/per-vma: model 'per-vma' is not run by this scenario "
        "(its models: kernel-tracked, map-sync)");
}

TEST_CASE("expect may name only guarantees and the scenario's own assertions") {
  Json json = WithAssert("exists(/f)");
  json["expect"] = {{"*", {"fsync", "a", "fsnyc"}}};
  CHECK(ErrorOf(json) ==
        "s.json: /expect/*/2: 'fsnyc' is neither a guarantee (fsync, fdatasync, sync-write, "
        "msync, sync, map-sync, immutable, no-stale-data, coherence, ordering) nor an assertion "
        "of this scenario");
  json["expect"] = {{"*",
                     {"fsync", "a", "sync-write", "msync", "sync", "map-sync", "immutable",
                      "no-stale-data", "coherence", "ordering", "fdatasync"}}};
  CHECK(Load(json).expect.at(Design::kMapSync).size() == 11);
}

TEST_CASE("config values outside the documented sets are errors") {
  const struct {
    const char* key;
    const char* message;
  } cases[] = {
      {"platform", "s.json: /config/platform: unknown platform 'x' (expected adr, eadr, none)"},
      {"fs", "s.json: /config/fs: unknown fs 'x' (expected xfs, ext4-ordered, ext4-writeback)"},
      {"device_cache",
       "s.json: /config/device_cache: unknown device_cache 'x' (expected "
       "volatile-fua, volatile-no-fua, none)"},
      {"delalloc",
       "s.json: /config/delalloc: unknown delalloc 'x' (expected "
       "unwritten-until-io, written-before-data)"},
      {"namespace",
       "s.json: /config/namespace: unknown namespace 'x' (expected "
       "journal-prefix, posix-minimal)"},
      {"background",
       "s.json: /config/background: unknown background 'x' (expected explore, "
       "none)"},
  };
  for (const auto& c : cases) {
    Json json = Base();
    json["config"] = {{c.key, "x"}};
    CHECK(ErrorOf(json) == c.message);
  }
  Json json = Base();
  json["config"] = {{"block_size", 512}};
  CHECK(ErrorOf(json) ==
        "s.json: /config/block_size: block_size must be 4096 (the only block "
        "size modelled), got 512");
  json["config"] = {{"sector_bytes", 1024}};
  CHECK(ErrorOf(json) ==
        "s.json: /config/sector_bytes: sector_bytes must be 4096 or 512, got 1024");
}

TEST_CASE("privileged may name only processes of the scenario") {
  Json json = Base();
  json["config"] = {{"privileged", {"P1", "P3"}}};
  CHECK(ErrorOf(json) == "s.json: /config/privileged/1: no process 'P3' (processes: P1, P2)");
  json["processes"] = Json::object();
  json["config"] = {{"privileged", {"P1"}}};
  CHECK(ErrorOf(json) == "s.json: /config/privileged/0: no process 'P1' (processes: none)");
}

TEST_CASE("order is interleave or sequential") {
  Json json = Base();
  json["order"] = "interleave";
  CHECK(Load(json).order == Order::kInterleave);
  json["order"] = "serial";
  CHECK(ErrorOf(json) ==
        "s.json: /order: unknown order 'serial' (expected interleave or sequential)");
}

// ---- errors: files and dirs ----

TEST_CASE("a file path must be absolute and normalised") {
  Json json = Base();
  json["files"]["f"] = {{"size", 0}, {"layout", "hole"}};
  CHECK(ErrorOf(json) == "s.json: /files/f: path 'f' is not absolute");
  json = Base();
  json["files"]["/d/"] = {{"size", 0}, {"layout", "hole"}};
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1d~1: bad path '/d/': expected an absolute path of '/'-separated names "
        "made of A-Za-z0-9 . _ -, without '.' or '..' components, empty components or a trailing "
        "'/'");
  json = Base();
  json["files"]["/a~b"] = {{"size", 0}, {"layout", "hole"}};
  CHECK(ErrorOf(json).rfind("s.json: /files/~1a~0b: bad path '/a~b': ", 0) == 0);
}

TEST_CASE("a file size may not pass the largest file offset") {
  Json json = Base();
  json["files"]["/f"] = {{"size", 9223372036854775808ULL}, {"layout", "hole"}};
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/size: size 9223372036854775808 passes the largest file offset, "
        "2^63 - 1");
  json["files"]["/f"] = {{"size", 9223372036854775807ULL}, {"layout", "hole"}};
  CHECK(Load(json).files[0].pieces[0].length_bytes == 9223372036854775808ULL);
}

TEST_CASE("a layout name must be written, unwritten or hole") {
  Json json = Base();
  json["files"]["/f"]["layout"] = "sparse";
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/layout: unknown layout 'sparse' (expected written, unwritten, hole)");
}

TEST_CASE("fill is required for a written layout and an error for any other") {
  Json json = Base();
  json["files"]["/f"].erase("fill");
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f: missing required key 'fill' (a written layout needs its byte)");
  json = Base();
  json["files"]["/f"]["layout"] = "hole";
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/fill: 'fill' is only for a written layout; this one is 'hole' and "
        "reads zero");
  json["files"]["/f"]["layout"] = "unwritten";
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/fill: 'fill' is only for a written layout; this "
        "one is 'unwritten' and reads zero");
  json = Base();
  json["files"]["/f"] = Json::parse(R"({"size": 4096, "layout": [
      {"offset": 0, "length": 4096, "layout": "written"}]})");
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/layout/0: missing required key 'fill' (a written "
        "layout needs its byte)");
  json["files"]["/f"]["layout"][0]["layout"] = "hole";
  json["files"]["/f"]["layout"][0]["fill"] = "00";
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/layout/0/fill: 'fill' is only for a written "
        "layout; this one is 'hole' and reads zero");
  json["files"]["/f"]["layout"][0].erase("fill");
  json["files"]["/f"]["fill"] = "00";
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/fill: 'fill' belongs in each written piece when "
        "the layout is a list of pieces");
}

TEST_CASE("fill and stale are one byte as two hex digits") {
  Json json = Base();
  json["files"]["/f"]["fill"] = "0x41";
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/fill: expected one byte as two hex digits without "
        "0x (\"41\" is 'A'), got '0x41'");
  json = Base();
  json["files"]["/f"]["stale"] = "5";
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/stale: expected one byte as two hex digits without "
        "0x (\"41\" is 'A'), got '5'");
}

TEST_CASE("layout pieces come in order, without gaps or overlaps, in whole blocks") {
  const auto with_pieces = [](const char* pieces) {
    Json json = Base();
    json["files"]["/f"] = {{"size", 8192}, {"layout", Json::parse(pieces)}};
    return ErrorOf(json);
  };
  CHECK(with_pieces(R"([{"offset": 0, "length": 4096, "layout": "hole"},
                        {"offset": 8192, "length": 4096, "layout": "hole"}])") ==
        "s.json: /files/~1f/layout/1/offset: piece starts at 8192 but the pieces before it end "
        "at 4096 (pieces come in order, without gaps or overlaps)");
  CHECK(with_pieces(R"([{"offset": 0, "length": 8192, "layout": "hole"},
                        {"offset": 4096, "length": 4096, "layout": "hole"}])") ==
        "s.json: /files/~1f/layout/1/offset: piece starts at 4096 but the pieces before it end "
        "at 8192 (pieces come in order, without gaps or overlaps)");
  CHECK(with_pieces(R"([{"offset": 4096, "length": 4096, "layout": "hole"}])") ==
        "s.json: /files/~1f/layout/0/offset: piece starts at 4096 but the pieces before it end "
        "at 0 (pieces come in order, without gaps or overlaps)");
  CHECK(with_pieces(R"([{"offset": 0, "length": 512, "layout": "hole"}])") ==
        "s.json: /files/~1f/layout/0/length: length 512 is not a positive multiple of the block "
        "size, 4096");
  CHECK(with_pieces(R"([{"offset": 0, "length": 0, "layout": "hole"}])") ==
        "s.json: /files/~1f/layout/0/length: length 0 is not a positive multiple of the block "
        "size, 4096");
  CHECK(with_pieces(R"([{"offset": 0, "length": 12288, "layout": "hole"}])") ==
        "s.json: /files/~1f/layout/0/length: piece [0, 12288) reaches past the file's last "
        "block, which ends at 8192");
  CHECK(with_pieces(R"([{"offset": 0, "length": 4096, "layout": "hole"}])") ==
        "s.json: /files/~1f/layout: pieces cover [0, 4096) but a file of 8192 bytes needs "
        "[0, 8192)");
  CHECK(with_pieces(R"([{"offset": 0, "length": 4096, "layout": "holes"}])") ==
        "s.json: /files/~1f/layout/0/layout: unknown layout 'holes' (expected written, "
        "unwritten, hole)");
  CHECK(with_pieces(R"([{"offset": 0, "length": -4096, "layout": "hole"}])") ==
        "s.json: /files/~1f/layout/0/length: expected a non-negative integer, got the number "
        "-4096");
  CHECK(with_pieces(R"([7])") ==
        "s.json: /files/~1f/layout/0: expected an object, got the number 7");
}

TEST_CASE("a sealed file must be fully written") {
  Json json = Base();
  json["files"]["/f"] = Json::parse(R"({"size": 8192, "sealed": true, "layout": [
      {"offset": 0, "length": 4096, "layout": "written", "fill": "00"},
      {"offset": 4096, "length": 4096, "layout": "hole"}]})");
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f/sealed: a sealed file is fully written, but [4096, 8192) is not");
}

TEST_CASE("two files that name different stale bytes are an error") {
  Json json = Base();
  json["files"]["/f"]["stale"] = "AA";
  json["files"]["/g"] = {{"size", 0}, {"layout", "hole"}, {"stale", "aa"}};
  json["files"]["/e"] = {{"size", 0}, {"layout", "hole"}, {"stale", "bb"}};
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1e/stale: stale byte BB differs from AA named by /f: "
        "the device's free blocks hold one byte");
}

TEST_CASE("a file cannot also be a directory") {
  Json json = Base();
  json["files"]["/f/g"] = {{"size", 0}, {"layout", "hole"}};
  CHECK(ErrorOf(json) ==
        "s.json: /files/~1f~1g: '/f' is a file, so it cannot be a directory holding '/f/g'");
  json = Base();
  json["dirs"] = {"/d", "/f"};
  CHECK(ErrorOf(json) == "s.json: /dirs/1: '/f' is listed under 'files' too; it cannot be both");
  json["dirs"] = {"/f/sub/dir"};
  CHECK(ErrorOf(json) ==
        "s.json: /dirs/0: '/f' is a file, so it cannot be a directory holding '/f/sub/dir'");
}

TEST_CASE("a directory path must be absolute") {
  Json json = Base();
  json["dirs"] = {"/d", "d2"};
  CHECK(ErrorOf(json) == "s.json: /dirs/1: path 'd2' is not absolute");
  json["dirs"] = {"/"};
  CHECK(ErrorOf(json) ==
        "s.json: /dirs/0: path '/' is the root directory, not a file or directory name");
}

// ---- errors: processes and ops ----

TEST_CASE("a process name must be an identifier") {
  Json json = Base();
  json["processes"]["2nd"] = Json::array();
  CHECK(ErrorOf(json) ==
        "s.json: /processes/2nd: bad process name '2nd' (process names match "
        "[A-Za-z][A-Za-z0-9_]*)");
}

TEST_CASE("an unknown op names the file and the op's JSON pointer") {
  Json json = Base();
  json["processes"]["P2"] = {"g = open /f rw", "sync", "sfence", "fsnyc g"};
  CHECK(ErrorOf(json) == "s.json: /processes/P2/3: unknown op 'fsnyc'; did you mean 'fsync'? (ops: open, close, mmap, munmap, store, ntstore, load, clwb, clflushopt, clflush, flush, persist, sfence, mfence, pwrite, write, pwritev, writev, pread, lseek, fsync, fdatasync, msync, sync, syncfs, sync_file_range, fallocate, seal, unseal, ftruncate, truncate, reflink, dedupe, swapext, creat, unlink, rename, link, symlink, mkdir, rmdir, barrier)");
}

TEST_CASE("a wrong argument count names the op's usage") {
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "fsync"})) ==
        "s.json: /processes/P1/1: fsync takes 1 argument, got 0 (usage: fsync FD)");
}

TEST_CASE("bad flags of open and mmap are errors at the op") {
  CHECK(ErrorOf(WithProgram({"fd = open /f rw nonblock"})) ==
        "s.json: /processes/P1/0: open: unknown flag 'nonblock' (expected rw|ro|wo [direct] "
        "[dsync] [sync] [creat] [excl] [append] [trunc])");
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "m = mmap fd 0 4096 shared fixed"})) ==
        "s.json: /processes/P1/1: mmap: unknown flag 'fixed' (expected shared|private "
        "[validate] [sync])");
}

TEST_CASE("an fd or mapping must be bound by an earlier op of the same process") {
  CHECK(ErrorOf(WithProgram({"fsync fd", "fd = open /f rw"})) ==
        "s.json: /processes/P1/0: unknown file descriptor 'fd' (no earlier op of P1 binds it "
        "with 'fd = open ...')");
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "store m+0 'a'"})) ==
        "s.json: /processes/P1/1: unknown mapping 'm' (no earlier op of P1 binds it with "
        "'m = mmap ...')");
  Json json = Base();
  json["processes"]["P2"] = {"fsync fd"};
  CHECK(ErrorOf(json) ==
        "s.json: /processes/P2/0: unknown file descriptor 'fd' (no earlier op "
        "of P2 binds it with 'fd = open ...')");
  CHECK(ErrorOf(WithProgram({"fd = close fd"})) ==
        "s.json: /processes/P1/0: unknown file descriptor 'fd' (no earlier op of P1 binds it "
        "with 'fd = open ...')");
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "reflink fd 0 g 0 4096"})) ==
        "s.json: /processes/P1/1: unknown file descriptor 'g' (no earlier op of P1 binds it "
        "with 'g = open ...')");
}

TEST_CASE("a name used as the wrong kind is an error") {
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "m = mmap fd 0 4096 shared", "fsync m"})) ==
        "s.json: /processes/P1/2: 'm' is a mapping (bound at /processes/P1/1), not a file "
        "descriptor");
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "clwb fd+0"})) ==
        "s.json: /processes/P1/1: 'fd' is a file descriptor (bound at /processes/P1/0), not a "
        "mapping");
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "r = fsync fd", "close r"})) ==
        "s.json: /processes/P1/2: 'r' is an op result (bound at /processes/P1/1), not a file "
        "descriptor");
  CHECK(ErrorOf(WithProgram(
            {"fd = open /f rw", "m = mmap fd 0 4096 shared", "x = load m+0 1", "munmap x"})) ==
        "s.json: /processes/P1/3: 'x' is a loaded value (bound at /processes/P1/2), not a mapping");
}

TEST_CASE("any op may carry a result name, bound once per process") {
  const Scenario s = Load(WithProgram(
      {"fd = open /f rw", "r1 = fsync fd", "r2 = sfence", "r3 = barrier b", "r4 = close fd"}));
  CHECK(s.processes[0].program[1].result_name == "r1");
  CHECK(s.processes[0].program[3].result_name == "r3");
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "fd = open /f ro"})) ==
        "s.json: /processes/P1/1: name 'fd' is already bound at /processes/P1/0 (a name is bound "
        "once within its process)");
  Json json = Base();  // the same names in two processes are two different bindings
  json["processes"]["P2"] = {"fd = open /f rw", "m = mmap fd 0 4096 shared"};
  CHECK(ErrorOf(json) == "(loaded)");
}

TEST_CASE("label and name syntax errors are reported at the op") {
  CHECK(ErrorOf(WithProgram({"9: sync"})) ==
        "s.json: /processes/P1/0: bad label '9' (labels match [A-Za-z][A-Za-z0-9_]*)");
  CHECK(ErrorOf(WithProgram({"my-fd = open /f rw"})) ==
        "s.json: /processes/P1/0: bad name 'my-fd' (names match [A-Za-z][A-Za-z0-9_]*)");
}

TEST_CASE("a label used twice in a process is an error") {
  CHECK(ErrorOf(WithProgram({"a: sync", "b: sfence", "a: sync"})) ==
        "s.json: /processes/P1/2: label 'a' is already used at /processes/P1/0 (a label is "
        "unique within its process)");
  Json json = Base();
  json["processes"]["P2"] = {"l: sync"};  // P1 has label l too: labels are per process
  CHECK(ErrorOf(json) == "(loaded)");
}

TEST_CASE("negative and overflowing numbers in ops are errors") {
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "pwrite fd -4096 'a'"})) ==
        "s.json: /processes/P1/1: pwrite: bad offset: '-4096' is negative");
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "ftruncate fd 99999999999999999999"})) ==
        "s.json: /processes/P1/1: ftruncate: bad length: '99999999999999999999' does not fit in "
        "64 bits");
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "fallocate fd alloc 0x7fffffffffffffff 2"})) ==
        "s.json: /processes/P1/1: fallocate range 9223372036854775807 + 2 passes the largest "
        "file offset, 2^63 - 1");
}

TEST_CASE("paths in ops must be absolute") {
  CHECK(ErrorOf(WithProgram({"rename /f g"})) ==
        "s.json: /processes/P1/0: rename: path 'g' is not absolute");
}

TEST_CASE("barrier names are identifiers, named once per process") {
  CHECK(ErrorOf(WithProgram({"barrier b-1"})) ==
        "s.json: /processes/P1/0: barrier: bad barrier name 'b-1' (names match "
        "[A-Za-z][A-Za-z0-9_]*)");
  CHECK(ErrorOf(WithProgram({"barrier b", "sync", "barrier b"})) ==
        "s.json: /processes/P1/2: barrier 'b' is already named at /processes/P1/0 (a process "
        "names each barrier once)");
}

TEST_CASE("barriers passed in crossing orders would deadlock and are an error") {
  Json json = Base();
  json["processes"] = {{"P1", {"barrier a", "barrier b"}},
                       {"P2", {"barrier b", "barrier c"}},
                       {"P3", {"barrier c", "barrier a"}}};
  CHECK(ErrorOf(json) ==
        "s.json: /processes/P3/1: barriers 'a' -> 'b' -> 'c' -> 'a' form a cycle: each is passed "
        "before the next by some process, so the processes would wait for each other forever");
  json["processes"] = {{"P1", {"barrier a", "barrier b"}}, {"P2", {"barrier a", "barrier b"}}};
  CHECK(ErrorOf(json) == "(loaded)");
}

TEST_CASE("under sequential order two processes cannot share a barrier") {
  Json json = Base();
  json["order"] = "sequential";
  json["processes"] = {{"P1", {"sync", "barrier a"}}, {"P2", {"barrier a"}}};
  CHECK(ErrorOf(json) ==
        "s.json: /processes/P2/0: barrier 'a' is also named by P1 (/processes/P1/1), which runs "
        "to its end before P2 starts under order 'sequential', so it would wait forever");
  json["processes"] = {{"P1", {"barrier a"}}, {"P2", {"barrier b"}}};
  CHECK(ErrorOf(json) == "(loaded)");
}

// ---- errors: assertions ----

TEST_CASE("assertion names follow the rule, are unique and differ from guarantees") {
  CHECK(ErrorOf(WithAssert("exists(/f)")) == "(loaded)");
  Json json = WithAssert("exists(/f)");
  json["assert"][0]["name"] = "-a";
  CHECK(ErrorOf(json) ==
        "s.json: /assert/0/name: bad assertion name '-a' (assertion names "
        "match [A-Za-z0-9][A-Za-z0-9_-]*)");
  json["assert"][0]["name"] = "a b";
  CHECK(ErrorOf(json) ==
        "s.json: /assert/0/name: bad assertion name 'a b' (assertion names "
        "match [A-Za-z0-9][A-Za-z0-9_-]*)");
  json["assert"][0]["name"] = "no-stale-data";
  CHECK(ErrorOf(json) ==
        "s.json: /assert/0/name: assertion name 'no-stale-data' is a guarantee's; assertion "
        "names must differ from fsync, fdatasync, sync-write, msync, sync, map-sync, immutable, "
        "no-stale-data, coherence, ordering");
  json["assert"] = Json::array(
      {{{"name", "same"}, {"check", "exists(/f)"}}, {{"name", "same"}, {"check", "exists(/f)"}}});
  CHECK(ErrorOf(json) ==
        "s.json: /assert/1/name: assertion name 'same' is already used at /assert/0");
}

TEST_CASE("after must name an existing process and label") {
  Json json = WithAssert("exists(/f)");
  json["assert"][0]["after"] = "P3.l";
  CHECK(ErrorOf(json) == "s.json: /assert/0/after: no process 'P3' (processes: P1, P2)");
  json["assert"][0]["after"] = "P1.nope";
  CHECK(ErrorOf(json) == "s.json: /assert/0/after: P1 has no label 'nope'");
  json["assert"][0]["after"] = "P1";
  CHECK(ErrorOf(json) ==
        "s.json: /assert/0/after: expected P.label (a process name, '.', one of "
        "its labels), got 'P1'");
  json["assert"][0]["after"] = "P1.l.x";
  CHECK(ErrorOf(json) ==
        "s.json: /assert/0/after: expected P.label (a process name, '.', one of "
        "its labels), got 'P1.l.x'");
}

TEST_CASE("a malformed check is an error at its pointer, with the column") {
  CHECK(ErrorOf(WithAssert("/f[0:1] = 'a'")) ==
        "s.json: /assert/0/check: expected '==', '!=' or 'in' after '/f[0:1]', found '= 'a'' at "
        "column 9");
}

TEST_CASE("a check's range must not end before it starts, and DATA has its length") {
  CHECK(ErrorOf(WithAssert("/f[2:1] == zero")) ==
        "s.json: /assert/0/check: range [2:1] ends before it starts at column 1");
  CHECK(ErrorOf(WithAssert("/f[0:2] == 'abc'")) ==
        "s.json: /assert/0/check: DATA 'abc' is 3 bytes but the range [0:2] is 2 bytes at "
        "column 12");
}

TEST_CASE("P.x must name a process and a value bound by load or pread in it") {
  CHECK(ErrorOf(WithAssert("P9.x == 'a'")) ==
        "s.json: /assert/0/check: no process 'P9' (processes: P1, P2)");
  CHECK(ErrorOf(WithAssert("P1.y == 'a'")) ==
        "s.json: /assert/0/check: P1 binds no value 'y' with 'x = load ...' or 'x = pread ...'");
  CHECK(ErrorOf(WithAssert("P1.fd == 'a'")) ==
        "s.json: /assert/0/check: P1.fd is the result of 'fd = open /f rw', a count or an errno "
        "name, not bytes: expected a count or an errno name after the comparison (P1.fd == 0, "
        "P1.fd in { 0, EINVAL })");
  CHECK(ErrorOf(WithAssert("done(P1.l) -> P2.v in { 'ab', 'abc' }")) ==
        "s.json: /assert/0/check: DATA of 3 bytes compared with P2.v, which holds 2 bytes (the "
        "LENGTH its op reads)");
  CHECK(ErrorOf(WithAssert("P2.v == old")) ==
        "s.json: /assert/0/check: 'old' is the content of a file range before the first step; "
        "P2.v is a loaded value");
}

TEST_CASE("done must name an existing label") {
  CHECK(ErrorOf(WithAssert("done(P2.l)")) == "s.json: /assert/0/check: P2 has no label 'l'");
  CHECK(ErrorOf(WithAssert("!done(Q.l)")) ==
        "s.json: /assert/0/check: no process 'Q' (processes: P1, P2)");
}

TEST_CASE("files in checks may be created at run time, but old needs an initial file") {
  CHECK(ErrorOf(WithAssert("/new[0:1] == 'a' && size(/new) == 1 && sealed(/new) && "
                           "exists(/new) && /new[0:1] != zero")) == "(loaded)");
  CHECK(ErrorOf(WithAssert("/new[0:1] in { zero, old }")) ==
        "s.json: /assert/0/check: 'old' of /new: /new is not among the scenario's files, so it "
        "has no content before the first step");
  CHECK(ErrorOf(WithAssert("/f[8000:8193] == old")) ==
        "s.json: /assert/0/check: 'old' of /f[8000:8193]: /f holds only 8192 bytes before the "
        "first step");
  CHECK(ErrorOf(WithAssert("/f[8000:8192] == old")) == "(loaded)");
}

TEST_CASE("messages stay on one line when the input holds line breaks") {
  Json json = Base();
  json["files"]["/a\nb"] = {{"size", 0}, {"layout", "hole"}};
  CHECK(ErrorOf(json).rfind("s.json: /files/~1a\\x0Ab: bad path '/a\\x0Ab': ", 0) == 0);
  CHECK(ErrorOf(WithProgram({"fd = open /f rw", "store m+0 'a\nb"})) ==
        "s.json: /processes/P1/1: unterminated quote in ''a\\x0Ab'");
}

TEST_CASE("the first error in the format's order is the one reported") {
  Json json = Base();
  json["name"] = "Bad";
  json["processes"]["P1"] = {"fsnyc"};
  CHECK(ErrorOf(json) == "s.json: /name: bad name 'Bad' (names match [a-z0-9-]+)");
}

}  // namespace
}  // namespace crashsim

namespace crashsim {
namespace {

TEST_CASE("observe lists items, each with an optional after") {
  Json json = Base();
  json["observe"] = Json::parse(R"json(["/f[0:8]", " size( /f ) ",
      {"item": "exists(/g)", "after": "P1.l"}, {"item": "/f[0:8]", "after": "P2.k"}])json");
  const Scenario s = Load(json);
  REQUIRE(s.observations.size() == 4);
  CHECK(s.observations[0].kind == ObservedItem::Kind::kRange);
  CHECK(s.observations[0].text == "/f[0:8]");
  CHECK(s.observations[0].end == 8);
  CHECK(s.observations[1].kind == ObservedItem::Kind::kSize);
  CHECK(s.observations[1].text == "size(/f)");
  CHECK(s.observations[2].kind == ObservedItem::Kind::kExists);
  CHECK(s.observations[2].after == std::make_pair(std::string("P1"), std::string("l")));
  CHECK(s.observations[3].pointer == "/observe/3");
}

TEST_CASE("a bad observe entry is an error at its pointer") {
  Json json = Base();
  json["observe"] = "/f[0:8]";
  CHECK(ErrorOf(json) == "s.json: /observe: expected an array, got the string '/f[0:8]'");
  json["observe"] = Json::array({"/f[0:8] == 'A'"});
  CHECK(ErrorOf(json) == "s.json: /observe/0: unexpected '== 'A'' after the item at column 9");
  json["observe"] = Json::array({"sealed(/f)"});
  CHECK(ErrorOf(json) ==
        "s.json: /observe/0: expected an item to observe (/path[START:END], size(/path) or "
        "exists(/path)), found 'sealed(/f)' at column 1");
  json["observe"] = Json::array({"/f[8:0]"});
  CHECK(ErrorOf(json) == "s.json: /observe/0: range [8:0] ends before it starts at column 1");
  json["observe"] = Json::array({Json{{"item", "/f[0:1]"}, {"when", "P1.l"}}});
  CHECK(ErrorOf(json).find("s.json: /observe/0/when: unknown key 'when'") == 0);
  json["observe"] = Json::array({Json{{"item", "/f[0:1]"}, {"after", "P1.nope"}}});
  CHECK(ErrorOf(json).find("s.json: /observe/0/after: ") == 0);
  json["observe"] = Json::array({Json{{"item", 3}}});
  CHECK(ErrorOf(json).find("s.json: /observe/0/item: expected a string") == 0);
  json["observe"] = Json::array({7});
  CHECK(ErrorOf(json).find("s.json: /observe/0: expected an item") == 0);
  json["observe"] = Json::array({"/f[0:1]", "/f[0:1]"});
  CHECK(ErrorOf(json) == "s.json: /observe/1: '/f[0:1]' is listed twice");
}

}  // namespace
}  // namespace crashsim
