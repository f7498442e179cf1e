#pragma once

#include <functional>
#include <string>

#include "net/worker.h"

namespace lumadb::protocol::admin {

inline constexpr uint16_t kDefaultPort = 9600;

// The admin HTTP listener: GET /health and GET /metrics (Prometheus text).
// `health` returns an empty string when healthy, else the reason.
net::ProtocolSpec MakeProtocol(std::function<std::string()> health);

}  // namespace lumadb::protocol::admin
