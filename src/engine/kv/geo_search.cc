#include "engine/kv/geo_search.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace lumadb::engine::kv {
namespace {

// Appends the members of one box that fall inside the shape. Returns false
// once the limit is reached.
bool ScanBox(const ZSet& zset, const GeoHashBits& box, const GeoShape& shape, size_t limit,
             std::vector<GeoPoint>* out) {
  double min, max;
  GeoBoxScoreRange(box, &min, &max);
  // Scores in [min, max).
  size_t lo = zset.CountBelow(min, /*inclusive=*/false);
  size_t hi = zset.CountBelow(max, /*inclusive=*/false);
  if (lo >= hi) return true;
  bool more = true;
  zset.ForRanks(lo, hi - 1, false, [&](const std::string& member, double score) {
    GeoPoint p;
    GeoDecodeScore(score, &p.longitude, &p.latitude);
    if (GeoInShape(shape, p.longitude, p.latitude, &p.distance)) {
      p.member = member;
      p.score = score;
      out->push_back(std::move(p));
    }
    if (limit != 0 && out->size() >= limit) more = false;
    return more;
  });
  return more;
}

// qsort-style three-way comparison of distances.
int CompareAsc(const GeoPoint& a, const GeoPoint& b) {
  if (a.distance > b.distance) return 1;
  if (a.distance == b.distance) return 0;
  return -1;
}

// The Bentley-McIlroy quicksort of Redis's pqsort.c (NetBSD's qsort taught
// to skip the partitions that lie wholly outside the wanted rank range
// [lrange, rrange]). Which of several equal elements ends up where depends
// on every swap, so this follows the same pivot choices, partitioning and
// recursion; positions are indexes instead of byte pointers.
template <typename Cmp>
class PartialSorter {
 public:
  PartialSorter(std::vector<GeoPoint>* v, Cmp cmp, size_t lrange, size_t rrange)
      : v_(*v), cmp_(cmp), lrange_(lrange), rrange_(rrange) {}

  void Sort(size_t a, size_t n) {
    for (;;) {
      bool swapped = false;
      if (n < 7) return InsertionSort(a, n);
      size_t pm = a + n / 2;
      if (n > 7) {
        size_t pl = a;
        size_t pn = a + n - 1;
        if (n > 40) {
          size_t d = n / 8;
          pl = Med3(pl, pl + d, pl + 2 * d);
          pm = Med3(pm - d, pm, pm + d);
          pn = Med3(pn - 2 * d, pn - d, pn);
        }
        pm = Med3(pl, pm, pn);
      }
      Swap(a, pm);
      // [a+1, pa): equal to the pivot; [pa, pb): less; (pc, pd]: greater; (pd, end): equal.
      size_t pa = a + 1, pb = a + 1;
      size_t pc = a + n - 1, pd = a + n - 1;
      for (;;) {
        int r;
        while (pb <= pc && (r = Cmp3(pb, a)) <= 0) {
          if (r == 0) {
            swapped = true;
            Swap(pa, pb);
            pa++;
          }
          pb++;
        }
        while (pb <= pc && (r = Cmp3(pc, a)) >= 0) {
          if (r == 0) {
            swapped = true;
            Swap(pc, pd);
            pd--;
          }
          pc--;
        }
        if (pb > pc) break;
        Swap(pb, pc);
        swapped = true;
        pb++;
        pc--;
      }
      if (!swapped) return InsertionSort(a, n);
      size_t pn = a + n;
      size_t r = std::min(pa - a, pb - pa);
      VecSwap(a, pb - r, r);
      r = std::min(pd - pc, pn - pd - 1);
      VecSwap(pb, pn - r, r);
      r = pb - pa;
      if (r > 1 && Overlaps(a, r)) Sort(a, r);
      r = pd - pc;
      if (r <= 1) return;
      a = pn - r;
      n = r;
      if (!Overlaps(a, n)) return;
    }
  }

 private:
  int Cmp3(size_t i, size_t j) const { return cmp_(v_[i], v_[j]); }
  void Swap(size_t i, size_t j) {
    if (i != j) std::swap(v_[i], v_[j]);
  }
  void VecSwap(size_t i, size_t j, size_t n) {
    for (size_t k = 0; k < n; k++) Swap(i + k, j + k);
  }
  size_t Med3(size_t a, size_t b, size_t c) const {
    return Cmp3(a, b) < 0 ? (Cmp3(b, c) < 0 ? b : (Cmp3(a, c) < 0 ? c : a))
                          : (Cmp3(b, c) > 0 ? b : (Cmp3(a, c) < 0 ? a : c));
  }
  void InsertionSort(size_t a, size_t n) {
    for (size_t m = a + 1; m < a + n; m++) {
      for (size_t l = m; l > a && Cmp3(l - 1, l) > 0; l--) Swap(l, l - 1);
    }
  }
  // Whether positions [a, a+n) hold any wanted rank.
  bool Overlaps(size_t a, size_t n) const { return !(rrange_ < a || lrange_ >= a + n); }

  std::vector<GeoPoint>& v_;
  Cmp cmp_;
  size_t lrange_, rrange_;
};

template <typename Cmp>
void PartialSort(std::vector<GeoPoint>* v, Cmp cmp, size_t keep) {
  PartialSorter<Cmp>(v, cmp, 0, keep - 1).Sort(0, v->size());
}

}  // namespace

std::vector<GeoPoint> GeoSearch(const ZSet& zset, const GeoShape& shape, size_t limit) {
  GeoSearchBoxes boxes = GeoBoxesForShape(shape);
  std::vector<GeoPoint> out;
  int last = -1;
  for (int i = 0; i < 9; i++) {
    const GeoHashBits& box = boxes.boxes[i];
    if (box.IsZero()) continue;
    // Very large areas can give equal adjacent neighbours; Redis compares
    // with the last box scanned, except when that was the centre.
    if (last > 0 && box == boxes.boxes[last]) continue;
    if (limit != 0 && out.size() >= limit) break;
    if (!ScanBox(zset, box, shape, limit, &out)) break;
    last = i;
  }
  return out;
}

void GeoSortPoints(std::vector<GeoPoint>* points, GeoOrder order, size_t keep) {
  if (order == GeoOrder::kNone || points->empty()) return;
  bool asc = order == GeoOrder::kAsc;
  if (keep >= points->size()) {
    std::stable_sort(points->begin(), points->end(), [asc](const GeoPoint& a, const GeoPoint& b) {
      return asc ? a.distance < b.distance : a.distance > b.distance;
    });
    return;
  }
  if (keep == 0) return;
  if (asc) {
    PartialSort(points, CompareAsc, keep);
  } else {
    PartialSort(points, [](const GeoPoint& a, const GeoPoint& b) { return -CompareAsc(a, b); }, keep);
  }
}

}  // namespace lumadb::engine::kv
