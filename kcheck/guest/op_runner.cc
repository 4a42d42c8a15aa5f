#include "kcheck/guest/op_runner.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "kcheck/guest/system.h"
#include "sim/base/link_target.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

namespace crashsim::kcheck {
namespace {

sigjmp_buf access_fault;
volatile sig_atomic_t fault_signal = 0;

void OnFault(int signal_number) {
  fault_signal = signal_number;
  siglongjmp(access_fault, 1);
}

void InstallFaultHandlers() {
  struct sigaction action {};
  action.sa_handler = OnFault;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_NODEFER;
  sigaction(SIGBUS, &action, nullptr);
  sigaction(SIGSEGV, &action, nullptr);
}

uint64_t Number(const std::string& text) { return std::stoull(text); }

// The items of a comma list ("rw,direct"); "-" is an empty list.
std::vector<std::string> CommaList(const std::string& text) {
  std::vector<std::string> items;
  if (text == "-") return items;
  for (size_t start = 0; start <= text.size();) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

// Buffers for write(2) and its vector forms, each page aligned in memory (O_DIRECT needs it).
class AlignedBuffers {
 public:
  explicit AlignedBuffers(const std::vector<std::vector<uint8_t>>& contents) {
    for (const std::vector<uint8_t>& bytes : contents) {
      void* buffer = nullptr;
      if (posix_memalign(&buffer, 4096, std::max<size_t>(bytes.size(), 1)) != 0) {
        ok_ = false;
        return;
      }
      std::memcpy(buffer, bytes.data(), bytes.size());
      buffers_.push_back(buffer);
      iov_.push_back(iovec{buffer, bytes.size()});
    }
  }
  ~AlignedBuffers() {
    for (void* buffer : buffers_) free(buffer);
  }
  AlignedBuffers(const AlignedBuffers&) = delete;
  AlignedBuffers& operator=(const AlignedBuffers&) = delete;
  bool ok() const { return ok_; }
  const std::vector<iovec>& iov() const { return iov_; }

 private:
  bool ok_ = true;
  std::vector<void*> buffers_;
  std::vector<iovec> iov_;
};

std::vector<uint8_t> Data(const std::string& text) {
  auto bytes = DecodeBytes(text);
  return bytes ? *bytes : std::vector<uint8_t>{};
}

OpResult Errno() { return OpResult{ErrnoName(errno), std::nullopt}; }
OpResult Ok(uint64_t value = 0) { return OpResult{std::to_string(value), std::nullopt}; }

constexpr uint64_t kLine = 64;

// Runs `access` with SIGBUS and SIGSEGV turned into a result.
template <typename Access>
OpResult Guarded(Access access) {
  InstallFaultHandlers();
  fault_signal = 0;
  if (sigsetjmp(access_fault, 1) != 0) {
    return OpResult{fault_signal == SIGBUS ? "SIGBUS" : "SIGSEGV", std::nullopt};
  }
  return access();
}

void FlushLines(const uint8_t* begin, uint64_t length) {
  const uintptr_t first = reinterpret_cast<uintptr_t>(begin) / kLine * kLine;
  for (uintptr_t line = first; line < reinterpret_cast<uintptr_t>(begin) + length; line += kLine) {
    __builtin_ia32_clflush(reinterpret_cast<const void*>(line));
  }
}

}  // namespace

OpRunner::~OpRunner() { ReleaseAll(); }

void OpRunner::ReleaseAll() {
  for (auto& [name, mapping] : mappings_) {
    if (mapping.address != nullptr) munmap(mapping.address, mapping.length);
  }
  mappings_.clear();
  for (auto& [name, fd] : fds_) {
    if (fd >= 0) close(fd);
  }
  fds_.clear();
}

int OpRunner::Fd(const std::string& name) const {
  auto it = fds_.find(name);
  return it == fds_.end() ? -1 : it->second;
}

const OpRunner::Mapping* OpRunner::Map(const std::string& name) const {
  auto it = mappings_.find(name);
  return it == mappings_.end() || it->second.address == nullptr ? nullptr : &it->second;
}

OpResult OpRunner::Run(const JobOp& op) {
  const std::string& k = op.kind;
  const auto& a = op.args;
  if (k == "skip") return OpResult{a.empty() ? "0" : a[0], std::nullopt};
  if (k == "open") {
    int flags = O_CLOEXEC;
    int access = O_RDONLY;
    for (const std::string& flag : CommaList(a[2])) {
      if (flag == "rw") access = O_RDWR;
      if (flag == "wo") access = O_WRONLY;
      if (flag == "direct") flags |= O_DIRECT;
      if (flag == "dsync") flags |= O_DSYNC;
      if (flag == "sync") flags |= O_SYNC;
      if (flag == "creat") flags |= O_CREAT;
      if (flag == "excl") flags |= O_EXCL;
      if (flag == "append") flags |= O_APPEND;
      if (flag == "trunc") flags |= O_TRUNC;
    }
    const int fd = open(Path(a[1]).c_str(), flags | access, 0644);
    fds_[a[0]] = fd;
    return fd >= 0 ? Ok() : Errno();
  }
  if (k == "close") {
    const int fd = Fd(a[0]);
    fds_.erase(a[0]);
    if (fd < 0) return OpResult{"EBADF", std::nullopt};
    return close(fd) == 0 ? Ok() : Errno();
  }
  if (k == "pwrite" || k == "pread" || k == "fsync" || k == "fdatasync" || k == "syncfs" ||
      k == "fallocate" || k == "ftruncate" || k == "mmap" || k == "write" || k == "writev" ||
      k == "pwritev" || k == "lseek" || k == "sync_file_range") {
    const int fd = Fd(k == "mmap" ? a[1] : a[0]);
    if (fd < 0) {
      if (k == "mmap") mappings_[a[0]] = Mapping{};
      return OpResult{"EBADF", std::nullopt};
    }
    if (k == "pwrite" || k == "write" || k == "writev" || k == "pwritev") {
      // pwrite FD OFFSET DATA, write FD DATA, writev FD DATA..., pwritev FD OFFSET DATA...
      const bool positional = k == "pwrite" || k == "pwritev";
      std::vector<std::vector<uint8_t>> contents;
      for (size_t i = positional ? 2 : 1; i < a.size(); ++i) contents.push_back(Data(a[i]));
      AlignedBuffers buffers(contents);
      if (!buffers.ok()) return Errno();
      const std::vector<iovec>& iov = buffers.iov();
      ssize_t n = 0;
      if (k == "pwrite") n = pwrite(fd, iov[0].iov_base, iov[0].iov_len, static_cast<off_t>(Number(a[1])));
      if (k == "write") n = write(fd, iov[0].iov_base, iov[0].iov_len);
      if (k == "writev") n = writev(fd, iov.data(), static_cast<int>(iov.size()));
      if (k == "pwritev") {
        n = pwritev(fd, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(Number(a[1])));
      }
      return n >= 0 ? Ok(static_cast<uint64_t>(n)) : Errno();
    }
    if (k == "lseek") {
      const std::string& name = a[2];
      const int whence = name == "set"   ? SEEK_SET
                         : name == "cur" ? SEEK_CUR
                         : name == "end" ? SEEK_END
                         : name == "data" ? SEEK_DATA
                                          : SEEK_HOLE;
      const off_t position = lseek(fd, static_cast<off_t>(std::stoll(a[1])), whence);
      return position >= 0 ? Ok(static_cast<uint64_t>(position)) : Errno();
    }
    if (k == "sync_file_range") {
      unsigned int flags = 0;
      for (const std::string& flag : CommaList(a[3])) {
        if (flag == "wait_before") flags |= SYNC_FILE_RANGE_WAIT_BEFORE;
        if (flag == "write") flags |= SYNC_FILE_RANGE_WRITE;
        if (flag == "wait_after") flags |= SYNC_FILE_RANGE_WAIT_AFTER;
      }
      return sync_file_range(fd, static_cast<off_t>(Number(a[1])),
                             static_cast<off_t>(Number(a[2])), flags) == 0
                 ? Ok()
                 : Errno();
    }
    if (k == "pread") {
      const uint64_t length = Number(a[2]);
      void* buffer = nullptr;
      if (posix_memalign(&buffer, 4096, std::max<size_t>(length, 1)) != 0) return Errno();
      const ssize_t n = pread(fd, buffer, length, static_cast<off_t>(Number(a[1])));
      OpResult result = n >= 0 ? Ok(static_cast<uint64_t>(n)) : Errno();
      if (n >= 0) {
        result.read = std::vector<uint8_t>(static_cast<uint8_t*>(buffer),
                                           static_cast<uint8_t*>(buffer) + n);
      }
      free(buffer);
      return result;
    }
    if (k == "fsync") return fsync(fd) == 0 ? Ok() : Errno();
    if (k == "fdatasync") return fdatasync(fd) == 0 ? Ok() : Errno();
    if (k == "syncfs") return syncfs(fd) == 0 ? Ok() : Errno();
    if (k == "ftruncate") {
      return ftruncate(fd, static_cast<off_t>(Number(a[1]))) == 0 ? Ok() : Errno();
    }
    if (k == "fallocate") {
      const std::string& mode_name = a[1];
      int mode = 0;
      if (mode_name == "keep-size") mode = FALLOC_FL_KEEP_SIZE;
      if (mode_name == "punch-hole") mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
      if (mode_name == "zero-range") mode = FALLOC_FL_ZERO_RANGE;
      if (mode_name == "collapse-range") mode = FALLOC_FL_COLLAPSE_RANGE;
      if (mode_name == "insert-range") mode = FALLOC_FL_INSERT_RANGE;
      if (mode_name == "unshare-range") mode = FALLOC_FL_UNSHARE_RANGE;
      return fallocate(fd, mode, static_cast<off_t>(Number(a[2])),
                       static_cast<off_t>(Number(a[3]))) == 0
                 ? Ok()
                 : Errno();
    }
    // mmap M FD OFFSET LENGTH shared|private VALIDATE SYNC
    const bool shared = a[4] == "shared";
    int flags = shared ? (a[5] == "1" ? MAP_SHARED_VALIDATE : MAP_SHARED) : MAP_PRIVATE;
    if (a[6] == "1") flags |= MAP_SYNC;
    const int access = fcntl(fd, F_GETFL) & O_ACCMODE;
    const int protection = PROT_READ | ((access == O_RDWR || !shared) ? PROT_WRITE : 0);
    const uint64_t length = Number(a[3]);
    void* address =
        mmap(nullptr, length, protection, flags, fd, static_cast<off_t>(Number(a[2])));
    if (address == MAP_FAILED) {
      mappings_[a[0]] = Mapping{};
      return Errno();
    }
    mappings_[a[0]] = Mapping{static_cast<uint8_t*>(address), length};
    return Ok();
  }
  if (k == "munmap") {
    const Mapping* mapping = Map(a[0]);
    if (mapping == nullptr) return OpResult{"EINVAL", std::nullopt};
    const int status = munmap(mapping->address, mapping->length);
    mappings_.erase(a[0]);
    return status == 0 ? Ok() : Errno();
  }
  if (k == "store" || k == "ntstore" || k == "load" || k == "clwb" || k == "clflushopt" ||
      k == "clflush" || k == "flush" || k == "persist" || k == "msync") {
    const Mapping* mapping = Map(a[0]);
    const uint64_t offset = Number(a[1]);
    const uint64_t span = (k == "store" || k == "ntstore") ? Data(a[2]).size()
                          : (k == "load" || k == "flush" || k == "persist" || k == "msync")
                              ? Number(a[2])
                              : 1;
    if (k == "msync") {
      if (mapping == nullptr) return OpResult{"ENOMEM", std::nullopt};
      const int flags = a[3] == "sync" ? MS_SYNC : MS_ASYNC;
      return msync(mapping->address + offset, span, flags) == 0 ? Ok() : Errno();
    }
    if (mapping == nullptr || offset + span > mapping->length) {
      return OpResult{"SIGSEGV", std::nullopt};
    }
    uint8_t* at = mapping->address + offset;
    if (k == "store" || k == "ntstore") {
      const std::vector<uint8_t> data = Data(a[2]);
      return Guarded([&] {
        volatile uint8_t* target = at;
        for (size_t i = 0; i < data.size(); ++i) target[i] = data[i];
        if (k == "ntstore") __builtin_ia32_sfence();
        return Ok();
      });
    }
    if (k == "load") {
      return Guarded([&] {
        std::vector<uint8_t> bytes(span);
        const volatile uint8_t* source = at;
        for (size_t i = 0; i < span; ++i) bytes[i] = source[i];
        OpResult result = Ok(span);
        result.read = std::move(bytes);
        return result;
      });
    }
    return Guarded([&] {
      FlushLines(at, span);
      if (k == "persist") __builtin_ia32_sfence();
      return Ok();
    });
  }
  if (k == "sfence") {
    __builtin_ia32_sfence();
    return Ok();
  }
  if (k == "mfence") {
    __builtin_ia32_mfence();
    return Ok();
  }
  if (k == "sync") {
    ::sync();
    return Ok();
  }
  if (k == "reflink" || k == "dedupe") {
    const int fd = Fd(a[0]), fd2 = Fd(a[2]);
    if (fd < 0 || fd2 < 0) return OpResult{"EBADF", std::nullopt};
    if (k == "reflink") {
      file_clone_range range{};
      range.src_fd = fd2;
      range.src_offset = Number(a[3]);
      range.src_length = Number(a[4]);
      range.dest_offset = Number(a[1]);
      return ioctl(fd, FICLONERANGE, &range) == 0 ? Ok() : Errno();
    }
    std::vector<uint8_t> buffer(sizeof(file_dedupe_range) + sizeof(file_dedupe_range_info));
    auto* range = reinterpret_cast<file_dedupe_range*>(buffer.data());
    range->src_offset = Number(a[3]);
    range->src_length = Number(a[4]);
    range->dest_count = 1;
    range->info[0].dest_fd = fd;
    range->info[0].dest_offset = Number(a[1]);
    if (ioctl(fd2, FIDEDUPERANGE, range) != 0) return Errno();
    if (range->info[0].status < 0) return OpResult{ErrnoName(-range->info[0].status), std::nullopt};
    return Ok();
  }
  if (k == "creat") {
    const int fd = open(Path(a[0]).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Errno();
    close(fd);
    return Ok();
  }
  if (k == "unlink") return unlink(Path(a[0]).c_str()) == 0 ? Ok() : Errno();
  if (k == "rename") {
    const unsigned int flags = a.size() < 3            ? 0
                               : a[2] == "noreplace" ? RENAME_NOREPLACE
                                                     : RENAME_EXCHANGE;
    return renameat2(AT_FDCWD, Path(a[0]).c_str(), AT_FDCWD, Path(a[1]).c_str(), flags) == 0
               ? Ok()
               : Errno();
  }
  if (k == "mkdir") return mkdir(Path(a[0]).c_str(), 0755) == 0 ? Ok() : Errno();
  if (k == "rmdir") return rmdir(Path(a[0]).c_str()) == 0 ? Ok() : Errno();
  if (k == "link") return link(Path(a[0]).c_str(), Path(a[1]).c_str()) == 0 ? Ok() : Errno();
  // An absolute target names a path of the scenario's file system, which is mounted under the
  // runner's root: it is stored relative to the link, so that it resolves there (the views show
  // either form as the same path, sim/base/link_target.h).
  if (k == "symlink") {
    const std::string target = a[0][0] == '/' ? RelativeLinkTarget(a[1], a[0]) : a[0];
    return symlink(target.c_str(), Path(a[1]).c_str()) == 0 ? Ok() : Errno();
  }
  if (k == "truncate") {
    return truncate(Path(a[0]).c_str(), static_cast<off_t>(Number(a[1]))) == 0 ? Ok() : Errno();
  }
  return OpResult{"unknown-op:" + k, std::nullopt};
}

}  // namespace crashsim::kcheck
