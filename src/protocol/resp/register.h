#pragma once

#include "net/worker.h"
#include "protocol/resp/resp_server.h"

namespace lumadb::protocol::resp {

inline constexpr uint16_t kDefaultPort = 6379;

// The Redis protocol's registration: name "redis", port 6379, a RespSession per connection.
net::ProtocolSpec MakeProtocol(RespServer* server);

}  // namespace lumadb::protocol::resp
