// "/files" and "/dirs": what exists, durable, before the first step (docs/scenario-format.md,
// "Files and directories"). A layout becomes pieces covering [0, size rounded up to a whole block).
#include <map>
#include <optional>
#include <set>
#include <string>

#include "sim/scenario/return_if_error.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

constexpr const char* kLayoutChoices = "written, unwritten, hole";

Status ReadLayoutName(const Json& value, const std::string& pointer, Layout* out) {
  std::string name;
  RETURN_IF_ERROR(ReadString(value, pointer, &name));
  if (name == "written") {
    *out = Layout::kWritten;
  } else if (name == "unwritten") {
    *out = Layout::kUnwritten;
  } else if (name == "hole") {
    *out = Layout::kHole;
  } else {
    return ErrorAt(pointer, "unknown layout " + Quote(name) + " (expected " + kLayoutChoices + ")");
  }
  return Status();
}

// `fill` of a file spec or a piece: required for `written`, an error otherwise.
Status ReadFill(const Json& object, const std::string& pointer, Layout layout, uint8_t* out) {
  const std::string fill_pointer = PointerJoin(pointer, "fill");
  if (layout != Layout::kWritten) {
    if (!object.contains("fill")) return Status();
    return ErrorAt(fill_pointer,
                   "'fill' is only for a written layout; this one is " +
                       std::string(layout == Layout::kHole ? "'hole'" : "'unwritten'") +
                       " and reads zero");
  }
  if (!object.contains("fill")) {
    return ErrorAt(pointer, "missing required key 'fill' (a written layout needs its byte)");
  }
  std::string text;
  RETURN_IF_ERROR(ReadString(object.at("fill"), fill_pointer, &text));
  StatusOr<uint8_t> byte = ParseHexByte(text);
  if (!byte.ok()) return ErrorAt(fill_pointer, byte.status().message());
  *out = *byte;
  return Status();
}

Status ReadPieces(const Json& list, const std::string& pointer, uint64_t rounded_bytes,
                  uint64_t size_bytes, uint32_t block_size, FileSpec* file) {
  uint64_t covered = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string piece_pointer = PointerJoin(pointer, i);
    const Json& piece = list.at(i);
    RETURN_IF_ERROR(CheckObject(piece, piece_pointer, {"offset", "length", "layout", "fill"},
                                {"offset", "length", "layout"}));
    FilePiece out;
    RETURN_IF_ERROR(
        ReadUint64(piece.at("offset"), PointerJoin(piece_pointer, "offset"), &out.offset_bytes));
    RETURN_IF_ERROR(
        ReadUint64(piece.at("length"), PointerJoin(piece_pointer, "length"), &out.length_bytes));
    RETURN_IF_ERROR(
        ReadLayoutName(piece.at("layout"), PointerJoin(piece_pointer, "layout"), &out.layout));
    RETURN_IF_ERROR(ReadFill(piece, piece_pointer, out.layout, &out.fill));
    if (out.offset_bytes != covered) {
      return ErrorAt(PointerJoin(piece_pointer, "offset"),
                     "piece starts at " + std::to_string(out.offset_bytes) +
                         " but the pieces before it end at " + std::to_string(covered) +
                         " (pieces come in order, without gaps or overlaps)");
    }
    if (out.length_bytes == 0 || out.length_bytes % block_size != 0) {
      return ErrorAt(PointerJoin(piece_pointer, "length"),
                     "length " + std::to_string(out.length_bytes) +
                         " is not a positive multiple of the block size, " +
                         std::to_string(block_size));
    }
    if (out.length_bytes > rounded_bytes - covered) {
      return ErrorAt(PointerJoin(piece_pointer, "length"),
                     "piece [" + std::to_string(out.offset_bytes) + ", " +
                         std::to_string(out.offset_bytes + out.length_bytes) +
                         ") reaches past the file's last block, which ends at " +
                         std::to_string(rounded_bytes));
    }
    covered += out.length_bytes;
    file->pieces.push_back(out);
  }
  if (covered != rounded_bytes) {
    return ErrorAt(pointer, "pieces cover [0, " + std::to_string(covered) + ") but a file of " +
                                std::to_string(size_bytes) + " bytes needs [0, " +
                                std::to_string(rounded_bytes) + ")");
  }
  return Status();
}

Status ReadFile(const std::string& path, const Json& spec, uint32_t block_size, FileSpec* file,
                std::optional<uint8_t>* stale) {
  const std::string pointer = PointerJoin("/files", path);
  Status path_ok = CheckPath(path);
  if (!path_ok.ok()) return ErrorAt(pointer, path_ok.message());
  RETURN_IF_ERROR(CheckObject(spec, pointer, {"size", "layout", "fill", "dax", "sealed", "stale"},
                              {"size", "layout"}));
  file->path = path;
  RETURN_IF_ERROR(ReadUint64(spec.at("size"), PointerJoin(pointer, "size"), &file->size_bytes));
  if (file->size_bytes > kMaxFileOffset) {
    return ErrorAt(PointerJoin(pointer, "size"), "size " + std::to_string(file->size_bytes) +
                                                     " passes the largest file offset, 2^63 - 1");
  }
  const uint64_t rounded_bytes = (file->size_bytes + block_size - 1) / block_size * block_size;
  const Json& layout = spec.at("layout");
  const std::string layout_pointer = PointerJoin(pointer, "layout");
  if (layout.is_array()) {
    if (spec.contains("fill")) {
      return ErrorAt(PointerJoin(pointer, "fill"),
                     "'fill' belongs in each written piece when the layout is a list of pieces");
    }
    RETURN_IF_ERROR(
        ReadPieces(layout, layout_pointer, rounded_bytes, file->size_bytes, block_size, file));
  } else if (layout.is_string()) {
    FilePiece piece;
    RETURN_IF_ERROR(ReadLayoutName(layout, layout_pointer, &piece.layout));
    RETURN_IF_ERROR(ReadFill(spec, pointer, piece.layout, &piece.fill));
    piece.length_bytes = rounded_bytes;
    if (rounded_bytes > 0) file->pieces.push_back(piece);
  } else {
    return ErrorAt(layout_pointer, std::string("expected a layout (") + kLayoutChoices +
                                       ") or a list of pieces, got " + Describe(layout));
  }
  if (spec.contains("dax")) {
    RETURN_IF_ERROR(ReadBool(spec.at("dax"), PointerJoin(pointer, "dax"), &file->dax));
  }
  if (spec.contains("sealed")) {
    RETURN_IF_ERROR(ReadBool(spec.at("sealed"), PointerJoin(pointer, "sealed"), &file->sealed));
  }
  if (file->sealed) {
    for (const FilePiece& piece : file->pieces) {
      if (piece.layout != Layout::kWritten) {
        return ErrorAt(PointerJoin(pointer, "sealed"),
                       "a sealed file is fully written, but [" +
                           std::to_string(piece.offset_bytes) + ", " +
                           std::to_string(piece.offset_bytes + piece.length_bytes) + ") is not");
      }
    }
  }
  if (spec.contains("stale")) {
    const std::string stale_pointer = PointerJoin(pointer, "stale");
    std::string text;
    RETURN_IF_ERROR(ReadString(spec.at("stale"), stale_pointer, &text));
    StatusOr<uint8_t> byte = ParseHexByte(text);
    if (!byte.ok()) return ErrorAt(stale_pointer, byte.status().message());
    *stale = *byte;
  }
  return Status();
}

// Ok when no proper parent directory of `path` is one of the files.
Status CheckParents(const std::string& path, const std::string& pointer,
                    const std::set<std::string>& files) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string parent = path.substr(0, slash);
    if (files.count(parent) != 0) {
      return ErrorAt(pointer, Quote(parent) + " is a file, so it cannot be a directory holding " +
                                  Quote(path));
    }
  }
  return Status();
}

std::string HexByte(uint8_t byte) {
  const char* digits = "0123456789ABCDEF";
  return std::string{digits[byte >> 4], digits[byte & 15]};
}

}  // namespace

Status ReadFiles(const Json& value, Scenario* out) {
  if (!value.is_object()) {
    return ErrorAt("/files", "expected an object of path -> file, got " + Describe(value));
  }
  std::map<std::string, FileSpec> files;  // sorted by path
  std::string stale_from;                 // the file that named the stale byte first
  for (const auto& [path, spec] : value.items()) {
    FileSpec file;
    std::optional<uint8_t> stale;
    RETURN_IF_ERROR(ReadFile(path, spec, out->config.block_size, &file, &stale));
    if (stale.has_value()) {
      if (out->stale_fill.has_value() && *out->stale_fill != *stale) {
        return ErrorAt(PointerJoin(PointerJoin("/files", path), "stale"),
                       "stale byte " + HexByte(*stale) + " differs from " +
                           HexByte(*out->stale_fill) + " named by " + stale_from +
                           ": the device's free blocks hold one byte");
      }
      if (!out->stale_fill.has_value()) stale_from = path;
      out->stale_fill = stale;
    }
    files.emplace(path, std::move(file));
  }
  std::set<std::string> paths;
  for (const auto& [path, unused] : files) paths.insert(path);
  for (auto& [path, file] : files) {
    RETURN_IF_ERROR(CheckParents(path, PointerJoin("/files", path), paths));
    out->files.push_back(std::move(file));
  }
  return Status();
}

Status ReadDirs(const Json& value, Scenario* out) {
  RETURN_IF_ERROR(ExpectArray(value, "/dirs"));
  std::set<std::string> files;
  for (const FileSpec& file : out->files) files.insert(file.path);
  std::set<std::string> dirs;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string pointer = PointerJoin("/dirs", i);
    std::string path;
    RETURN_IF_ERROR(ReadString(value.at(i), pointer, &path));
    Status path_ok = CheckPath(path);
    if (!path_ok.ok()) return ErrorAt(pointer, path_ok.message());
    if (files.count(path) != 0) {
      return ErrorAt(pointer, Quote(path) + " is listed under 'files' too; it cannot be both");
    }
    RETURN_IF_ERROR(CheckParents(path, pointer, files));
    dirs.insert(path);
  }
  out->dirs.assign(dirs.begin(), dirs.end());
  return Status();
}

}  // namespace crashsim
