// Hasher: a canonical 128-bit hash of a value's contents, for visited-state pruning and image
// memoisation. Callers feed fields in a fixed order (ordered containers only, never addresses),
// so equal states hash equal on every machine and every run.
//
// Bulk contents (4 KiB pages and blocks, their per-byte origins) are fed as a canonical encoding
// rather than element by element: the sequence is cut into maximal arithmetic runs (first value,
// step, length), bytes packed eight to a word first. The encoding is a function of the contents
// and decodes back to them, so it tells apart exactly the sequences the elements would, and the
// usual contents (a fill, zeroes, the origins of consecutive bytes of one file) are a single run.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace crashsim {

struct Hash128 {
  uint64_t high = 0, low = 0;
  auto operator<=>(const Hash128&) const = default;
};

class Hasher {
 public:
  void Add(uint64_t value) {
    // Two independent multiply-xorshift lanes (splitmix64 finaliser over the running state).
    a_ = Mix(a_ ^ (value + 0x9e3779b97f4a7c15ULL));
    b_ = Mix(b_ + (value ^ 0xc2b2ae3d27d4eb4fULL) * 0x165667b19e3779f9ULL);
  }
  void AddBool(bool value) { Add(value ? 1 : 0); }
  void AddString(const std::string& text) { AddPacked(text.data(), text.size()); }
  void AddBytes(const std::vector<uint8_t>& bytes) { AddPacked(bytes.data(), bytes.size()); }
  // A vector of one-byte enums (flush marks), byte for byte as AddBytes.
  template <typename Enum>
    requires(std::is_enum_v<Enum> && sizeof(Enum) == 1)
  void AddEnumBytes(const std::vector<Enum>& values) {
    AddPacked(values.data(), values.size());
  }
  // A vector of wider integers (origins, clocks, ids), as AddSequence.
  template <typename T>
  void AddBytes(const std::vector<T>& values) {
    AddSequence(values);
  }
  // Any sequence of integers (a vector, an ordered set): its length, then its arithmetic runs.
  template <typename Sequence>
  void AddSequence(const Sequence& values) {
    Add(values.size());
    auto it = values.begin();
    AddRuns(values.size(), [&] { return static_cast<uint64_t>(*it++); });
  }
  Hash128 Finish() const { return Hash128{Mix(a_ ^ 0x51ed270b27a1f6d3ULL), Mix(b_ + a_)}; }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // `size` bytes: the size, then the runs of the little-endian 8-byte words they pack into (the
  // last one padded with zeroes; the size says how many of its bytes are real).
  void AddPacked(const void* data, size_t size) {
    Add(size);
    const auto* bytes = static_cast<const unsigned char*>(data);
    const size_t whole = size / 8;
    uint64_t tail = 0;
    for (size_t i = whole * 8; i < size; ++i) tail |= uint64_t{bytes[i]} << (8 * (i - whole * 8));
    size_t i = 0;
    AddRuns(whole + (size % 8 != 0), [&] {
      if (i == whole) return tail;
      uint64_t word;
      std::memcpy(&word, bytes + 8 * i++, 8);
      return LittleEndian(word);
    });
  }
  static uint64_t LittleEndian(uint64_t word) {
    if constexpr (std::endian::native == std::endian::big) return __builtin_bswap64(word);
    return word;
  }

  // The `count` words that `next()` returns as maximal arithmetic runs, each fed as (first,
  // step, length). The caller has fed the count, so the runs end where their lengths add up to it.
  template <typename Next>
  void AddRuns(size_t count, Next next) {
    if (count == 0) return;
    uint64_t first = next(), previous = first, step = 0;
    size_t length = 1;
    for (size_t i = 1; i < count; ++i) {
      const uint64_t word = next();
      if (length == 1) {
        step = word - previous;
      } else if (word - previous != step) {
        AddRun(first, step, length);
        first = word;
        step = 0;
        length = 0;
      }
      ++length;
      previous = word;
    }
    AddRun(first, step, length);
  }
  void AddRun(uint64_t first, uint64_t step, size_t length) {
    Add(first);
    Add(step);
    Add(length);
  }

  uint64_t a_ = 0x243f6a8885a308d3ULL;
  uint64_t b_ = 0x13198a2e03707344ULL;
};

}  // namespace crashsim
