// JSON pointers (RFC 6901), as every error about a JSON file names its place: the scenario loader,
// the report reader and the shard merge build them with these, so "~" and "/" in a key are always
// escaped the same way ("~0", "~1").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace crashsim {

// `pointer` extended by the member `key` of the object it points at.
std::string PointerJoin(const std::string& pointer, std::string_view key);
// `pointer` extended by the element `index` of the array it points at.
std::string PointerJoin(const std::string& pointer, size_t index);

}  // namespace crashsim
