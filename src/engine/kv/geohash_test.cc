#include "engine/kv/geohash.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

// Expected values are what redis-server 7.0.15 answers for the same input.

namespace lumadb::engine::kv {
namespace {

std::string Fixed(double d, int decimals) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.*f", decimals, d);
  return buf;
}

std::string G17(double d) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.17g", d);
  return buf;
}

TEST(GeoHash, ScoresMatchRedis) {
  EXPECT_EQ(GeoScoreFor(13.361389, 38.115556), 3479099956230698ULL);  // Palermo
  EXPECT_EQ(GeoScoreFor(15.087269, 37.502669), 3479447370796909ULL);  // Catania
  EXPECT_EQ(GeoScoreFor(-180, -85.05112878), 0ULL);
  EXPECT_EQ(GeoScoreFor(0, 0), 3377699720527872ULL);
  // On the maximum longitude/latitude the offset is 2^26, one bit past the
  // 26 of a coordinate: Redis keeps that carry in bits 52 and 53.
  EXPECT_EQ(GeoScoreFor(180, 0), 10133099161583616ULL);
  EXPECT_EQ(GeoScoreFor(180, 85.05112878), 13510798882111488ULL);
}

TEST(GeoHash, DecodeIsTheCellCentreClamped) {
  double lon, lat;
  GeoDecodeScore(3479099956230698.0, &lon, &lat);
  EXPECT_EQ(Fixed(lon, 17), "13.36138933897018433");
  EXPECT_EQ(Fixed(lat, 17), "38.11555639549629859");
  GeoDecodeScore(13510798882111488.0, &lon, &lat);
  EXPECT_EQ(lon, kGeoLongMax);
  EXPECT_EQ(lat, kGeoLatMax);
  GeoDecodeScore(0, &lon, &lat);
  EXPECT_EQ(Fixed(lon, 17), "-179.99999731779098511");
  EXPECT_EQ(Fixed(lat, 17), "-85.05112751263942528");
}

TEST(GeoHash, ScoreConversionLikeX86) {
  EXPECT_EQ(GeoScoreBits(-1), UINT64_MAX);
  EXPECT_EQ(GeoScoreBits(-0.5), 0ULL);
  EXPECT_EQ(GeoScoreBits(1e300), 0ULL);
  EXPECT_EQ(GeoScoreBits(2e19), 0ULL);
  EXPECT_EQ(GeoScoreBits(-1e300), 0x8000000000000000ULL);
  EXPECT_EQ(GeoScoreBits(9223372036854775808.0), 0x8000000000000000ULL);
  EXPECT_EQ(GeoScoreBits(3479099956230698.0), 3479099956230698ULL);
  EXPECT_EQ(GeoScoreToInt64(-1e300), INT64_MIN);
  EXPECT_EQ(GeoScoreToInt64(1e300), INT64_MIN);
  EXPECT_EQ(GeoScoreToInt64(-3.7), -3);
  // A negative score reads as all ones: the position clamps to the maximum.
  double lon, lat;
  GeoDecodeScore(-1, &lon, &lat);
  EXPECT_EQ(lon, 180);
  EXPECT_EQ(lat, kGeoLatMax);
}

TEST(GeoHash, StandardGeohashStrings) {
  EXPECT_EQ(GeoHashString(3479099956230698.0), "sqc8b49rny0");
  EXPECT_EQ(GeoHashString(3479447370796909.0), "sqdtr74hyu0");
  EXPECT_EQ(GeoHashString(-1), "bp05b5048p0");
  EXPECT_EQ(GeoHashString(0), "00bh0hbj200");
}

TEST(GeoHash, CoordinateLimits) {
  EXPECT_TRUE(GeoCoordsValid(180, 85.05112878));
  EXPECT_TRUE(GeoCoordsValid(-180, -85.05112878));
  EXPECT_FALSE(GeoCoordsValid(180.0000001, 0));
  EXPECT_FALSE(GeoCoordsValid(0, 85.05112879));
  EXPECT_FALSE(GeoCoordsValid(0, -86));
  GeoHashBits h;
  EXPECT_FALSE(GeoHashEncodeWGS84(0, 86, 26, &h));
  EXPECT_FALSE(GeoHashEncodeWGS84(0, 0, 0, &h));
  EXPECT_FALSE(GeoHashEncodeWGS84(0, 0, 33, &h));
}

TEST(GeoHash, Distances) {
  double lon1, lat1, lon2, lat2;
  GeoDecodeScore(3479099956230698.0, &lon1, &lat1);
  GeoDecodeScore(3479447370796909.0, &lon2, &lat2);
  EXPECT_EQ(Fixed(GeoDistance(lon1, lat1, lon2, lat2), 4), "166274.1516");
  EXPECT_EQ(GeoDistance(lon1, lat1, lon1, lat1), 0);
}

// Regression: on one meridian Redis uses the latitude arc, not the haversine;
// the two differ in the last bit and reorder equal-looking distances.
TEST(GeoHash, SameMeridianUsesTheLatitudeArc) {
  double d = GeoDistance(180, 0, 180, -85.05112751263942528);
  EXPECT_EQ(d, GeoLatDistance(0, -85.05112751263942528));
  EXPECT_EQ(G17(d / 1000), "9459.9222240591625");
}

TEST(GeoHash, StepEstimate) {
  EXPECT_EQ(GeoEstimateSteps(0, 0), 26);
  EXPECT_EQ(GeoEstimateSteps(1, 0), 24);
  EXPECT_EQ(GeoEstimateSteps(5000000, 0), 2);
  EXPECT_EQ(GeoEstimateSteps(5000000, 70), 1);
  EXPECT_EQ(GeoEstimateSteps(5000000, -85), 1);
  EXPECT_EQ(GeoEstimateSteps(1000, 67), GeoEstimateSteps(1000, 0) - 1);
  EXPECT_EQ(GeoEstimateSteps(1000, -81), GeoEstimateSteps(1000, 0) - 2);
  EXPECT_EQ(GeoEstimateSteps(1e9, 0), 1);
}

TEST(GeoHash, NeighboursWrapAround) {
  GeoHashBits h;
  ASSERT_TRUE(GeoHashEncodeWGS84(-179.9, 0.1, 2, &h));
  GeoNeighbors n = GeoHashNeighbors(h);
  GeoArea centre, west, east, north;
  ASSERT_TRUE(GeoHashDecodeWGS84(h, &centre));
  ASSERT_TRUE(GeoHashDecodeWGS84(n.west, &west));
  ASSERT_TRUE(GeoHashDecodeWGS84(n.east, &east));
  ASSERT_TRUE(GeoHashDecodeWGS84(n.north, &north));
  EXPECT_EQ(centre.longitude.min, -180);
  EXPECT_EQ(west.longitude.max, 180);  // west of the antimeridian is the far east
  EXPECT_EQ(east.longitude.min, centre.longitude.max);
  EXPECT_EQ(north.latitude.min, centre.latitude.max);
  EXPECT_EQ(north.longitude.min, centre.longitude.min);
  // With one step the world is 2x2 cells: opposite neighbours coincide.
  ASSERT_TRUE(GeoHashEncodeWGS84(10, 10, 1, &h));
  n = GeoHashNeighbors(h);
  EXPECT_EQ(n.north, n.south);
  EXPECT_EQ(n.east, n.west);
  EXPECT_EQ(n.north_east, n.south_west);
}

TEST(GeoHash, SearchBoxesCoverTheShape) {
  GeoShape s;
  s.longitude = 13.361389;
  s.latitude = 38.115556;
  s.radius = 200;
  s.conversion = 1000;
  GeoSearchBoxes b = GeoBoxesForShape(s);
  ASSERT_FALSE(b.boxes[0].IsZero());
  // Every point within the radius falls in one of the non-zero boxes.
  for (double dlon = -2.5; dlon <= 2.5; dlon += 0.25) {
    for (double dlat = -2; dlat <= 2; dlat += 0.25) {
      double lon = s.longitude + dlon, lat = s.latitude + dlat, dist;
      if (!GeoInShape(s, lon, lat, &dist)) continue;
      double score = static_cast<double>(GeoScoreFor(lon, lat));
      bool found = false;
      for (const auto& box : b.boxes) {
        if (box.IsZero()) continue;
        double min, max;
        GeoBoxScoreRange(box, &min, &max);
        found = found || (score >= min && score < max);
      }
      EXPECT_TRUE(found) << lon << "," << lat;
    }
  }
  // A radius of 0 is searched with the finest cells.
  s.radius = 0;
  EXPECT_EQ(GeoBoxesForShape(s).boxes[0].step, 26);
  // A planet-sized radius uses the 4 cells of step 1, each once.
  s.radius = 20000;
  b = GeoBoxesForShape(s);
  std::set<uint64_t> distinct;
  for (const auto& box : b.boxes) {
    EXPECT_EQ(box.step, 1);
    distinct.insert(box.bits);
  }
  EXPECT_EQ(distinct.size(), 4u);
}

TEST(GeoHash, InShape) {
  GeoShape box;
  box.kind = GeoShape::Kind::kBox;
  box.longitude = 0;
  box.latitude = 0;
  box.width = 200;
  box.height = 100;
  box.conversion = 1000;
  double d;
  EXPECT_TRUE(GeoInShape(box, 0.8, 0.4, &d));
  EXPECT_EQ(d, GeoDistance(0, 0, 0.8, 0.4));
  EXPECT_FALSE(GeoInShape(box, 0.8, 0.5, &d));  // 55.6 km north: past half the height
  EXPECT_FALSE(GeoInShape(box, 0.95, 0, &d));   // 105.6 km east: past half the width
  GeoShape circle;
  circle.radius = 100;
  circle.conversion = 1000;
  EXPECT_TRUE(GeoInShape(circle, 0.8, 0.4, &d));
  EXPECT_FALSE(GeoInShape(circle, 0.8, 0.6, &d));
}

}  // namespace
}  // namespace lumadb::engine::kv
