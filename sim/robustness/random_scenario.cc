#include "sim/robustness/random_scenario.h"

#include <fmt/format.h>

#include <map>
#include <vector>

#include "sim/base/prng.h"

namespace crashsim {
namespace {

class Generator {
 public:
  Generator(uint64_t seed, uint64_t index) : prng_(seed, index), seed_(seed), index_(index) {}

  std::string Scenario() {
    dax_ = prng_.Below(3) != 0;
    const uint64_t file_count = 1 + prng_.Below(2);
    for (uint64_t i = 0; i < file_count; ++i) files_.push_back(File(i == 0 ? "/f" : "/g"));
    std::vector<std::string> processes;
    const uint64_t process_count = 1 + prng_.Below(3);
    for (uint64_t p = 0; p < process_count; ++p) processes.push_back(Process(p));
    std::string json = fmt::format("{{\"crashsim\": 1, \"name\": \"random-{}-{}\",\n", seed_,
                                   index_);
    json += "  \"config\": " + Config() + ",\n";
    json += "  \"files\": {";
    for (size_t i = 0; i < files_.size(); ++i) {
      json += (i == 0 ? "" : ", ") + files_[i].json;
    }
    json += "},\n  \"processes\": {\n";
    for (size_t p = 0; p < processes.size(); ++p) {
      json += (p == 0 ? "" : ",\n") + processes[p];
    }
    json += "\n  },\n  \"assert\": [" + Assertions(process_count) + "]\n}\n";
    return json;
  }

 private:
  struct FileInfo {
    std::string path;
    uint64_t size = 0;
    std::string json;
  };

  template <typename T>
  const T& Pick(const std::vector<T>& choices) {
    return choices[prng_.Below(choices.size())];
  }

  FileInfo File(const std::string& path) {
    FileInfo file;
    file.path = path;
    file.size = Pick<uint64_t>({0, 4096, 8192, 8192, 16384, 65536, 5000});
    std::string layout;
    if (file.size == 0) {
      layout = "\"written\", \"fill\": \"00\"";
    } else if (file.size % 4096 == 0 && file.size >= 8192 && prng_.Below(3) == 0) {
      // Pieces: a written first half and a hole or unwritten second half.
      const uint64_t half = file.size / 2 / 4096 * 4096;
      layout = fmt::format(
          "[{{\"offset\": 0, \"length\": {}, \"layout\": \"written\", \"fill\": \"{:02x}\"}}, "
          "{{\"offset\": {}, \"length\": {}, \"layout\": \"{}\"}}]",
          half, prng_.Below(256), half, file.size - half, prng_.Coin() ? "hole" : "unwritten");
    } else {
      switch (prng_.Below(3)) {
        case 0: layout = fmt::format("\"written\", \"fill\": \"{:02x}\"", prng_.Below(256)); break;
        case 1: layout = "\"unwritten\""; break;
        default: layout = "\"hole\""; break;
      }
    }
    file.json = fmt::format("\"{}\": {{\"size\": {}, \"layout\": {}{}}}", path, file.size, layout,
                            dax_ ? ", \"dax\": true" : "");
    return file;
  }

  std::string Config() {
    std::vector<std::string> keys;
    if (prng_.Coin()) keys.push_back(fmt::format("\"platform\": \"{}\"", Pick<std::string>({"adr", "eadr", "none"})));
    if (prng_.Coin()) {
      keys.push_back(fmt::format("\"fs\": \"{}\"",
                                 Pick<std::string>({"xfs", "ext4-ordered", "ext4-writeback"})));
    }
    if (prng_.Coin()) {
      keys.push_back(fmt::format("\"device_cache\": \"{}\"",
                                 Pick<std::string>({"volatile-fua", "volatile-no-fua", "none"})));
    }
    if (prng_.Below(4) == 0) {
      keys.push_back(fmt::format("\"delalloc\": \"{}\"",
                                 Pick<std::string>({"unwritten-until-io", "written-before-data"})));
    }
    if (prng_.Below(4) == 0) keys.push_back("\"sector_bytes\": 512");
    if (prng_.Below(3) == 0) keys.push_back("\"background\": \"none\"");
    if (prng_.Below(4) == 0) {
      keys.push_back(fmt::format("\"namespace\": \"{}\"",
                                 Pick<std::string>({"journal-prefix", "posix-minimal"})));
    }
    std::string json = "{";
    for (size_t i = 0; i < keys.size(); ++i) json += (i == 0 ? "" : ", ") + keys[i];
    return json + "}";
  }

  // An offset: mostly within or just past the file, sometimes far away.
  uint64_t Offset(uint64_t size) {
    switch (prng_.Below(10)) {
      case 0: return Pick<uint64_t>({1 << 20, 4 << 20, 16 << 20});
      case 1: return size;
      case 2: return 0;
      default: return prng_.Below(size + 8192) / (prng_.Coin() ? 4096 : 1) * (prng_.Coin() ? 4096 : 1);
    }
  }

  std::string Data() {
    switch (prng_.Below(12)) {
      case 0: return fmt::format("fill({:02x}, {})", prng_.Below(256), Pick<uint64_t>({4096, 8192, 65536}));
      case 1: return fmt::format("fill({:02x}, {})", prng_.Below(256), Pick<uint64_t>({(4u << 20) + 4096, 16 << 20}));
      case 2: return "0x0102030405060708090a0b0c0d0e0f10";
      default: return fmt::format("'{}'", std::string(1 + prng_.Below(8), static_cast<char>('A' + prng_.Below(26))));
    }
  }

  std::string Quoted(const std::string& op) { return "\"" + op + "\""; }

  std::string Process(uint64_t p) {
    const FileInfo& file = Pick(files_);
    std::vector<std::string> ops;
    const std::string name = fmt::format("P{}", p + 1);
    const bool direct = !dax_ && prng_.Below(4) == 0;
    ops.push_back(fmt::format("fd = open {} rw{}{}", file.path, direct ? " direct" : "",
                              prng_.Below(5) == 0 ? " dsync" : ""));
    bool mapped = false;
    uint64_t map_length = 0;
    if (dax_ && prng_.Below(4) != 0 && file.size > 0) {
      map_length = std::max<uint64_t>(4096, file.size / 4096 * 4096);
      ops.push_back(fmt::format("m = mmap fd 0 {} shared{}", map_length,
                                Pick<std::string>({"", " validate sync", " validate sync", " sync"})));
      mapped = true;
    }
    const uint64_t count = 2 + prng_.Below(5);
    int values = 0;
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t size = file.size;
      const uint64_t kind = prng_.Below(mapped ? 20 : 14);
      switch (kind) {
        case 0: case 1: case 2:
          ops.push_back(fmt::format("pwrite fd {} {}", Offset(size), Data()));
          break;
        case 3:
          ops.push_back(fmt::format("v{} = pread fd {} {}", ++values, Offset(size), 1 + prng_.Below(16)));
          break;
        case 4: ops.push_back(Pick<std::string>({"fsync fd", "fdatasync fd", "sync", "syncfs fd"})); break;
        case 5: ops.push_back(fmt::format("ftruncate fd {}", Pick<uint64_t>({0, 1, 4096, 8192, size / 2, size * 2 + 100}))); break;
        case 6: case 7: {
          const std::string mode = Pick<std::string>({"alloc", "keep-size", "punch-hole", "zero-range",
                                                      "collapse-range", "insert-range", "unshare-range",
                                                      "write-zeroes"});
          const uint64_t offset = prng_.Below(size / 4096 + 2) * 4096;
          ops.push_back(fmt::format("fallocate fd {} {} {}", mode, offset, 4096 * (1 + prng_.Below(3))));
          break;
        }
        case 8: ops.push_back(Pick<std::string>({"seal fd", "unseal fd"})); break;
        case 9: ops.push_back(Pick<std::string>({"close fd", "sfence", "mfence"})); break;
        case 10: ops.push_back(fmt::format("reflink fd {} fd {} 4096", prng_.Below(4) * 4096, prng_.Below(4) * 4096)); break;
        case 11: ops.push_back(Pick<std::string>({"creat /h", "unlink /h", "rename /g /h"})); break;
        case 12: case 13:
          ops.push_back(fmt::format("pwrite fd {} {}", Offset(size), Data()));
          break;
        default: {
          // Through the mapping: within it, or just past its end (a fault past EOF may SIGBUS).
          const uint64_t at = prng_.Below(map_length);
          const uint64_t room = map_length - at;
          switch (kind % 6) {
            case 0: case 1:
              ops.push_back(fmt::format("store m+{} '{}'", at, std::string(std::min<uint64_t>(room, 1 + prng_.Below(8)), 'S')));
              break;
            case 2: ops.push_back(fmt::format("persist m+{} {}", at, std::min<uint64_t>(room, 1 + prng_.Below(64)))); break;
            case 3: ops.push_back(fmt::format("{} m+{}", Pick<std::string>({"clwb", "clflushopt", "clflush"}), at)); break;
            case 4: ops.push_back(fmt::format("msync m 0 {} sync", map_length)); break;
            default: ops.push_back(fmt::format("x{} = load m+{} {}", ++values, at, std::min<uint64_t>(room, 4))); break;
          }
        }
      }
    }
    ops.back() = "end: " + ops.back();
    std::string json = "    \"" + name + "\": [";
    for (size_t i = 0; i < ops.size(); ++i) json += (i == 0 ? "" : ", ") + Quoted(ops[i]);
    return json + "]";
  }

  std::string Assertions(uint64_t process_count) {
    std::vector<std::string> asserts;
    for (size_t i = 0; i < files_.size(); ++i) {
      const FileInfo& file = files_[i];
      const std::string after =
          prng_.Coin() ? fmt::format("\"after\": \"P{}.end\", ", 1 + prng_.Below(process_count)) : "";
      std::string check;
      if (file.size == 0) {
        check = fmt::format("exists({}) -> size({}) == 0 || size({}) == 4096", file.path, file.path, file.path);
      } else {
        const uint64_t start = prng_.Below(file.size);
        const uint64_t end = std::min(file.size, start + 1 + prng_.Below(64));
        check = fmt::format("{}[{}:{}] in {{ old, zero }} || !exists({}) && done(P1.end)", file.path,
                            start, end, file.path);
      }
      asserts.push_back(fmt::format("{{\"name\": \"a{}\", {}\"check\": \"{}\"}}", i, after, check));
    }
    std::string json;
    for (size_t i = 0; i < asserts.size(); ++i) json += (i == 0 ? "\n    " : ",\n    ") + asserts[i];
    return json;
  }

  Prng prng_;
  uint64_t seed_, index_;
  bool dax_ = false;
  std::vector<FileInfo> files_;
};

}  // namespace

std::string RandomScenario(uint64_t seed, uint64_t index) {
  return Generator(seed, index).Scenario();
}

}  // namespace crashsim
