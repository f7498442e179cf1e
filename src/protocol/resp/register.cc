#include "protocol/resp/register.h"

#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {

net::ProtocolSpec MakeProtocol(RespServer* server) {
  net::ProtocolSpec spec;
  spec.name = "redis";
  spec.default_port = kDefaultPort;
  spec.make_session = [server](net::Connection& conn) -> std::unique_ptr<net::Session> {
    return std::make_unique<RespSession>(*server, conn);
  };
  return spec;
}

}  // namespace lumadb::protocol::resp
