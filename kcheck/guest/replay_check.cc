#include "kcheck/guest/replay_check.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "kcheck/guest/log_replay.h"
#include "kcheck/guest/scenario_setup.h"
#include "kcheck/guest/system.h"
#include "sim/base/link_target.h"

namespace crashsim::kcheck {
namespace {

constexpr uint64_t kWindowBytes = 4 << 20;

// Reads the log device with O_DIRECT (the device-mapper target wrote it below the page cache)
// through an aligned window, so sequential reads cost one large read each.
class LogDeviceReader {
 public:
  explicit LogDeviceReader(const std::string& path) {
    fd_ = open(path.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
  }
  ~LogDeviceReader() {
    if (fd_ >= 0) close(fd_);
    free(window_);
  }
  bool ok() const { return fd_ >= 0; }

  bool Read(uint64_t offset, uint64_t length, uint8_t* out) {
    while (length > 0) {
      if (window_ == nullptr || offset < window_begin_ || offset >= window_begin_ + window_bytes_) {
        if (!Fill(offset / 4096 * 4096)) return false;
      }
      const uint64_t take = std::min(length, window_begin_ + window_bytes_ - offset);
      std::memcpy(out, window_ + (offset - window_begin_), take);
      out += take;
      offset += take;
      length -= take;
    }
    return true;
  }

 private:
  bool Fill(uint64_t begin) {
    if (window_ == nullptr &&
        posix_memalign(reinterpret_cast<void**>(&window_), 4096, kWindowBytes) != 0) {
      window_ = nullptr;
      return false;
    }
    const ssize_t n = pread(fd_, window_, kWindowBytes, static_cast<off_t>(begin));
    if (n <= 0) return false;
    window_begin_ = begin;
    window_bytes_ = static_cast<uint64_t>(n);
    return true;
  }

  int fd_ = -1;
  uint8_t* window_ = nullptr;
  uint64_t window_begin_ = 0;
  uint64_t window_bytes_ = 0;
};

class ImageFile : public ReplayTarget {
 public:
  explicit ImageFile(int fd) : fd_(fd) {}
  bool Write(uint64_t offset, const uint8_t* data, uint64_t length) override {
    return pwrite(fd_, data, length, static_cast<off_t>(offset)) == static_cast<ssize_t>(length);
  }
  bool Punch(uint64_t offset, uint64_t length) override {
    return fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                     static_cast<off_t>(length)) == 0;
  }

 private:
  int fd_;
};

// Mounts a copy of the image and reads the view paths.
void ReadPoint(const JobScenario& scenario, const ReplaySpace& space, ReplayPoint* point) {
  std::string error;
  if (!CopySparse(space.image, space.scratch, &error)) {
    point->mount_error = error;
    return;
  }
  LoopDevice loop;
  if (!loop.Attach(space.scratch, &error)) {
    point->mount_error = error;
    unlink(space.scratch.c_str());
    return;
  }
  JobScenario plain = scenario;
  plain.pmem = false;
  if (!MountFileSystem(plain, loop.path(), space.mount_point, &error)) {
    point->mount_error = error;
  } else {
    for (const std::string& path : scenario.view_paths) {
      ResultFile file;
      file.path = path;
      const std::string full = space.mount_point + path;
      struct stat st {};
      if (lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        file.exists = true;
        file.size_bytes = static_cast<uint64_t>(st.st_size);
        if (!ReadWholeFile(full, &file.bytes, &error)) point->mount_error = error;
      } else if (lstat(full.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        file.special = "dir";
      } else if (lstat(full.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        char target[4096];
        const ssize_t length = readlink(full.c_str(), target, sizeof target);
        if (length >= 0) {
          file.special = "link:" + LinkTargetAsPath(path, std::string(target, static_cast<size_t>(length)));
        }
      }
      point->files.push_back(std::move(file));
    }
    if (umount2(space.mount_point.c_str(), 0) != 0 && point->mount_error.empty()) {
      point->mount_error = std::string("umount: ") + std::strerror(errno);
    }
  }
  loop.Detach(&error);
  unlink(space.scratch.c_str());
}

}  // namespace

bool ReplayAndRead(const JobScenario& scenario, const ReplaySpace& space, ScenarioResult* result,
                   std::string* error) {
  LogDeviceReader device(space.log_device);
  if (!device.ok()) {
    *error = "cannot open " + space.log_device + ": " + std::strerror(errno);
    return false;
  }
  LogReader log([&](uint64_t offset, uint64_t length, uint8_t* out) {
    return device.Read(offset, length, out);
  });
  if (!log.Open(error)) return false;
  result->log_entries = log.entries();
  unlink(space.image.c_str());
  const int image_fd = open(space.image.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (image_fd < 0 || ftruncate(image_fd, static_cast<off_t>(space.device_bytes)) != 0) {
    *error = "cannot make " + space.image + ": " + std::strerror(errno);
    if (image_fd >= 0) close(image_fd);
    return false;
  }
  ImageFile image(image_fd);
  const size_t ops = scenario.ops.size();
  bool started = false;
  size_t segment = 1;
  bool changed = true;  // the image changed since the last point that was mounted
  int last_read = -1;  // index of the last point that was mounted
  LogEntry entry;
  std::vector<uint8_t> data;
  bool finished = false;
  while (!finished && log.Next(&entry, &data, error)) {
    const bool wrote = ApplyEntry(entry, data, log.sector_bytes(), &image, error);
    if (!error->empty()) break;
    changed = changed || wrote;
    if (!started) {
      started = entry.flags & kLogMark && entry.mark == "start";
      finished = started && ops == 0;
      continue;
    }
    if (!IsReplayPoint(entry)) continue;
    size_t point_segment = segment;
    if (entry.flags & kLogMark) {
      if (entry.mark.rfind("op-", 0) == 0) {
        point_segment = static_cast<size_t>(std::strtoull(entry.mark.c_str() + 3, nullptr, 10));
        segment = point_segment + 1;
        finished = point_segment >= ops;
      }
    }
    ReplayPoint point{point_segment, entry.index, PointKind(entry), "", {}};
    if (changed || last_read < 0) {
      ReadPoint(scenario, space, &point);
      changed = false;
      last_read = static_cast<int>(result->points.size());
    } else {
      point.mount_error = result->points[last_read].mount_error;
      point.files = result->points[last_read].files;
    }
    result->points.push_back(std::move(point));
  }
  close(image_fd);
  unlink(space.image.c_str());
  if (!error->empty()) return false;
  if (!started) {
    *error = "the log has no mark \"start\"";
    return false;
  }
  if (!finished) {
    *error = "the log ends before the mark of op " + std::to_string(ops);
    return false;
  }
  return true;
}

}  // namespace crashsim::kcheck
