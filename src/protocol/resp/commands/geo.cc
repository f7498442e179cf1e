// Geo commands: a geo set is a sorted set whose scores are 52-bit geohashes
// (engine/kv/geohash.h), so every sorted set command works on it too.
#include <cstdio>
#include <optional>
#include <string>

#include "common/strutil.h"
#include "engine/kv/geo_search.h"
#include "engine/kv/geohash.h"
#include "protocol/resp/command.h"
#include "protocol/resp/notify.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::GeoOrder;
using engine::kv::GeoPoint;
using engine::kv::GeoShape;
using engine::kv::Type;
using engine::kv::Value;
using engine::kv::ZSet;

Value* FindZSet(CommandContext& ctx, std::string_view key, bool* wrong) { return FindTyped(ctx, key, Type::kZSet, wrong); }

// Distances have 4 decimals, as a bulk string in both protocols.
void WriteDistance(CommandContext& ctx, double d) {
  char buf[128];
  int n = snprintf(buf, sizeof(buf), "%.4f", d);
  ctx.w.Bulk(std::string_view(buf, n));
}

// Coordinates as Redis's "human" long doubles (17 decimals, trailing zeros
// cut): a bulk string in RESP2, a double in RESP3.
void WriteCoordinate(CommandContext& ctx, double d) {
  std::string s = FormatLongDouble(static_cast<long double>(d));
  if (ctx.w.proto() >= 3) {
    ctx.w.Raw(",");
    ctx.w.Raw(s);
    ctx.w.Raw("\r\n");
  } else {
    ctx.w.Bulk(s);
  }
}

// Reads "longitude latitude" at args[i], args[i+1].
bool ParseLonLat(CommandContext& ctx, size_t i, double* lon, double* lat) {
  if (!ArgDouble(ctx, i, lon) || !ArgDouble(ctx, i + 1, lat)) return false;
  if (!engine::kv::GeoCoordsValid(*lon, *lat)) {
    // %f of a huge value prints every digit, so size the buffer first.
    const char* fmt = "ERR invalid longitude,latitude pair %f,%f";
    std::string msg(snprintf(nullptr, 0, fmt, *lon, *lat), '\0');
    snprintf(msg.data(), msg.size() + 1, fmt, *lon, *lat);
    ctx.w.Error(msg);
    return false;
  }
  return true;
}

// A unit name -> meters per unit.
bool ParseUnit(CommandContext& ctx, std::string_view unit, double* to_meters) {
  if (IsArg(unit, "m")) *to_meters = 1;
  else if (IsArg(unit, "km")) *to_meters = 1000;
  else if (IsArg(unit, "ft")) *to_meters = 0.3048;
  else if (IsArg(unit, "mi")) *to_meters = 1609.34;
  else {
    ctx.w.Error("ERR unsupported unit provided. please use M, KM, FT, MI");
    return false;
  }
  return true;
}

// Reads "radius unit" at args[i].
bool ParseRadius(CommandContext& ctx, size_t i, GeoShape* shape) {
  double radius;
  if (!ArgDouble(ctx, i, &radius, "ERR need numeric radius")) return false;
  if (radius < 0) {
    ctx.w.Error("ERR radius cannot be negative");
    return false;
  }
  shape->radius = radius;
  return ParseUnit(ctx, ctx.arg(i + 1), &shape->conversion);
}

// Reads "width height unit" at args[i].
bool ParseBox(CommandContext& ctx, size_t i, GeoShape* shape) {
  double width, height;
  if (!ArgDouble(ctx, i, &width, "ERR need numeric width") ||
      !ArgDouble(ctx, i + 1, &height, "ERR need numeric height")) {
    return false;
  }
  if (height < 0 || width < 0) {
    ctx.w.Error("ERR height or width cannot be negative");
    return false;
  }
  shape->width = width;
  shape->height = height;
  return ParseUnit(ctx, ctx.arg(i + 2), &shape->conversion);
}

// The decoded position of member in z.
bool MemberPosition(CommandContext& ctx, const ZSet& z, std::string_view member, double* lon, double* lat) {
  auto score = z.Score(member);
  if (!score) {
    ctx.w.Error("ERR could not decode requested zset member");
    return false;
  }
  engine::kv::GeoDecodeScore(*score, lon, lat);
  return true;
}

// ---- GEOADD ----

// GEOADD key [NX|XX] [CH] longitude latitude member [...]
void GeoAdd(CommandContext& ctx) {
  bool nx = false, xx = false, ch = false;
  size_t at = 2;
  for (; at < ctx.argc(); at++) {
    std::string_view o = ctx.arg(at);
    if (IsArg(o, "NX")) nx = true;
    else if (IsArg(o, "XX")) xx = true;
    else if (IsArg(o, "CH")) ch = true;
    else break;
  }
  size_t nargs = ctx.argc() - at;
  // No triple at all is what ZADD, which Redis hands the work to, rejects.
  if (nargs % 3 != 0 || (nx && xx) || nargs == 0) return ctx.w.Error(kErrSyntax);
  std::vector<double> scores;
  for (size_t i = at; i < ctx.argc(); i += 3) {
    double lon, lat;
    if (!ParseLonLat(ctx, i, &lon, &lat)) return;
    scores.push_back(static_cast<double>(engine::kv::GeoScoreFor(lon, lat)));
  }
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) {
    if (xx) return ctx.w.Integer(0);
    v = &ctx.store.Put(ctx.db, ctx.arg(1), Value::Make(Type::kZSet));
  }
  ZSet& z = v->zset();
  int64_t added = 0, updated = 0;
  for (size_t k = 0; k < scores.size(); k++) {
    std::string_view member = ctx.arg(at + 3 * k + 2);
    auto cur = z.Score(member);
    if (cur) {
      if (nx || *cur == scores[k]) continue;
      z.Insert(member, scores[k]);
      updated++;
    } else {
      if (xx) continue;
      z.Insert(member, scores[k]);
      added++;
    }
  }
  if (added + updated > 0) {
    ctx.store.TouchedMaybeEmpty(ctx.db, ctx.arg(1), v, [&](engine::kv::ChangeLog& log) {
      for (size_t k = 0; k < scores.size(); k++) log.Element(ctx.arg(at + 3 * k + 2));
    });
  }
  ctx.w.Integer(ch ? added + updated : added);
  // GEOADD is ZADD underneath, in Redis too.
  if (added + updated > 0) NotifyKeyspaceEvent(ctx, kNotifyZSet, "zadd", ctx.arg(1));
}

// ---- GEOPOS / GEOHASH / GEODIST ----

void GeoPos(CommandContext& ctx) {
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    auto score = v == nullptr ? std::nullopt : v->zset().Score(ctx.arg(i));
    if (!score) {
      ctx.w.NullArray();
      continue;
    }
    double lon, lat;
    engine::kv::GeoDecodeScore(*score, &lon, &lat);
    ctx.w.Array(2);
    WriteCoordinate(ctx, lon);
    WriteCoordinate(ctx, lat);
  }
}

void GeoHash(CommandContext& ctx) {
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    auto score = v == nullptr ? std::nullopt : v->zset().Score(ctx.arg(i));
    if (!score) {
      ctx.w.Null();
      continue;
    }
    ctx.w.Bulk(engine::kv::GeoHashString(*score));
  }
}

// GEODIST key member1 member2 [unit]
void GeoDist(CommandContext& ctx) {
  double to_meters = 1;
  if (ctx.argc() == 5) {
    if (!ParseUnit(ctx, ctx.arg(4), &to_meters)) return;
  } else if (ctx.argc() > 5) {
    return ctx.w.Error(kErrSyntax);
  }
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Null();
  auto s1 = v->zset().Score(ctx.arg(2));
  auto s2 = v->zset().Score(ctx.arg(3));
  if (!s1 || !s2) return ctx.w.Null();
  double lon1, lat1, lon2, lat2;
  engine::kv::GeoDecodeScore(*s1, &lon1, &lat1);
  engine::kv::GeoDecodeScore(*s2, &lon2, &lat2);
  WriteDistance(ctx, engine::kv::GeoDistance(lon1, lat1, lon2, lat2) / to_meters);
}

// ---- GEORADIUS* / GEOSEARCH* ----

enum SearchFlags : unsigned {
  kFromCoords = 1 << 0,  // GEORADIUS[_RO]: center and radius are positional
  kFromMember = 1 << 1,  // GEORADIUSBYMEMBER[_RO]
  kNoStore = 1 << 2,     // the _RO variants: no STORE/STOREDIST
  kSearch = 1 << 3,      // GEOSEARCH syntax (FROM*/BY* options)
  kSearchStore = 1 << 4, // GEOSEARCHSTORE: destination first, STOREDIST flag
};

// The shared implementation, in the order redis-server checks things (the
// key's type first; a missing GEORADIUSBYMEMBER key skips the member and
// radius checks), so that errors match for every bad combination.
void SearchGeneric(CommandContext& ctx, size_t src_index, unsigned flags) {
  bool wrong;
  // A read lookup even with STORE, as in Redis.
  Value* v = FindTyped(ctx, ctx.arg(src_index), Type::kZSet, &wrong, Lookup::kRead);
  if (wrong) return;
  const ZSet* z = v == nullptr ? nullptr : &v->zset();

  GeoShape shape;
  shape.conversion = 0;
  size_t base;
  std::optional<std::string_view> store_key;
  bool store_dist = false;
  if (flags & kFromCoords) {
    base = 6;
    if (!ParseLonLat(ctx, 2, &shape.longitude, &shape.latitude)) return;
    if (!ParseRadius(ctx, 4, &shape)) return;
  } else if (flags & kFromMember) {
    base = 5;
    if (z != nullptr) {
      if (!MemberPosition(ctx, *z, ctx.arg(2), &shape.longitude, &shape.latitude)) return;
      if (!ParseRadius(ctx, 3, &shape)) return;
    }
  } else {
    base = 2;
    if (flags & kSearchStore) {
      base = 3;
      store_key = ctx.arg(1);
    }
  }

  bool with_dist = false, with_hash = false, with_coord = false;
  bool from_member = false, from_lonlat = false, by_radius = false, by_box = false;
  bool any = false;
  GeoOrder order = GeoOrder::kNone;
  int64_t count = 0;  // 0 = no limit
  bool search = flags & kSearch;
  bool stores = !(flags & kNoStore) && !search;
  for (size_t i = base; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    size_t left = ctx.argc() - i - 1;  // arguments after this one
    if (IsArg(o, "WITHDIST")) {
      with_dist = true;
    } else if (IsArg(o, "WITHHASH")) {
      with_hash = true;
    } else if (IsArg(o, "WITHCOORD")) {
      with_coord = true;
    } else if (IsArg(o, "ANY")) {
      any = true;
    } else if (IsArg(o, "ASC")) {
      order = GeoOrder::kAsc;
    } else if (IsArg(o, "DESC")) {
      order = GeoOrder::kDesc;
    } else if (IsArg(o, "COUNT") && left >= 1) {
      if (!ArgInt(ctx, i + 1, &count)) return;
      if (count <= 0) return ctx.w.Error("ERR COUNT must be > 0");
      i++;
    } else if (stores && (IsArg(o, "STORE") || IsArg(o, "STOREDIST")) && left >= 1) {
      store_key = ctx.arg(i + 1);
      store_dist = IsArg(o, "STOREDIST");
      i++;
    } else if ((flags & kSearchStore) && IsArg(o, "STOREDIST")) {
      store_dist = true;
    } else if (search && IsArg(o, "FROMMEMBER") && left >= 1 && !from_lonlat) {
      // A missing key is reported (as empty) only after all options parse.
      if (z != nullptr && !MemberPosition(ctx, *z, ctx.arg(i + 1), &shape.longitude, &shape.latitude)) return;
      from_member = true;
      i++;
    } else if (search && IsArg(o, "FROMLONLAT") && left >= 2 && !from_member) {
      if (!ParseLonLat(ctx, i + 1, &shape.longitude, &shape.latitude)) return;
      from_lonlat = true;
      i += 2;
    } else if (search && IsArg(o, "BYRADIUS") && left >= 2 && !by_box) {
      if (!ParseRadius(ctx, i + 1, &shape)) return;
      shape.kind = GeoShape::Kind::kCircle;
      by_radius = true;
      i += 2;
    } else if (search && IsArg(o, "BYBOX") && left >= 3 && !by_radius) {
      if (!ParseBox(ctx, i + 1, &shape)) return;
      shape.kind = GeoShape::Kind::kBox;
      by_box = true;
      i += 3;
    } else {
      return ctx.w.Error(kErrSyntax);
    }
  }

  if (store_key && (with_dist || with_hash || with_coord)) {
    return ctx.w.Error(std::string("ERR ") +
                       ((flags & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
                       " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
  }
  // Redis names the command as the client typed it.
  if (search && !(from_member || from_lonlat)) {
    return ctx.w.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                       std::string(ctx.arg(0)));
  }
  if (search && !(by_radius || by_box)) {
    return ctx.w.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + std::string(ctx.arg(0)));
  }
  if (any && count == 0) return ctx.w.Error("ERR the ANY argument requires COUNT argument");

  if (z == nullptr) {
    if (!store_key) return ctx.w.Array(0);
    DeleteAndNotify(ctx, *store_key);
    return ctx.w.Integer(0);
  }

  // COUNT picks the nearest unless ANY says any matches will do.
  if (count != 0 && order == GeoOrder::kNone && !any) order = GeoOrder::kAsc;

  std::vector<GeoPoint> points = engine::kv::GeoSearch(*z, shape, any ? static_cast<size_t>(count) : 0);
  if (points.empty() && !store_key) return ctx.w.Array(0);
  size_t returned = points.size();
  if (count != 0 && static_cast<uint64_t>(count) < returned) returned = static_cast<size_t>(count);
  engine::kv::GeoSortPoints(&points, order, returned);

  if (!store_key) {
    size_t options = (with_dist ? 1 : 0) + (with_hash ? 1 : 0) + (with_coord ? 1 : 0);
    ctx.w.Array(returned);
    for (size_t i = 0; i < returned; i++) {
      const GeoPoint& p = points[i];
      if (options != 0) ctx.w.Array(options + 1);
      ctx.w.Bulk(p.member);
      if (with_dist) WriteDistance(ctx, p.distance / shape.conversion);
      if (with_hash) ctx.w.Integer(engine::kv::GeoScoreToInt64(p.score));
      if (with_coord) {
        ctx.w.Array(2);
        WriteCoordinate(ctx, p.longitude);
        WriteCoordinate(ctx, p.latitude);
      }
    }
    return;
  }
  if (returned == 0) {
    DeleteAndNotify(ctx, *store_key);
    return ctx.w.Integer(0);
  }
  Value out = Value::Make(Type::kZSet);
  for (size_t i = 0; i < returned; i++) {
    const GeoPoint& p = points[i];
    out.zset().Insert(p.member, store_dist ? p.distance / shape.conversion : p.score);
  }
  ctx.store.Put(ctx.db, *store_key, std::move(out));
  NotifyKeyspaceEvent(ctx, kNotifyZSet, (flags & kSearchStore) ? "geosearchstore" : "georadiusstore", *store_key);
  ctx.w.Integer(static_cast<int64_t>(returned));
}

void GeoRadius(CommandContext& ctx) { SearchGeneric(ctx, 1, kFromCoords); }
void GeoRadiusRo(CommandContext& ctx) { SearchGeneric(ctx, 1, kFromCoords | kNoStore); }
void GeoRadiusByMember(CommandContext& ctx) { SearchGeneric(ctx, 1, kFromMember); }
void GeoRadiusByMemberRo(CommandContext& ctx) { SearchGeneric(ctx, 1, kFromMember | kNoStore); }
void GeoSearchCmd(CommandContext& ctx) { SearchGeneric(ctx, 1, kSearch); }
void GeoSearchStore(CommandContext& ctx) { SearchGeneric(ctx, 2, kSearch | kSearchStore); }

// Keys of GEORADIUS / GEORADIUSBYMEMBER: the source, then what COMMAND
// GETKEYS reports from Redis's key specs (the key after the first STORE and
// after the first STOREDIST, searched from the first option), then, if it is
// not among those, the destination the handler will really write (the last
// STORE/STOREDIST), so that its shard is locked as well.
template <size_t kFirstOption>
bool RadiusStoreKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  keys->push_back(1);
  for (std::string_view word : {"STORE", "STOREDIST"}) {
    for (size_t i = kFirstOption; i + 1 < args.size(); i++) {
      if (IsArg(args[i], word)) {
        keys->push_back(i + 1);
        break;
      }
    }
  }
  size_t dest = 0;
  for (size_t i = kFirstOption; i + 1 < args.size(); i++) {
    if (IsArg(args[i], "COUNT")) {
      i++;
    } else if (IsArg(args[i], "STORE") || IsArg(args[i], "STOREDIST")) {
      dest = ++i;
    }
  }
  if (dest != 0) {
    bool listed = false;
    for (size_t k : *keys) listed = listed || args[k] == args[dest];
    if (!listed) keys->push_back(dest);
  }
  return true;
}

}  // namespace

const std::vector<CommandSpec>& GeoCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"geoadd", -5, kWrite | kDenyOom, 1, 1, 1, GeoAdd, "geo", "Add one or more geospatial items in the geospatial index represented using a sorted set"},
      {"geodist", -4, kReadonly, 1, 1, 1, GeoDist, "geo", "Returns the distance between two members of a geospatial index"},
      {"geohash", -2, kReadonly, 1, 1, 1, GeoHash, "geo", "Returns members of a geospatial index as standard geohash strings"},
      {"geopos", -2, kReadonly, 1, 1, 1, GeoPos, "geo", "Returns longitude and latitude of members of a geospatial index"},
      {"georadius", -6, kWrite | kDenyOom, 1, 1, 1, GeoRadius, "geo", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point", RadiusStoreKeys<6>},
      {"georadius_ro", -6, kReadonly, 1, 1, 1, GeoRadiusRo, "geo", "A read-only variant for GEORADIUS"},
      {"georadiusbymember", -5, kWrite | kDenyOom, 1, 1, 1, GeoRadiusByMember, "geo", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member", RadiusStoreKeys<5>},
      {"georadiusbymember_ro", -5, kReadonly, 1, 1, 1, GeoRadiusByMemberRo, "geo", "A read-only variant for GEORADIUSBYMEMBER"},
      {"geosearch", -7, kReadonly, 1, 1, 1, GeoSearchCmd, "geo", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle."},
      {"geosearchstore", -8, kWrite | kDenyOom, 1, 2, 1, GeoSearchStore, "geo", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp
