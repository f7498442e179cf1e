#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// Enum types (CREATE TYPE ... AS ENUM) as values see them. The catalog
// registers each enum here when it loads or changes one, so that an enum
// value's text, order and type name are known wherever a value is converted
// (casts, the wire codec, COPY, row decoding), as pg_enum serves
// PostgreSQL. The registry is per process, keyed by the enum's OID: one
// SQL catalog per process, as the server runs.
//
// A Value of an enum type (TypeId::kEnum, Type.length = the enum's OID)
// holds its label in Value.s and the label's sort order in Value.f.
namespace lumadb::engine::sql {

struct EnumType {
  uint32_t oid = 0;
  std::string name;
  std::vector<std::string> labels;  // in creation order
  std::vector<float> orders;        // pg_enum.enumsortorder per label
  // The index of `label` in labels, or -1.
  int Find(std::string_view label) const;
};

void RegisterEnum(std::shared_ptr<const EnumType> e);
// Removes the enum `e` registered (if it is still the one registered under its OID).
void UnregisterEnum(const EnumType* e);
std::shared_ptr<const EnumType> FindEnum(uint32_t oid);
std::shared_ptr<const EnumType> FindEnumNamed(std::string_view name);
std::vector<std::shared_ptr<const EnumType>> RegisteredEnums();

}  // namespace lumadb::engine::sql
