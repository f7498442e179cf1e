#include "engine/kv/geo_search.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

// Expected orders are what redis-server 7.0.15 answers for the same set.

namespace lumadb::engine::kv {
namespace {

void Add(ZSet* z, const std::string& member, double lon, double lat) {
  z->Insert(member, static_cast<double>(GeoScoreFor(lon, lat)));
}

std::vector<std::string> Names(const std::vector<GeoPoint>& pts, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n && i < pts.size(); i++) out.push_back(pts[i].member);
  return out;
}

GeoShape Circle(double lon, double lat, double radius_km) {
  GeoShape s;
  s.longitude = lon;
  s.latitude = lat;
  s.radius = radius_km;
  s.conversion = 1000;
  return s;
}

// 45 members on one spot (more than 40, so the partial sort takes the
// median of nine) and three a little away: GEOADD t 10 10 a0 ... 10 10 a44
// 10.001 10 b0 10.001 10 b1 9.999 10 b2.
ZSet* Ties() {
  static ZSet* z = [] {
    auto* t = new ZSet();
    for (int i = 0; i < 45; i++) Add(t, "a" + std::to_string(i), 10, 10);
    Add(t, "b0", 10.001, 10);
    Add(t, "b1", 10.001, 10);
    Add(t, "b2", 9.999, 10);
    return t;
  }();
  return z;
}

TEST(GeoSearch, GatherOrderIsBoxThenScore) {
  // GEORADIUS t 10 10 1 km
  std::vector<GeoPoint> pts = GeoSearch(*Ties(), Circle(10, 10, 1), 0);
  ASSERT_EQ(pts.size(), 48u);
  EXPECT_EQ(Names(pts, 5), (std::vector<std::string>{"b2", "a0", "a1", "a10", "a11"}));
  EXPECT_EQ(pts[46].member, "b0");
  EXPECT_EQ(pts[47].member, "b1");
  EXPECT_EQ(pts[1].distance, pts[2].distance);
}

TEST(GeoSearch, LimitStopsEarly) {
  // GEORADIUS t 10 10 1 km COUNT 3 ANY
  std::vector<GeoPoint> pts = GeoSearch(*Ties(), Circle(10, 10, 1), 3);
  EXPECT_EQ(Names(pts, 10), (std::vector<std::string>{"b2", "a0", "a1"}));
}

TEST(GeoSearch, PartialSortPlacesTiesLikeRedis) {
  // GEORADIUS t 10 10 1 km COUNT 5 ASC
  std::vector<GeoPoint> pts = GeoSearch(*Ties(), Circle(10, 10, 1), 0);
  GeoSortPoints(&pts, GeoOrder::kAsc, 5);
  EXPECT_EQ(Names(pts, 5), (std::vector<std::string>{"a4", "a0", "a1", "a10", "a11"}));
  // GEORADIUS t 10 10 1 km COUNT 7 DESC
  pts = GeoSearch(*Ties(), Circle(10, 10, 1), 0);
  GeoSortPoints(&pts, GeoOrder::kDesc, 7);
  EXPECT_EQ(Names(pts, 7), (std::vector<std::string>{"b2", "b0", "b1", "a10", "a11", "a12", "a13"}));
}

TEST(GeoSearch, FullSortIsStable) {
  std::vector<GeoPoint> pts = GeoSearch(*Ties(), Circle(10, 10, 1), 0);
  GeoSortPoints(&pts, GeoOrder::kAsc, pts.size());
  EXPECT_EQ(Names(pts, 3), (std::vector<std::string>{"a0", "a1", "a10"}));
  EXPECT_EQ(pts.back().member, "b2");
  for (size_t i = 1; i < pts.size(); i++) EXPECT_LE(pts[i - 1].distance, pts[i].distance);
  GeoSortPoints(&pts, GeoOrder::kNone, pts.size());
  EXPECT_EQ(pts[0].member, "a0");
}

TEST(GeoSearch, PartialSortPutsTheNearestFirst) {
  ZSet z;
  for (int i = 0; i < 300; i++) Add(&z, "p" + std::to_string(i), (i * 37 % 300) * 0.001, (i * 53 % 300) * 0.001);
  GeoShape s = Circle(0.15, 0.15, 100);
  std::vector<GeoPoint> all = GeoSearch(z, s, 0);
  ASSERT_EQ(all.size(), 300u);
  std::vector<GeoPoint> sorted = all;
  GeoSortPoints(&sorted, GeoOrder::kAsc, sorted.size());
  for (size_t keep : {1u, 6u, 7u, 41u, 150u, 299u}) {
    std::vector<GeoPoint> part = all;
    GeoSortPoints(&part, GeoOrder::kAsc, keep);
    for (size_t i = 0; i < keep; i++) EXPECT_EQ(part[i].distance, sorted[i].distance) << keep << " " << i;
  }
}

TEST(GeoSearch, BoxShape) {
  ZSet z;
  Add(&z, "in", 0.8, 0.4);
  Add(&z, "north", 0.8, 0.5);
  Add(&z, "east", 0.95, 0);
  GeoShape s;
  s.kind = GeoShape::Kind::kBox;
  s.width = 200;
  s.height = 100;
  s.conversion = 1000;
  EXPECT_EQ(Names(GeoSearch(z, s, 0), 10), (std::vector<std::string>{"in"}));
}

TEST(GeoSearch, EmptySet) {
  ZSet z;
  EXPECT_TRUE(GeoSearch(z, Circle(0, 0, 20000), 0).empty());
}

}  // namespace
}  // namespace lumadb::engine::kv
