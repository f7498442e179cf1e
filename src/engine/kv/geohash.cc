#include "engine/kv/geohash.h"

#include <cmath>

// Every formula below keeps Redis's operation order: results are compared
// with redis-server's to the last bit (STOREDIST scores, WITHCOORD output), so
// an algebraically equal rewrite is not good enough.

namespace lumadb::engine::kv {
namespace {

constexpr double kDegToRad = M_PI / 180.0;
// Half the equator in Web Mercator meters: the step estimate doubles the
// radius until it reaches this.
constexpr double kMercatorMax = 20037726.37;

constexpr uint64_t kEvenBits = 0x5555555555555555ULL;
constexpr uint64_t kOddBits = 0xaaaaaaaaaaaaaaaaULL;

double DegToRad(double deg) { return deg * kDegToRad; }
double RadToDeg(double rad) { return rad / kDegToRad; }

// Moves the low 32 bits of v to the even bit positions of the result.
uint64_t Spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & kEvenBits;
  return x;
}

// Inverse of Spread: gathers the even bits of v into 32 bits.
uint32_t Compact(uint64_t v) {
  uint64_t x = v & kEvenBits;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

// Latitude in the even bits, longitude in the odd ones.
uint64_t Interleave(uint32_t lat, uint32_t lon) { return Spread(lat) | (Spread(lon) << 1); }

// (uint32_t)double as x86-64 code does it for the offsets (which are below
// 2^33): through a 64-bit conversion, keeping the low 32 bits.
uint32_t OffsetToU32(double d) { return static_cast<uint32_t>(static_cast<uint64_t>(static_cast<int64_t>(d))); }

bool RangeEmpty(const GeoRange& r) { return r.min == 0 && r.max == 0; }

// One cell east (d > 0) or west: adds +-1 to the longitude lane (odd bits)
// modulo 2^step. The carry travels through the even bits filled with ones;
// bits above 2*step of the other lane are kept, as Redis keeps them.
void MoveX(GeoHashBits* hash, int d) {
  if (d == 0) return;
  uint64_t x = hash->bits & kOddBits;
  uint64_t y = hash->bits & kEvenBits;
  uint64_t fill = kEvenBits >> (64 - hash->step * 2);
  if (d > 0) {
    x = x + (fill + 1);
  } else {
    x = x | fill;
    x = x - (fill + 1);
  }
  x &= kOddBits >> (64 - hash->step * 2);
  hash->bits = x | y;
}

// One cell north (d > 0) or south: the same on the latitude lane (even bits).
void MoveY(GeoHashBits* hash, int d) {
  if (d == 0) return;
  uint64_t x = hash->bits & kOddBits;
  uint64_t y = hash->bits & kEvenBits;
  uint64_t fill = kOddBits >> (64 - hash->step * 2);
  if (d > 0) {
    y = y + (fill + 1);
  } else {
    y = y | fill;
    y = y - (fill + 1);
  }
  y &= kEvenBits >> (64 - hash->step * 2);
  hash->bits = x | y;
}

constexpr GeoRange kLongRange{kGeoLongMin, kGeoLongMax};
constexpr GeoRange kLatRange{kGeoLatMin, kGeoLatMax};

// Longitude/latitude bounds {min_lon, min_lat, max_lon, max_lat} of a shape.
// Towards the pole a box of fixed width spans more longitude, so the wider of
// the two horizontal edges (the one nearer the pole) is used.
void BoundingBox(const GeoShape& shape, double bounds[4]) {
  double longitude = shape.longitude;
  double latitude = shape.latitude;
  bool circle = shape.kind == GeoShape::Kind::kCircle;
  double height = shape.conversion * (circle ? shape.radius : shape.height / 2);
  double width = shape.conversion * (circle ? shape.radius : shape.width / 2);
  const double lat_delta = RadToDeg(height / kEarthRadiusMeters);
  const double long_delta_top = RadToDeg(width / kEarthRadiusMeters / cos(DegToRad(latitude + lat_delta)));
  const double long_delta_bottom = RadToDeg(width / kEarthRadiusMeters / cos(DegToRad(latitude - lat_delta)));
  bool southern = latitude < 0;
  bounds[0] = southern ? longitude - long_delta_bottom : longitude - long_delta_top;
  bounds[2] = southern ? longitude + long_delta_bottom : longitude + long_delta_top;
  bounds[1] = latitude - lat_delta;
  bounds[3] = latitude + lat_delta;
}

}  // namespace

bool GeoCoordsValid(double longitude, double latitude) {
  return !(longitude < kGeoLongMin || longitude > kGeoLongMax || latitude < kGeoLatMin || latitude > kGeoLatMax);
}

bool GeoHashEncode(const GeoRange& long_range, const GeoRange& lat_range, double longitude, double latitude,
                   int step, GeoHashBits* hash) {
  if (hash == nullptr || step > 32 || step <= 0 || RangeEmpty(lat_range) || RangeEmpty(long_range)) return false;
  if (longitude > kGeoLongMax || longitude < kGeoLongMin || latitude > kGeoLatMax || latitude < kGeoLatMin) {
    return false;
  }
  hash->bits = 0;
  hash->step = static_cast<uint8_t>(step);
  if (latitude < lat_range.min || latitude > lat_range.max || longitude < long_range.min ||
      longitude > long_range.max) {
    return false;
  }
  double lat_offset = (latitude - lat_range.min) / (lat_range.max - lat_range.min);
  double long_offset = (longitude - long_range.min) / (long_range.max - long_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  long_offset *= static_cast<double>(1ULL << step);
  hash->bits = Interleave(OffsetToU32(lat_offset), OffsetToU32(long_offset));
  return true;
}

bool GeoHashEncodeWGS84(double longitude, double latitude, int step, GeoHashBits* hash) {
  return GeoHashEncode(kLongRange, kLatRange, longitude, latitude, step, hash);
}

bool GeoHashDecode(const GeoRange& long_range, const GeoRange& lat_range, const GeoHashBits& hash, GeoArea* area) {
  if (hash.IsZero() || area == nullptr || RangeEmpty(lat_range) || RangeEmpty(long_range)) return false;
  area->hash = hash;
  uint32_t ilat = Compact(hash.bits);
  uint32_t ilon = Compact(hash.bits >> 1);
  double lat_scale = lat_range.max - lat_range.min;
  double long_scale = long_range.max - long_range.min;
  double cells = static_cast<double>(1ULL << hash.step);
  // The +1 wraps in 32 bits, as the C code's uint32_t arithmetic does.
  uint32_t ilat_next = ilat + 1;
  uint32_t ilon_next = ilon + 1;
  area->latitude.min = lat_range.min + (ilat * 1.0 / cells) * lat_scale;
  area->latitude.max = lat_range.min + (ilat_next * 1.0 / cells) * lat_scale;
  area->longitude.min = long_range.min + (ilon * 1.0 / cells) * long_scale;
  area->longitude.max = long_range.min + (ilon_next * 1.0 / cells) * long_scale;
  return true;
}

bool GeoHashDecodeWGS84(const GeoHashBits& hash, GeoArea* area) {
  return GeoHashDecode(kLongRange, kLatRange, hash, area);
}

GeoNeighbors GeoHashNeighbors(const GeoHashBits& hash) {
  GeoNeighbors n;
  n.east = n.west = n.north = n.south = hash;
  n.north_east = n.north_west = n.south_east = n.south_west = hash;
  MoveX(&n.east, 1);
  MoveX(&n.west, -1);
  MoveY(&n.south, -1);
  MoveY(&n.north, 1);
  MoveX(&n.north_west, -1);
  MoveY(&n.north_west, 1);
  MoveX(&n.north_east, 1);
  MoveY(&n.north_east, 1);
  MoveX(&n.south_east, 1);
  MoveY(&n.south_east, -1);
  MoveX(&n.south_west, -1);
  MoveY(&n.south_west, -1);
  return n;
}

uint64_t GeoHashAlign52(const GeoHashBits& hash) { return hash.bits << (52 - hash.step * 2); }

uint64_t GeoScoreFor(double longitude, double latitude) {
  GeoHashBits hash;
  if (!GeoHashEncodeWGS84(longitude, latitude, kGeoStepMax, &hash)) return 0;
  return GeoHashAlign52(hash);
}

uint64_t GeoScoreBits(double score) {
  // cvttsd2si: in-range values truncate, everything else (NaN, out of range)
  // gives 0x8000000000000000. Values from 2^63 up are converted after
  // subtracting 2^63, with the top bit flipped back.
  constexpr double kTwo63 = 9223372036854775808.0;
  constexpr uint64_t kIndefinite = 0x8000000000000000ULL;
  auto truncate = [](double d) -> uint64_t {
    if (d >= -kTwo63 && d < kTwo63) return static_cast<uint64_t>(static_cast<int64_t>(d));
    return kIndefinite;
  };
  if (score < kTwo63) return truncate(score);
  return truncate(score - kTwo63) ^ kIndefinite;
}

int64_t GeoScoreToInt64(double score) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (score >= -kTwo63 && score < kTwo63) return static_cast<int64_t>(score);
  return INT64_MIN;
}

void GeoDecodeScore(double score, double* longitude, double* latitude) {
  GeoHashBits hash{GeoScoreBits(score), static_cast<uint8_t>(kGeoStepMax)};
  GeoArea area;
  GeoHashDecodeWGS84(hash, &area);
  double lon = (area.longitude.min + area.longitude.max) / 2;
  if (lon > kGeoLongMax) lon = kGeoLongMax;
  if (lon < kGeoLongMin) lon = kGeoLongMin;
  double lat = (area.latitude.min + area.latitude.max) / 2;
  if (lat > kGeoLatMax) lat = kGeoLatMax;
  if (lat < kGeoLatMin) lat = kGeoLatMin;
  *longitude = lon;
  *latitude = lat;
}

std::string GeoHashString(double score) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lon, lat;
  GeoDecodeScore(score, &lon, &lat);
  // Scores use latitudes -85..85; the standard geohash uses -90..90.
  GeoHashBits hash;
  GeoHashEncode(GeoRange{-180, 180}, GeoRange{-90, 90}, lon, lat, kGeoStepMax, &hash);
  std::string out(11, '0');
  // 52 bits give 10 characters and 2 bits; the 11th character is always '0'.
  for (int i = 0; i < 10; i++) out[i] = kAlphabet[(hash.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;
}

double GeoLatDistance(double lat1, double lat2) {
  return kEarthRadiusMeters * fabs(DegToRad(lat2) - DegToRad(lat1));
}

double GeoDistance(double lon1, double lat1, double lon2, double lat2) {
  double lon1r = DegToRad(lon1);
  double lon2r = DegToRad(lon2);
  double v = sin((lon2r - lon1r) / 2);
  // On one meridian the haversine reduces to the latitude arc; Redis takes
  // that shortcut, which can differ from the full formula in the last bit.
  if (v == 0.0) return GeoLatDistance(lat1, lat2);
  double lat1r = DegToRad(lat1);
  double lat2r = DegToRad(lat2);
  double u = sin((lat2r - lat1r) / 2);
  double a = u * u + cos(lat1r) * cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * asin(sqrt(a));
}

int GeoEstimateSteps(double range_meters, double lat) {
  if (range_meters == 0) return kGeoStepMax;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;  // so that the range fits in the 9 boxes in most cases
  // Cells get narrower towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > kGeoStepMax) step = kGeoStepMax;
  return step;
}

GeoSearchBoxes GeoBoxesForShape(const GeoShape& shape) {
  double bounds[4];
  BoundingBox(shape, bounds);
  double min_lon = bounds[0], min_lat = bounds[1], max_lon = bounds[2], max_lat = bounds[3];
  double longitude = shape.longitude;
  double latitude = shape.latitude;
  // A box is covered by the circle through its corners.
  double radius_meters = shape.kind == GeoShape::Kind::kCircle
                             ? shape.radius
                             : sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radius_meters *= shape.conversion;

  int steps = GeoEstimateSteps(radius_meters, latitude);
  GeoHashBits hash;
  GeoHashEncode(kLongRange, kLatRange, longitude, latitude, steps, &hash);
  GeoNeighbors neighbors = GeoHashNeighbors(hash);
  GeoArea area;
  GeoHashDecode(kLongRange, kLatRange, hash, &area);

  // The estimate can be one step too fine when the area reaches past the
  // neighbouring cells; then use cells twice as large.
  GeoArea north, south, east, west;
  GeoHashDecode(kLongRange, kLatRange, neighbors.north, &north);
  GeoHashDecode(kLongRange, kLatRange, neighbors.south, &south);
  GeoHashDecode(kLongRange, kLatRange, neighbors.east, &east);
  GeoHashDecode(kLongRange, kLatRange, neighbors.west, &west);
  bool decrease_step = north.latitude.max < max_lat || south.latitude.min > min_lat ||
                       east.longitude.max < max_lon || west.longitude.min > min_lon;
  if (steps > 1 && decrease_step) {
    steps--;
    GeoHashEncode(kLongRange, kLatRange, longitude, latitude, steps, &hash);
    neighbors = GeoHashNeighbors(hash);
    GeoHashDecode(kLongRange, kLatRange, hash, &area);
  }

  // Drop the neighbours on a side the area does not reach.
  if (steps >= 2) {
    if (area.latitude.min < min_lat) neighbors.south = neighbors.south_west = neighbors.south_east = GeoHashBits{};
    if (area.latitude.max > max_lat) neighbors.north = neighbors.north_east = neighbors.north_west = GeoHashBits{};
    if (area.longitude.min < min_lon) neighbors.west = neighbors.south_west = neighbors.north_west = GeoHashBits{};
    if (area.longitude.max > max_lon) neighbors.east = neighbors.south_east = neighbors.north_east = GeoHashBits{};
  }
  GeoSearchBoxes out;
  out.boxes[0] = hash;
  out.boxes[1] = neighbors.north;
  out.boxes[2] = neighbors.south;
  out.boxes[3] = neighbors.east;
  out.boxes[4] = neighbors.west;
  out.boxes[5] = neighbors.north_east;
  out.boxes[6] = neighbors.north_west;
  out.boxes[7] = neighbors.south_east;
  out.boxes[8] = neighbors.south_west;
  return out;
}

void GeoBoxScoreRange(const GeoHashBits& hash, double* min, double* max) {
  GeoHashBits next = hash;
  next.bits++;
  *min = static_cast<double>(GeoHashAlign52(hash));
  *max = static_cast<double>(GeoHashAlign52(next));
}

bool GeoInShape(const GeoShape& shape, double longitude, double latitude, double* distance_m) {
  if (shape.kind == GeoShape::Kind::kCircle) {
    *distance_m = GeoDistance(shape.longitude, shape.latitude, longitude, latitude);
    return !(*distance_m > shape.radius * shape.conversion);
  }
  double width_m = shape.width * shape.conversion;
  double height_m = shape.height * shape.conversion;
  // Vertical distance along the point's meridian, horizontal along its parallel.
  double lat_distance = GeoLatDistance(latitude, shape.latitude);
  if (lat_distance > height_m / 2) return false;
  double lon_distance = GeoDistance(longitude, latitude, shape.longitude, latitude);
  if (lon_distance > width_m / 2) return false;
  *distance_m = GeoDistance(shape.longitude, shape.latitude, longitude, latitude);
  return true;
}

}  // namespace lumadb::engine::kv
