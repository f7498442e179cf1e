#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/resp/acl/rules.h"

namespace lumadb::protocol::resp::acl {

// Why a command was refused; the order is redis-server's (a higher value
// wins when several selectors refuse for different reasons).
enum class Denial { kOk = 0, kCommand = 1, kKey = 2, kAuth = 3, kChannel = 4 };

// A key argument and the access the command needs to it.
struct KeyRef {
  size_t pos;
  uint32_t flags;  // KeyFlag bits of the key spec
};

// Appends LumaDB's key positions for the invocation (CommandSpec's
// first/last/step or key finder). Used when the 7.0 key specs cannot
// locate the keys by themselves (SORT's STORE, a zero key count, ...).
using KeyPositions = std::function<void(std::vector<size_t>*)>;

// The keys of an invocation of command `id` with the access each needs,
// found through the command's Redis 7.0 key specs as redis-server does.
void FindKeys(int id, std::span<const std::string_view> args, const KeyPositions& fallback,
              std::vector<KeyRef>* out);

// Checks whether `user` may run command `id` (an id of CommandIndex, or -1
// for a command the table does not know) with `args` (args[0] is the
// command). On refusal sets *pos to the offending argument (key or
// channel; 0 for a command refusal).
Denial Check(const UserRules& user, int id, std::span<const std::string_view> args, const KeyPositions& fallback,
             size_t* pos);

}  // namespace lumadb::protocol::resp::acl
