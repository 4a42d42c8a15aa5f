#include "sim/oracles/byte_runs.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "models/untouched_span.h"

namespace crashsim {

ByteRuns ByteRuns::Of(const std::vector<uint8_t>& bytes) {
  ByteRuns runs;
  runs.AppendBytes(bytes);
  return runs;
}

void ByteRuns::AppendFill(uint64_t length, uint8_t byte) {
  if (length == 0) return;
  size_ += length;
  if (!pieces_.empty() && pieces_.back().bytes.empty() && pieces_.back().fill == byte) {
    pieces_.back().length += length;
    return;
  }
  pieces_.push_back(Piece{length, byte, {}});
}

void ByteRuns::AppendBytes(std::vector<uint8_t> bytes) {
  if (bytes.empty()) return;
  size_ += bytes.size();
  const uint64_t length = bytes.size();
  pieces_.push_back(Piece{length, 0, std::move(bytes)});
}

bool ByteRuns::operator==(const ByteRuns& other) const {
  if (size_ != other.size_) return false;
  // Walk both piece lists together; a fill against a fill compares once per overlap.
  size_t i = 0, j = 0;
  uint64_t at_i = 0, at_j = 0;  // offsets within the current pieces
  while (i < pieces_.size() && j < other.pieces_.size()) {
    const Piece& a = pieces_[i];
    const Piece& b = other.pieces_[j];
    const uint64_t take = std::min(a.length - at_i, b.length - at_j);
    if (a.bytes.empty() && b.bytes.empty()) {
      if (a.fill != b.fill) return false;
    } else {
      for (uint64_t k = 0; k < take; ++k) {
        if (a.At(at_i + k) != b.At(at_j + k)) return false;
      }
    }
    at_i += take;
    at_j += take;
    if (at_i == a.length) ++i, at_i = 0;
    if (at_j == b.length) ++j, at_j = 0;
  }
  return true;
}

std::string RenderRuns(const ByteRuns& runs, const TextRuns& texts) {
  if (runs.size() == 0) return "(no bytes)";
  const auto& pieces = runs.pieces();
  const uint8_t first = pieces.front().At(0);
  bool uniform = true, printable = true;
  for (const ByteRuns::Piece& piece : pieces) {
    const auto check = [&](uint8_t b) {
      uniform = uniform && b == first;
      printable = printable && b >= 0x20 && b < 0x7f && b != '\'';
    };
    if (piece.bytes.empty()) {
      check(piece.fill);
    } else {
      for (uint8_t b : piece.bytes) check(b);
    }
  }
  if (uniform && runs.size() > 1 && !(printable && runs.size() <= texts[first])) {
    return fmt::format("fill({:02x}, {})", first, runs.size());
  }
  const uint64_t shown = std::min<uint64_t>(runs.size(), 32);
  std::vector<uint8_t> head;
  for (const ByteRuns::Piece& piece : pieces) {
    for (uint64_t k = 0; k < piece.length && head.size() < shown; ++k) head.push_back(piece.At(k));
    if (head.size() == shown) break;
  }
  std::string text;
  if (printable) {
    text = "'" + std::string(head.begin(), head.end()) + "'";
  } else {
    text = "0x";
    for (uint8_t b : head) text += fmt::format("{:02x}", b);
  }
  if (shown < runs.size()) text += fmt::format("... ({} bytes)", runs.size());
  return text;
}

void FileRangeAddresses(const RecoveredState& state, const std::string& path, uint64_t begin,
                        uint64_t end, uint64_t block_size, std::vector<AddressRange>* out) {
  const RecoveredFile* file = state.File(path);
  if (file == nullptr) return;
  end = std::min(end, file->core.size_bytes);
  if (begin >= end) return;
  // Run by run: one range per written run, whatever its length.
  file->core.extents.ForEachRun(
      begin / block_size, (end - 1) / block_size + 1, [&](const ExtentMap::Run& run) {
        if (run.start.state != ExtentState::kWritten) return true;
        const uint64_t lo = std::max(begin, run.first * block_size);
        const uint64_t hi = std::min(end, run.end() * block_size);
        const uint64_t address =
            run.start.physical_block * block_size + (lo - run.first * block_size);
        out->push_back({address, address + (hi - lo)});
        return true;
      });
}

std::optional<ByteRuns> ReadRangeRuns(const Machine& machine, const RecoveredState& state,
                                      const std::string& path, uint64_t begin, uint64_t end) {
  const RecoveredFile* file = state.File(path);
  if (file == nullptr || end > file->core.size_bytes) return std::nullopt;
  const uint64_t bs = machine.block_size();
  const auto span_end = [&](uint64_t end_block) {
    return end_block > end / bs ? end : std::min(end, end_block * bs);
  };
  ByteRuns out;
  for (uint64_t offset = begin; offset < end;) {
    const uint64_t block = offset / bs;
    const ExtentMap::Run* run = file->core.extents.RunAt(block);
    if (run == nullptr || run->start.state != ExtentState::kWritten) {
      uint64_t next = end;
      if (run != nullptr) {
        next = span_end(run->end());
      } else if (const auto mapped = file->core.extents.NextFrom(block)) {
        next = span_end(mapped->first);
      }
      out.AppendFill(next - offset, 0);
      offset = next;
      continue;
    }
    if (const auto untouched =
            UntouchedFrom(machine.device, run->At(block).physical_block, run->end() - block)) {
      const uint64_t next = span_end(block + untouched->count);
      if (untouched->file_ino == 0) {
        out.AppendFill(next - offset, untouched->fill);
      } else {
        // The initial file's fill below its initial size, zero from there on.
        const uint64_t initial = untouched->file_offset + offset % bs;
        const uint64_t filled =
            initial >= untouched->file_size ? 0 : std::min(next - offset, untouched->file_size - initial);
        out.AppendFill(filled, untouched->fill);
        out.AppendFill(next - offset - filled, 0);
      }
      offset = next;
      continue;
    }
    const uint64_t next = std::min(end, (block + 1) * bs);
    out.AppendBytes(state.ReadIno(file->ino, offset, next).bytes);
    offset = next;
  }
  return out;
}

std::optional<ByteRuns> InitialRuns(const Scenario& scenario, const std::string& path,
                                    uint64_t begin, uint64_t end) {
  for (const FileSpec& file : scenario.files) {
    if (file.path != path) continue;
    if (end > file.size_bytes) return std::nullopt;
    ByteRuns out;
    uint64_t at = begin;
    for (const FilePiece& piece : file.pieces) {
      const uint64_t lo = std::max(at, piece.offset_bytes);
      const uint64_t hi = std::min(end, piece.offset_bytes + piece.length_bytes);
      if (lo >= hi) continue;
      out.AppendFill(hi - lo, piece.layout == Layout::kWritten ? piece.fill : 0);
      at = hi;
    }
    out.AppendFill(end - at, 0);
    return out;
  }
  return std::nullopt;
}

}  // namespace crashsim
