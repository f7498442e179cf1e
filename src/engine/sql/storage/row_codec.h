#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/types/types.h"

// How a table's rows sit in the SQL column family: the key is the table's
// row prefix, then the primary key's values in an order-preserving encoding
// (or the hidden row id), so a scan in key order is a scan in primary-key
// order; the value is the row's values, each tagged with its type.
namespace lumadb::engine::sql {

void EncodeValue(const Value& v, std::string* out);
bool DecodeValue(std::string_view* in, Value* v);

std::string EncodeRow(const std::vector<Value>& row);
bool DecodeRow(std::string_view in, std::vector<Value>* row);

// The row's key: primary-key columns (never NULL) or the hidden row id.
std::string RowKey(const Table& t, const std::vector<Value>& row, uint64_t rowid);

}  // namespace lumadb::engine::sql
