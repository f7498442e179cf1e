#include "engine/sql/types/enums.h"

#include <map>
#include <mutex>

namespace lumadb::engine::sql {
namespace {

struct Registry {
  std::mutex mu;
  std::map<uint32_t, std::shared_ptr<const EnumType>> by_oid;
};

Registry& Get() {
  static Registry* r = new Registry();  // never destroyed: values may be decoded during shutdown
  return *r;
}

}  // namespace

int EnumType::Find(std::string_view label) const {
  for (size_t i = 0; i < labels.size(); i++) {
    if (labels[i] == label) return static_cast<int>(i);
  }
  return -1;
}

void RegisterEnum(std::shared_ptr<const EnumType> e) {
  Registry& r = Get();
  std::lock_guard<std::mutex> g(r.mu);
  r.by_oid[e->oid] = std::move(e);
}

void UnregisterEnum(const EnumType* e) {
  Registry& r = Get();
  std::lock_guard<std::mutex> g(r.mu);
  auto it = r.by_oid.find(e->oid);
  if (it != r.by_oid.end() && it->second.get() == e) r.by_oid.erase(it);
}

std::shared_ptr<const EnumType> FindEnum(uint32_t oid) {
  Registry& r = Get();
  std::lock_guard<std::mutex> g(r.mu);
  auto it = r.by_oid.find(oid);
  return it == r.by_oid.end() ? nullptr : it->second;
}

std::shared_ptr<const EnumType> FindEnumNamed(std::string_view name) {
  Registry& r = Get();
  std::lock_guard<std::mutex> g(r.mu);
  for (const auto& [oid, e] : r.by_oid) {
    if (e->name == name) return e;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const EnumType>> RegisteredEnums() {
  Registry& r = Get();
  std::lock_guard<std::mutex> g(r.mu);
  std::vector<std::shared_ptr<const EnumType>> out;
  for (const auto& [oid, e] : r.by_oid) out.push_back(e);
  return out;
}

}  // namespace lumadb::engine::sql
