#pragma once

// Geohash math for geo sets, bit-for-bit the same as Redis 7.0's (geohash.c,
// geohash_helper.c): a position is a 52-bit integer that interleaves 26 bits
// of latitude and 26 bits of longitude over Web Mercator's ranges, stored as a
// sorted set score. Pure functions; nothing here knows about sorted sets or
// RESP.

#include <cstdint>
#include <string>

namespace lumadb::engine::kv {

// Limits of what can be indexed (EPSG:900913); GEOADD rejects the rest.
inline constexpr double kGeoLongMin = -180;
inline constexpr double kGeoLongMax = 180;
inline constexpr double kGeoLatMin = -85.05112878;
inline constexpr double kGeoLatMax = 85.05112878;
// Bits per coordinate in a stored score.
inline constexpr int kGeoStepMax = 26;
// Redis's earth radius (WGS-84 quadratic mean) for the haversine distance.
inline constexpr double kEarthRadiusMeters = 6372797.560856;

// A geohash of `step` bits per coordinate: latitude bits in the even
// positions, longitude bits in the odd ones. {0, 0} marks "no box".
struct GeoHashBits {
  uint64_t bits = 0;
  uint8_t step = 0;

  bool IsZero() const { return bits == 0 && step == 0; }
  bool operator==(const GeoHashBits& o) const { return bits == o.bits && step == o.step; }
};

struct GeoRange {
  double min = 0;
  double max = 0;
};

// The cell a hash stands for.
struct GeoArea {
  GeoHashBits hash;
  GeoRange longitude;
  GeoRange latitude;
};

// The 8 cells around one, same step. Moving wraps around at the edges.
struct GeoNeighbors {
  GeoHashBits north, east, west, south, north_east, south_east, north_west, south_west;
};

// True when (longitude, latitude) is inside the indexable limits.
bool GeoCoordsValid(double longitude, double latitude);

// Encodes a position at `step` (1..32) bits per coordinate over the given
// ranges. False (and *hash untouched or zero) when step is out of range, a
// range is empty, or the position is outside both the ranges and the
// indexable limits.
bool GeoHashEncode(const GeoRange& long_range, const GeoRange& lat_range, double longitude, double latitude,
                   int step, GeoHashBits* hash);
// Same over the indexable limits (what geo set scores use).
bool GeoHashEncodeWGS84(double longitude, double latitude, int step, GeoHashBits* hash);

// The cell of `hash` over the given ranges. False for a zero hash or an empty range.
bool GeoHashDecode(const GeoRange& long_range, const GeoRange& lat_range, const GeoHashBits& hash, GeoArea* area);
// Same over the indexable limits.
bool GeoHashDecodeWGS84(const GeoHashBits& hash, GeoArea* area);

// The neighbouring cells of `hash`.
GeoNeighbors GeoHashNeighbors(const GeoHashBits& hash);

// Shifts a hash of fewer steps left so that it is comparable with 52-bit scores.
uint64_t GeoHashAlign52(const GeoHashBits& hash);

// The 52-bit score GEOADD stores for a valid position.
uint64_t GeoScoreFor(double longitude, double latitude);

// The bits Redis reads from a score: the C conversion (uint64_t)score as
// x86-64 compilers emit it, including for negative and out-of-range scores
// (any sorted set can be read as a geo set).
uint64_t GeoScoreBits(double score);

// (long long)score the same way, as WITHHASH prints a score: in-range values
// truncate, anything else is INT64_MIN.
int64_t GeoScoreToInt64(double score);

// The position a score stands for: the centre of its 26-step cell, clamped to
// the indexable limits.
void GeoDecodeScore(double score, double* longitude, double* latitude);

// The 11-character standard geohash (latitude range -90..90) of a score, as
// GEOHASH prints it.
std::string GeoHashString(double score);

// Haversine distance in meters between two positions in degrees (on one
// meridian: the latitude arc, GeoLatDistance).
double GeoDistance(double lon1, double lat1, double lon2, double lat2);
// Distance in meters along a meridian between two latitudes.
double GeoLatDistance(double lat1, double lat2);

// Step of the 9 search boxes for a search of `range_meters` around latitude `lat`.
int GeoEstimateSteps(double range_meters, double lat);

// A search area: a circle of radius, or an axis-aligned box of width x height,
// around (longitude, latitude). Sizes are in the caller's unit; `conversion`
// is that unit in meters.
struct GeoShape {
  enum class Kind { kCircle, kBox };
  Kind kind = Kind::kCircle;
  double longitude = 0;
  double latitude = 0;
  double radius = 0;
  double width = 0;
  double height = 0;
  double conversion = 1;
};

// The 9 cells to scan for a shape, in Redis's order: the centre, north, south,
// east, west, north-east, north-west, south-east, south-west. Cells that
// cannot hold a match are zero (GeoHashBits::IsZero).
struct GeoSearchBoxes {
  GeoHashBits boxes[9];
};
GeoSearchBoxes GeoBoxesForShape(const GeoShape& shape);

// The score range [*min, *max) of the members inside cell `hash`.
void GeoBoxScoreRange(const GeoHashBits& hash, double* min, double* max);

// Whether (longitude, latitude) lies in `shape`; on success *distance_m is its
// distance to the centre in meters.
bool GeoInShape(const GeoShape& shape, double longitude, double latitude, double* distance_m);

}  // namespace lumadb::engine::kv
