// "/config": platform and file-system parameters (docs/scenario-format.md, "Config"). Every key is
// optional; an absent one keeps Config{}'s default.
#include <string>

#include "sim/scenario/return_if_error.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

template <typename Enum>
Status ReadEnum(const Json& config, const char* key, bool (*parse)(const std::string&, Enum*),
                const char* choices, Enum* out) {
  if (!config.contains(key)) return Status();
  const std::string pointer = PointerJoin("/config", key);
  std::string name;
  RETURN_IF_ERROR(ReadString(config.at(key), pointer, &name));
  if (!parse(name, out)) {
    return ErrorAt(
        pointer, "unknown " + std::string(key) + " " + Quote(name) + " (expected " + choices + ")");
  }
  return Status();
}

}  // namespace

Status ReadConfig(const Json& value, Config* out) {
  RETURN_IF_ERROR(CheckObject(value, "/config",
                              {"platform", "fs", "device_cache", "delalloc", "namespace",
                               "block_size", "sector_bytes", "background", "privileged",
                               "auto_da_alloc", "free_blocks"},
                              {}));
  RETURN_IF_ERROR(ReadEnum(value, "platform", ParsePlatform, "adr, eadr, none", &out->platform));
  RETURN_IF_ERROR(
      ReadEnum(value, "fs", ParseFsKind, "xfs, ext4-ordered, ext4-writeback", &out->fs));
  RETURN_IF_ERROR(ReadEnum(value, "device_cache", ParseDeviceCache,
                           "volatile-fua, volatile-no-fua, none", &out->device_cache));
  RETURN_IF_ERROR(ReadEnum(value, "delalloc", ParseDelalloc,
                           "unwritten-until-io, written-before-data", &out->delalloc));
  RETURN_IF_ERROR(ReadEnum(value, "namespace", ParseNamespace, "journal-prefix, posix-minimal",
                           &out->name_space));
  RETURN_IF_ERROR(
      ReadEnum(value, "background", ParseBackground, "explore, none", &out->background));
  if (value.contains("auto_da_alloc")) {
    std::string setting;
    RETURN_IF_ERROR(ReadString(value.at("auto_da_alloc"), "/config/auto_da_alloc", &setting));
    if (setting != "on" && setting != "off") {
      return ErrorAt("/config/auto_da_alloc",
                     "unknown auto_da_alloc " + Quote(setting) + " (expected on, off)");
    }
    if (out->fs == FsKind::kXfs) {
      return ErrorAt("/config/auto_da_alloc",
                     "auto_da_alloc is an ext4 mount option; fs is xfs (set fs to ext4-ordered "
                     "or ext4-writeback, or drop the key)");
    }
    out->auto_da_alloc = setting == "on";
  }
  if (value.contains("free_blocks")) {
    uint64_t blocks = 0;
    RETURN_IF_ERROR(ReadUint64(value.at("free_blocks"), "/config/free_blocks", &blocks));
    if (blocks > (uint64_t{1} << 32)) {
      return ErrorAt("/config/free_blocks", "free_blocks must be at most 2^32, got " +
                                                std::to_string(blocks));
    }
    out->free_blocks = blocks;
  }
  if (value.contains("block_size")) {
    uint64_t bytes = 0;
    RETURN_IF_ERROR(ReadUint64(value.at("block_size"), "/config/block_size", &bytes));
    if (bytes != 4096) {
      return ErrorAt(
          "/config/block_size",
          "block_size must be 4096 (the only block size modelled), got " + std::to_string(bytes));
    }
    out->block_size = 4096;
  }
  if (value.contains("sector_bytes")) {
    uint64_t bytes = 0;
    RETURN_IF_ERROR(ReadUint64(value.at("sector_bytes"), "/config/sector_bytes", &bytes));
    if (bytes != 4096 && bytes != 512) {
      return ErrorAt("/config/sector_bytes",
                     "sector_bytes must be 4096 or 512, got " + std::to_string(bytes));
    }
    out->sector_bytes = static_cast<uint32_t>(bytes);
  }
  if (value.contains("privileged")) {
    const Json& list = value.at("privileged");
    RETURN_IF_ERROR(ExpectArray(list, "/config/privileged"));
    out->privileged_all = false;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string name;
      RETURN_IF_ERROR(ReadString(list.at(i), PointerJoin("/config/privileged", i), &name));
      bool seen = false;
      for (const std::string& earlier : out->privileged) seen = seen || earlier == name;
      if (!seen) out->privileged.push_back(name);
    }
  }
  return Status();
}

Status CheckPrivileged(const Json& config, const Scenario& scenario) {
  if (!config.contains("privileged")) return Status();
  const Json& list = config.at("privileged");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& name = list.at(i).get_ref<const std::string&>();
    bool found = false;
    std::string names;
    for (const Process& process : scenario.processes) {
      found = found || process.name == name;
      names += (names.empty() ? "" : ", ") + process.name;
    }
    if (!found) {
      return ErrorAt(PointerJoin("/config/privileged", i),
                     "no process " + Quote(name) +
                         " (processes: " + (names.empty() ? std::string("none") : names) + ")");
    }
  }
  return Status();
}

}  // namespace crashsim
