#pragma once

#include "server/options.h"

namespace lumadb::server {

// Runs `lumadb serve` until SIGINT/SIGTERM. Returns the process exit code:
// 0 after a clean shutdown, 2 for bad configuration (a port in use, a data
// directory that cannot be written), 1 for other failures.
int Serve(const ServeOptions& options);

}  // namespace lumadb::server
