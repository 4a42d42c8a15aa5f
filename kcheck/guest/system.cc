#include "kcheck/guest/system.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace crashsim::kcheck {

std::string ErrnoName(int error_number) {
  const char* name = strerrorname_np(error_number);
  return name != nullptr ? name : std::to_string(error_number);
}

bool RunProgram(const std::vector<std::string>& argv, std::string* output) {
  output->clear();
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    *output = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  const pid_t child = fork();
  if (child < 0) {
    *output = std::string("fork: ") + std::strerror(errno);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return false;
  }
  if (child == 0) {
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) output->append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool MakeDirectories(const std::string& path, std::string* error) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      *error = "mkdir " + prefix + ": " + std::strerror(errno);
      return false;
    }
    if (slash == std::string::npos) return true;
  }
}

bool WriteSetting(const std::string& path, const std::string& value, std::string* error) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
    *error = "cannot set " + path + ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return false;
  }
  close(fd);
  return true;
}

bool ReadWholeFile(const std::string& path, std::vector<uint8_t>* bytes, std::string* error) {
  bytes->clear();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "open " + path + ": " + std::strerror(errno);
    return false;
  }
  uint8_t buffer[65536];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) {
      *error = "read " + path + ": " + std::strerror(errno);
      close(fd);
      return false;
    }
    if (n == 0) break;
    bytes->insert(bytes->end(), buffer, buffer + n);
  }
  close(fd);
  return true;
}

bool LoopDevice::Attach(const std::string& image, std::string* error) {
  const int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (control < 0) {
    *error = std::string("cannot open /dev/loop-control: ") + std::strerror(errno);
    return false;
  }
  const int number = ioctl(control, LOOP_CTL_GET_FREE);
  close(control);
  if (number < 0) {
    *error = std::string("LOOP_CTL_GET_FREE: ") + std::strerror(errno);
    return false;
  }
  path_ = "/dev/kcheck-loop" + std::to_string(number);
  unlink(path_.c_str());
  if (mknod(path_.c_str(), S_IFBLK | 0600, makedev(7, number)) != 0) {
    *error = "cannot make " + path_ + ": " + std::strerror(errno);
    return false;
  }
  const int image_fd = open(image.c_str(), O_RDWR | O_CLOEXEC);
  fd_ = open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (image_fd < 0 || fd_ < 0 || ioctl(fd_, LOOP_SET_FD, image_fd) != 0) {
    *error = "cannot bind " + image + " to " + path_ + ": " + std::strerror(errno);
    if (image_fd >= 0) close(image_fd);
    return false;
  }
  close(image_fd);
  return true;
}

bool LoopDevice::Detach(std::string* error) {
  if (fd_ < 0) return true;
  bool ok = true;
  if (ioctl(fd_, LOOP_CLR_FD, 0) != 0) {
    *error = "LOOP_CLR_FD " + path_ + ": " + std::strerror(errno);
    ok = false;
  }
  close(fd_);
  fd_ = -1;
  unlink(path_.c_str());
  return ok;
}

bool CopySparse(const std::string& from, const std::string& to, std::string* error) {
  const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  const int out = open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (in < 0 || out < 0) {
    *error = "cannot copy " + from + " to " + to + ": " + std::strerror(errno);
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    return false;
  }
  struct stat st {};
  fstat(in, &st);
  bool ok = ftruncate(out, st.st_size) == 0;
  std::vector<char> buffer(1 << 20);
  for (off_t data = lseek(in, 0, SEEK_DATA); ok && data >= 0 && data < st.st_size;) {
    const off_t hole = lseek(in, data, SEEK_HOLE);
    for (off_t pos = data; ok && pos < hole;) {
      const size_t take = static_cast<size_t>(std::min<off_t>(hole - pos, buffer.size()));
      const ssize_t n = pread(in, buffer.data(), take, pos);
      ok = n > 0 && pwrite(out, buffer.data(), n, pos) == n;
      pos += n > 0 ? n : 0;
    }
    data = lseek(in, hole, SEEK_DATA);
  }
  if (!ok) *error = "copying " + from + ": " + std::strerror(errno);
  close(in);
  close(out);
  return ok;
}

}  // namespace crashsim::kcheck
