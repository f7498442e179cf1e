#pragma once

// Searching a geo set (a ZSet whose scores are geohashes, see geohash.h) the
// way Redis 7.0's geo.c does, down to the order of the results: members are
// gathered box by box in score order, then ordered by distance with the same
// sort algorithms Redis uses, so that equal distances come out in the same
// order too.

#include <cstddef>
#include <string>
#include <vector>

#include "engine/kv/geohash.h"
#include "engine/kv/zset.h"

namespace lumadb::engine::kv {

// One match of a search.
struct GeoPoint {
  std::string member;
  double score = 0;      // the stored geohash score
  double longitude = 0;  // decoded from the score
  double latitude = 0;
  double distance = 0;   // to the shape's centre, in meters
};

// The members of `zset` inside `shape`, in Redis's gathering order: the 9
// boxes of GeoBoxesForShape (skipping zero boxes and a box equal to the one
// scanned just before), each in ascending score order. With limit > 0 the
// search stops as soon as `limit` matches are found (COUNT n ANY).
std::vector<GeoPoint> GeoSearch(const ZSet& zset, const GeoShape& shape, size_t limit);

enum class GeoOrder { kNone, kAsc, kDesc };

// Orders `points` by distance as GEORADIUS/GEOSEARCH do. When keep ==
// points->size() the sort is stable (glibc's qsort is a merge sort); when
// keep is smaller only the first `keep` positions are guaranteed to be the
// nearest (or farthest), sorted, with ties placed as Redis's partial
// quicksort (pqsort.c) places them. kNone leaves the order alone.
void GeoSortPoints(std::vector<GeoPoint>* points, GeoOrder order, size_t keep);

}  // namespace lumadb::engine::kv
