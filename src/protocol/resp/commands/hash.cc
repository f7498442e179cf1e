#include "protocol/resp/command.h"

namespace lumadb::protocol::resp {

const std::vector<CommandSpec>& HashCommands() {
  static const std::vector<CommandSpec> kCommands = {};
  return kCommands;
}

}  // namespace lumadb::protocol::resp
