#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lumadb {

// Parses a signed 64-bit decimal exactly as Redis's string2ll does: optional '-',
// digits only, no spaces, no '+', no leading zeros, no overflow.
bool ParseInt64(std::string_view s, int64_t* out);
// Parses an unsigned 64-bit decimal: digits only, no overflow.
bool ParseUint64(std::string_view s, uint64_t* out);
// Parses a double as Redis's string2d: the whole string, no spaces, no NaN.
// Accepts "inf", "+inf", "-inf" (any case).
bool ParseDouble(std::string_view s, double* out);
// Long double variant used by INCRBYFLOAT.
bool ParseLongDouble(std::string_view s, long double* out);

// Formats a double the way Redis 7.0 replies with it ("%.17g", "inf", "-inf").
std::string FormatDouble(double d);
// Formats a long double the way INCRBYFLOAT stores it ("%.17Lf" with trailing zeros removed).
std::string FormatLongDouble(long double d);
// Appends the decimal representation of v.
void AppendInt(std::string* out, int64_t v);

// Glob-style matching as Redis's stringmatchlen: * ? [abc] [^a-z] and \ escapes.
bool GlobMatch(std::string_view pattern, std::string_view s, bool nocase = false);

// ASCII lower-casing into a new string / comparison ignoring case.
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Splits on any run of spaces/tabs.
std::vector<std::string_view> SplitWhitespace(std::string_view s);

// Appends code point cp (at most 0x10FFFF) as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);
// The length of the UTF-8 sequence that starts with byte `lead` (1 for ASCII
// and for stray continuation bytes).
size_t Utf8SequenceLength(unsigned char lead);

// Parses sizes such as "1048576", "1m", "512mb", "64k", "1g". Returns false on junk.
bool ParseByteSize(std::string_view s, uint64_t* out);

}  // namespace lumadb
