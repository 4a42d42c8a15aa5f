#include "kcheck/protocol.h"

#include <sstream>

namespace crashsim::kcheck {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> tokens;
  std::istringstream in(line);
  for (std::string token; in >> token;) tokens.push_back(token);
  return tokens;
}

bool ParseNumber(const std::string& text, uint64_t* value) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t result = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    result = result * 10 + static_cast<uint64_t>(c - '0');
  }
  *value = result;
  return true;
}

// The rest of a line after its first `skip` tokens (for messages, which may hold spaces).
std::string RestOf(const std::string& line, int skip) {
  size_t pos = 0;
  for (int i = 0; i < skip; ++i) {
    pos = line.find(' ', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  return line.substr(pos);
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

std::string EncodeBytes(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return "-";
  std::string out;
  std::string literal;
  auto flush_literal = [&] {
    if (literal.empty()) return;
    if (!out.empty()) out += '.';
    out += literal;
    literal.clear();
  };
  for (size_t i = 0; i < bytes.size();) {
    size_t run = 1;
    while (i + run < bytes.size() && bytes[i + run] == bytes[i]) ++run;
    if (run >= 8) {
      flush_literal();
      if (!out.empty()) out += '.';
      out += kHex[bytes[i] >> 4];
      out += kHex[bytes[i] & 15];
      out += '*' + std::to_string(run);
      i += run;
      continue;
    }
    for (size_t k = 0; k < run; ++k) {
      literal += kHex[bytes[i] >> 4];
      literal += kHex[bytes[i] & 15];
    }
    i += run;
  }
  flush_literal();
  return out;
}

std::optional<std::vector<uint8_t>> DecodeBytes(const std::string& text) {
  std::vector<uint8_t> bytes;
  if (text == "-") return bytes;
  std::istringstream in(text);
  for (std::string piece; std::getline(in, piece, '.');) {
    const size_t star = piece.find('*');
    if (star != std::string::npos) {
      uint64_t count = 0;
      if (star != 2 || !ParseNumber(piece.substr(3), &count) || count == 0) return std::nullopt;
      const int high = HexValue(piece[0]), low = HexValue(piece[1]);
      if (high < 0 || low < 0) return std::nullopt;
      bytes.insert(bytes.end(), count, static_cast<uint8_t>(high * 16 + low));
      continue;
    }
    if (piece.empty() || piece.size() % 2 != 0) return std::nullopt;
    for (size_t i = 0; i < piece.size(); i += 2) {
      const int high = HexValue(piece[i]), low = HexValue(piece[i + 1]);
      if (high < 0 || low < 0) return std::nullopt;
      bytes.push_back(static_cast<uint8_t>(high * 16 + low));
    }
  }
  return bytes;
}

std::string WriteJob(const Job& job) {
  std::ostringstream out;
  out << "kcheck-job 1\n";
  for (const JobScenario& s : job.scenarios) {
    out << "scenario " << s.name << "\n";
    out << "fs " << s.fs << "\n";
    out << "device " << (s.pmem ? "pmem" : "block") << "\n";
    out << "background " << (s.background ? "explore" : "none") << "\n";
    out << "crash " << (s.crash_check ? 1 : 0) << "\n";
    for (const std::string& dir : s.dirs) out << "dir " << dir << "\n";
    for (const JobFile& file : s.files) {
      out << "file " << file.path << " " << file.size_bytes << " " << (file.dax ? 1 : 0) << "\n";
      for (const JobPiece& piece : file.pieces) {
        out << "piece " << piece.offset_bytes << " " << piece.length_bytes << " " << piece.layout
            << " " << kHex[piece.fill >> 4] << kHex[piece.fill & 15] << "\n";
      }
    }
    for (const std::string& path : s.view_paths) out << "view " << path << "\n";
    for (const JobOp& op : s.ops) {
      out << "op " << op.kind;
      for (const std::string& arg : op.args) out << " " << arg;
      out << "\n";
    }
    out << "end\n";
  }
  out << "kcheck-end\n";
  return out.str();
}

bool ParseJob(const std::string& text, Job* job, std::string* error) {
  std::istringstream in(text);
  std::string line;
  int number = 0;
  auto fail = [&](const std::string& what) {
    *error = "job line " + std::to_string(number) + ": " + what;
    return false;
  };
  if (!std::getline(in, line) || line != "kcheck-job 1") return fail("not a kernel-check job");
  ++number;
  JobScenario* current = nullptr;
  while (std::getline(in, line)) {
    ++number;
    const std::vector<std::string> t = Split(line);
    if (t.empty()) return fail("empty line");
    const std::string& key = t[0];
    if (key == "kcheck-end") return current == nullptr || fail("scenario not ended");
    if (key == "scenario" && t.size() == 2 && current == nullptr) {
      job->scenarios.emplace_back();
      current = &job->scenarios.back();
      current->name = t[1];
      continue;
    }
    if (current == nullptr) return fail("outside a scenario: " + line);
    uint64_t a = 0, b = 0;
    if (key == "end" && t.size() == 1) {
      current = nullptr;
    } else if (key == "fs" && t.size() == 2) {
      current->fs = t[1];
    } else if (key == "device" && t.size() == 2) {
      current->pmem = t[1] == "pmem";
    } else if (key == "background" && t.size() == 2) {
      current->background = t[1] == "explore";
    } else if (key == "crash" && t.size() == 2) {
      current->crash_check = t[1] == "1";
    } else if (key == "dir" && t.size() == 2) {
      current->dirs.push_back(t[1]);
    } else if (key == "file" && t.size() == 4 && ParseNumber(t[2], &a)) {
      current->files.push_back(JobFile{t[1], a, t[3] == "1", {}});
    } else if (key == "piece" && t.size() == 5 && !current->files.empty() &&
               ParseNumber(t[1], &a) && ParseNumber(t[2], &b) && t[4].size() == 2 &&
               HexValue(t[4][0]) >= 0 && HexValue(t[4][1]) >= 0) {
      current->files.back().pieces.push_back(
          JobPiece{a, b, t[3], static_cast<uint8_t>(HexValue(t[4][0]) * 16 + HexValue(t[4][1]))});
    } else if (key == "view" && t.size() == 2) {
      current->view_paths.push_back(t[1]);
    } else if (key == "op" && t.size() >= 2) {
      current->ops.push_back(JobOp{t[1], std::vector<std::string>(t.begin() + 2, t.end())});
    } else {
      return fail("unknown line: " + line);
    }
  }
  return fail("missing kcheck-end");
}

std::string WriteScenarioResult(const ScenarioResult& r) {
  std::ostringstream out;
  out << "result " << r.name << "\n";
  if (!r.setup_error.empty()) out << "error " << OneLine(r.setup_error) << "\n";
  for (const auto& [path, dax] : r.dax) out << "dax " << path << " " << (dax ? 1 : 0) << "\n";
  for (const OpResult& op : r.ops) {
    out << "op " << op.result;
    if (op.read) out << " " << EncodeBytes(*op.read);
    out << "\n";
  }
  out << "log " << r.log_entries << "\n";
  for (const ReplayPoint& point : r.points) {
    out << "point " << point.segment << " " << point.entry << " " << point.kind << "\n";
    if (!point.mount_error.empty()) out << "mount-error " << OneLine(point.mount_error) << "\n";
    for (const ResultFile& file : point.files) {
      out << "file " << file.path << " " << (file.exists ? 1 : 0) << " " << file.size_bytes << " "
          << EncodeBytes(file.bytes);
      if (!file.special.empty()) out << " " << file.special;
      out << "\n";
    }
  }
  out << "done\n";
  return out.str();
}

bool ParseResults(const std::string& text, Results* results, std::string* error) {
  std::istringstream in(text);
  std::string line;
  int number = 0;
  ScenarioResult* current = nullptr;
  auto fail = [&](const std::string& what) {
    *error = "results line " + std::to_string(number) + ": " + what;
    return false;
  };
  while (std::getline(in, line)) {
    ++number;
    const std::vector<std::string> t = Split(line);
    if (t.empty()) continue;
    const std::string& key = t[0];
    if (key == "result" && t.size() == 2) {
      if (current != nullptr) return fail("scenario " + current->name + " not done");
      results->scenarios.emplace_back();
      current = &results->scenarios.back();
      current->name = t[1];
      continue;
    }
    if (current == nullptr) return fail("outside a scenario: " + line);
    uint64_t a = 0, b = 0;
    if (key == "done" && t.size() == 1) {
      current = nullptr;
    } else if (key == "error") {
      current->setup_error = RestOf(line, 1);
    } else if (key == "dax" && t.size() == 3) {
      current->dax.emplace_back(t[1], t[2] == "1");
    } else if (key == "op" && (t.size() == 2 || t.size() == 3)) {
      OpResult op{t[1], std::nullopt};
      if (t.size() == 3) {
        op.read = DecodeBytes(t[2]);
        if (!op.read) return fail("bad bytes");
      }
      current->ops.push_back(std::move(op));
    } else if (key == "log" && t.size() == 2 && ParseNumber(t[1], &a)) {
      current->log_entries = a;
    } else if (key == "point" && t.size() == 4 && ParseNumber(t[1], &a) &&
               ParseNumber(t[2], &b)) {
      current->points.push_back(ReplayPoint{static_cast<size_t>(a), b, t[3], "", {}});
    } else if (key == "mount-error" && !current->points.empty()) {
      current->points.back().mount_error = RestOf(line, 1);
    } else if (key == "file" && (t.size() == 5 || t.size() == 6) && !current->points.empty() &&
               ParseNumber(t[3], &a)) {
      auto bytes = DecodeBytes(t[4]);
      if (!bytes) return fail("bad bytes");
      current->points.back().files.push_back(
          ResultFile{t[1], t[2] == "1", a, *std::move(bytes), t.size() == 6 ? t[5] : ""});
    } else {
      return fail("unknown line: " + line);
    }
  }
  // A scenario the runner did not finish (the guest stopped) is reported, not dropped.
  if (current != nullptr && current->setup_error.empty()) {
    current->setup_error = "the runner stopped before this scenario was done";
  }
  return true;
}

}  // namespace crashsim::kcheck
