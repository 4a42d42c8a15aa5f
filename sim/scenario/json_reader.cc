// A SAX handler that builds the ordered_json value itself, so that it can see each key before the
// key is inserted (duplicates) and knows the JSON pointer of every open container.
#include "sim/scenario/json_reader.h"

#include <string>
#include <vector>

#include "sim/scenario/json_fields.h"

namespace crashsim {
namespace {

class Builder : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return Add(Json(nullptr)); }
  bool boolean(bool value) override { return Add(Json(value)); }
  bool number_integer(number_integer_t value) override { return Add(Json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return Add(Json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return Add(Json(value)); }
  bool string(string_t& value) override { return Add(Json(std::move(value))); }
  bool binary(binary_t& value) override { return Add(Json::binary(std::move(value))); }

  bool start_object(std::size_t) override { return Open(Json::object()); }
  bool start_array(std::size_t) override { return Open(Json::array()); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool key(string_t& key) override {
    Json& object = *open_.back();
    if (object.contains(key)) {
      error_ = Status::Error(
          ErrorAt(PointerJoin(pointers_.back(), key), "duplicate key " + QuoteKey(key)).message());
      return false;
    }
    key_ = std::move(key);
    return true;
  }

  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& error) override {
    std::string message = error.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    const size_t bracket = message.find("] ");
    if (message.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos) {
      message = message.substr(bracket + 2);
    }
    const std::string prefix = "parse error at ";
    if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
    error_ = Status::Error("not JSON: " + message);
    return false;
  }

  StatusOr<Json> Result(bool parsed) {
    if (!error_.ok()) return error_;
    if (!parsed) return Status::Error("not JSON: the parser stopped without a reason");
    return std::move(root_);
  }

 private:
  // Inserts into the innermost open container (or makes the root) and returns the new value.
  Json* Insert(Json value, std::string* pointer) {
    if (open_.empty()) {
      root_ = std::move(value);
      *pointer = "";
      return &root_;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      *pointer = PointerJoin(pointers_.back(), parent.size());
      parent.push_back(std::move(value));
      return &parent.back();
    }
    *pointer = PointerJoin(pointers_.back(), key_);
    Json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }

  bool Add(Json value) {
    std::string pointer;
    Insert(std::move(value), &pointer);
    return true;
  }

  bool Open(Json container) {
    if (open_.size() >= kMaxJsonDepth) {
      // Refused before the container is built: the depth, and with it the memory the open
      // pointers take, stays bounded whatever the input.
      const Json& parent = *open_.back();
      const std::string pointer = parent.is_array() ? PointerJoin(pointers_.back(), parent.size())
                                                    : PointerJoin(pointers_.back(), key_);
      error_ = Status::Error(ErrorAt(pointer, "arrays and objects nested more than " +
                                                  std::to_string(kMaxJsonDepth) + " deep")
                                 .message());
      return false;
    }
    std::string pointer;
    open_.push_back(Insert(std::move(container), &pointer));
    pointers_.push_back(std::move(pointer));
    return true;
  }

  bool Close() {
    open_.pop_back();
    pointers_.pop_back();
    return true;
  }

  Json root_;
  // The open containers, outermost first. A pointer stays valid while its container is open:
  // values are only added to the innermost one.
  std::vector<Json*> open_;
  std::vector<std::string> pointers_;
  std::string key_;
  Status error_;
};

}  // namespace

StatusOr<Json> ReadJson(const std::string& text) {
  try {
    Builder builder;
    const bool parsed = Json::sax_parse(text, &builder);
    return builder.Result(parsed);
  } catch (const nlohmann::json::exception& error) {
    return Status::Error(std::string("not JSON: ") + error.what());
  }
}

}  // namespace crashsim
