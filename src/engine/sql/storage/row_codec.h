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
// `columns` (optional) says which columns to decode: the others are left
// NULL (of their stored type) without reading their bytes, for scans that
// read a few columns of wide rows.
bool DecodeRow(std::string_view in, std::vector<Value>* row, const std::vector<bool>* columns = nullptr);

// The row's key: primary-key columns (never NULL) or the hidden row id.
std::string RowKey(const Table& t, const std::vector<Value>& row, uint64_t rowid);

// A secondary index entry is keys::IndexPrefix(relfile, index) + the index
// columns' values (order-preserving; NULLs after every value, as PostgreSQL's
// btree puts them) + the row key without the table's row prefix; its value
// is that row key suffix too. IndexValuesKey is the entry key without the
// suffix: every row with those values is under it (a unique index's lock key).
std::string IndexValuesKey(const Table& t, const Index& index, const std::vector<Value>& row);
std::string IndexEntryKey(const Table& t, const Index& index, const std::vector<Value>& row,
                          std::string_view row_key);
// Appends one value of an index key (the planner encodes lookup constants with it).
void AppendIndexValue(const Value& v, std::string* out);
// "Key (a, b)=(1, x)" as PostgreSQL's unique violation details start.
std::string KeyDetail(const Table& t, const std::vector<int>& columns, const std::vector<Value>& row);
// The row prefix's length, to turn a row key into its suffix and back.
size_t RowPrefixSize();

}  // namespace lumadb::engine::sql
