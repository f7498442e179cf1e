// lumadb: one binary that speaks many databases' wire protocols.
#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "server/options.h"
#include "server/server.h"

#ifndef LUMADB_VERSION
#define LUMADB_VERSION "0.1.0"
#endif

namespace {

const char kUsage[] = R"(LumaDB: one server for the Redis, Memcached and PostgreSQL protocols (more to come).

Usage:
  lumadb serve [options]     start the server (see `lumadb serve --help`)
  lumadb version             print the version
  lumadb --help              this text
)";

}  // namespace

int main(int argc, char** argv) {
  // glibc raises its mmap threshold each time a large block is freed, up to
  // 32 MB, after which every buffer below that size comes from the heap and
  // leaves holes among the keyspace's small entries when it is freed (a bulk
  // load of 1 M keys kept ~45 MB of such holes). A fixed threshold keeps
  // large buffers in mmap'd chunks that go back to the kernel when freed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "version" || args[0] == "--version") {
    printf("lumadb %s\n", LUMADB_VERSION);
    return 0;
  }
  if (args[0] == "serve") {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& a : rest) {
      if (a == "--help" || a == "-h") {
        fputs(lumadb::server::ServeUsage().c_str(), stdout);
        return 0;
      }
    }
    auto opts = lumadb::server::ParseServeArgs(rest);
    if (!opts.ok()) {
      fprintf(stderr, "lumadb: %s\n", opts.status().message().c_str());
      return 2;
    }
    return lumadb::server::Serve(opts.value());
  }
  fprintf(stderr, "lumadb: unknown command '%s' (see lumadb --help)\n", args[0].c_str());
  return 2;
}
