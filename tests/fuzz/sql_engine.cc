// libFuzzer target: arbitrary text as a query string through the whole SQL
// engine (parse, bind, plan, execute) in a transaction block over a real
// store with a few tables. Every input must end in results or SQL errors,
// never a crash, a sanitizer report or a hang.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/sql/sql_engine.h"
#include "storage/rocks_store.h"

namespace sql = lumadb::engine::sql;

namespace {

struct World {
  std::string dir;
  std::unique_ptr<lumadb::storage::Store> store;
  std::unique_ptr<sql::SqlEngine> engine;
  std::unique_ptr<sql::SqlSession> session;
};

World* world = nullptr;

void Run(const std::string& q) {
  std::vector<sql::StatementResult> out;
  (void)world->session->Run(q, &out);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  world = new World;
  world->dir = (std::filesystem::temp_directory_path() / ("lumadb-fuzz-sql-" + std::to_string(getpid()))).string();
  std::filesystem::remove_all(world->dir);
  auto s = lumadb::storage::Store::Open(world->dir, lumadb::storage::StoreOptions{});
  if (!s.ok()) abort();
  world->store = std::move(s.value());
  world->engine = std::make_unique<sql::SqlEngine>(world->store.get());
  if (!world->engine->Load().ok()) abort();
  world->session = std::make_unique<sql::SqlSession>(world->engine.get(), "postgres");
  Run("CREATE TABLE t (id int PRIMARY KEY, s text, f double precision, b boolean, v varchar(5))");
  Run("CREATE TABLE u (a bigint, c smallint NOT NULL DEFAULT 7)");
  Run("INSERT INTO t VALUES (1, 'a', 1.5, true, 'x'), (2, NULL, -0.0, false, NULL), (3, 'c', NULL, NULL, 'zz')");
  Run("INSERT INTO u VALUES (1, 1), (NULL, 2), (3, 3)");
  // The store is removed when the process exits normally.
  atexit([] { std::filesystem::remove_all(world->dir); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string q(reinterpret_cast<const char*>(data), size);
  // generate_series(1, 1e18) is a valid query that runs for ages (as in
  // PostgreSQL, until cancelled): keep the fuzzer to series it can finish.
  std::string lower = q;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // So is a WITH RECURSIVE without a stop condition (it runs to LumaDB's row limit).
  if (lower.find("recursive") != std::string::npos) return 0;
  size_t at = lower.find("generate_series");
  if (at != std::string::npos) {
    size_t digits = 0, run = 0;
    for (size_t i = at; i < lower.size(); i++) {
      run = std::isdigit(static_cast<unsigned char>(lower[i])) ? run + 1 : 0;
      digits = std::max(digits, run);
    }
    if (digits > 3 || lower.find("generate_series", at + 1) != std::string::npos) return 0;
  }
  // Inside a block that is rolled back, so inputs do not pile up rows.
  Run("BEGIN");
  Run(q);
  Run("ROLLBACK");
  return 0;
}
