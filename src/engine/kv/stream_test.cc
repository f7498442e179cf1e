#include "engine/kv/stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/kv/value.h"

namespace lumadb::engine::kv {
namespace {

StreamId Id(uint64_t ms, uint64_t seq) { return StreamId{ms, seq}; }

Stream::NewId Explicit(uint64_t ms, uint64_t seq) {
  Stream::NewId n;
  n.kind = Stream::NewId::kExplicit;
  n.id = Id(ms, seq);
  return n;
}

void Add(Stream& s, uint64_t ms, uint64_t seq, std::vector<std::string_view> fv = {"f", "v"}) {
  ASSERT_EQ(s.Add(Explicit(ms, seq), 0, fv, nullptr), Stream::AddResult::kOk);
}

std::vector<StreamId> Ids(const Stream& s, StreamId start = Id(0, 0), StreamId end = StreamId::Max(),
                          bool rev = false, size_t count = 0) {
  std::vector<StreamId> out;
  s.Range(start, end, rev, count, [&](StreamId id, const StreamFields&) {
    out.push_back(id);
    return true;
  });
  return out;
}

bool Parse(std::string_view s, StreamId* id, StreamIdSyntax syntax = {}, bool* seq_given = nullptr) {
  return ParseStreamId(s, syntax, id, seq_given);
}

TEST(StreamId, ParsesLikeRedis) {
  StreamId id;
  ASSERT_TRUE(Parse("1526985054069-3", &id));
  EXPECT_EQ(id, Id(1526985054069, 3));
  StreamIdSyntax end;
  end.missing_seq = UINT64_MAX;
  ASSERT_TRUE(Parse("1526985054069", &id, end));  // an incomplete end is <ms>-max
  EXPECT_EQ(id, Id(1526985054069, UINT64_MAX));
  ASSERT_TRUE(Parse("-", &id));
  EXPECT_EQ(id, Id(0, 0));
  ASSERT_TRUE(Parse("+", &id));
  EXPECT_EQ(id, StreamId::Max());
  StreamIdSyntax strict;
  strict.strict = true;
  EXPECT_FALSE(Parse("-", &id, strict));
  EXPECT_FALSE(Parse("+", &id, strict));
  // string2ull falls back to strtoull: blanks, signs, leading zeros, "-N" wrapping.
  ASSERT_TRUE(Parse(" 3", &id));
  EXPECT_EQ(id.ms, 3u);
  ASSERT_TRUE(Parse("+4-007", &id));
  EXPECT_EQ(id, Id(4, 7));
  ASSERT_TRUE(Parse("5--01", &id));
  EXPECT_EQ(id, Id(5, UINT64_MAX));
  EXPECT_FALSE(Parse("5--1", &id));  // canonical negatives are rejected
  EXPECT_FALSE(Parse("1 ", &id));
  EXPECT_FALSE(Parse("", &id));
  EXPECT_FALSE(Parse("x", &id));
  EXPECT_FALSE(Parse("1-x", &id));
  EXPECT_FALSE(Parse("18446744073709551616", &id));
  ASSERT_TRUE(Parse("18446744073709551615-18446744073709551615", &id));
  EXPECT_EQ(id, StreamId::Max());
  EXPECT_FALSE(Parse(std::string(128, '1'), &id));
  ASSERT_TRUE(Parse(std::string_view("7\0junk", 6), &id));  // the C string ends at NUL
  EXPECT_EQ(id, Id(7, 0));
}

TEST(StreamId, SequenceStarOnlyWhenAllowed) {
  StreamId id;
  bool seq_given = true;
  EXPECT_FALSE(Parse("5-*", &id));
  StreamIdSyntax xadd;
  xadd.strict = true;
  xadd.allow_seq_star = true;
  ASSERT_TRUE(Parse("5-*", &id, xadd, &seq_given));
  EXPECT_FALSE(seq_given);
  EXPECT_EQ(id.ms, 5u);
  ASSERT_TRUE(Parse("5-1", &id, xadd, &seq_given));
  EXPECT_TRUE(seq_given);
}

TEST(StreamId, Intervals) {
  StreamId id;
  bool ex;
  ASSERT_TRUE(ParseStreamIntervalId("(5-1", 0, &id, &ex));
  EXPECT_TRUE(ex);
  EXPECT_EQ(id, Id(5, 1));
  EXPECT_FALSE(ParseStreamIntervalId("(", 0, &id, &ex));  // a lone "(" is just an invalid ID
  EXPECT_FALSE(ParseStreamIntervalId("(-", 0, &id, &ex));  // strict after "("
  ASSERT_TRUE(ParseStreamIntervalId("-", 0, &id, &ex));
  EXPECT_FALSE(ex);
  StreamId max = StreamId::Max();
  EXPECT_FALSE(max.Increment());
  EXPECT_EQ(max, Id(0, 0));
  StreamId zero;
  EXPECT_FALSE(zero.Decrement());
  EXPECT_EQ(zero, StreamId::Max());
  StreamId a = Id(1, UINT64_MAX);
  EXPECT_TRUE(a.Increment());
  EXPECT_EQ(a, Id(2, 0));
  EXPECT_EQ(a.ToString(), "2-0");
}

TEST(Stream, AddGeneratesIdsAndRejectsSmallerOnes) {
  Stream s;
  StreamId id;
  Stream::NewId aut;
  ASSERT_EQ(s.Add(aut, 1000, {"a", "1"}, &id), Stream::AddResult::kOk);
  EXPECT_EQ(id, Id(1000, 0));
  ASSERT_EQ(s.Add(aut, 999, {"a", "1"}, &id), Stream::AddResult::kOk);  // clock went back: same ms, next seq
  EXPECT_EQ(id, Id(1000, 1));
  Stream::NewId seq;
  seq.kind = Stream::NewId::kAutoSeq;
  seq.id = Id(1000, 0);
  ASSERT_EQ(s.Add(seq, 0, {"a", "1"}, &id), Stream::AddResult::kOk);
  EXPECT_EQ(id, Id(1000, 2));
  seq.id = Id(2000, 0);
  ASSERT_EQ(s.Add(seq, 0, {"a", "1"}, &id), Stream::AddResult::kOk);
  EXPECT_EQ(id, Id(2000, 0));
  EXPECT_EQ(s.Add(Explicit(2000, 0), 0, {"a", "1"}, &id), Stream::AddResult::kIdTooSmall);
  seq.id = Id(5, 0);
  EXPECT_EQ(s.Add(seq, 0, {"a", "1"}, &id), Stream::AddResult::kIdTooSmall);
  EXPECT_EQ(s.length(), 4u);
  EXPECT_EQ(s.entries_added(), 4u);
  EXPECT_EQ(s.first_id(), Id(1000, 0));
  EXPECT_EQ(s.last_id(), Id(2000, 0));
}

TEST(Stream, RangesForwardBackwardAndCount) {
  Stream s;
  for (uint64_t i = 1; i <= 250; i++) Add(s, i, 0);
  EXPECT_EQ(s.node_count(), 3u);
  EXPECT_EQ(Ids(s).size(), 250u);
  EXPECT_EQ(Ids(s, Id(99, 0), Id(102, 0)), (std::vector<StreamId>{Id(99, 0), Id(100, 0), Id(101, 0), Id(102, 0)}));
  EXPECT_EQ(Ids(s, Id(99, 0), Id(102, 0), true, 2), (std::vector<StreamId>{Id(102, 0), Id(101, 0)}));
  EXPECT_EQ(Ids(s, Id(0, 0), Id(0, 5)).size(), 0u);
  EXPECT_EQ(Ids(s, Id(0, 0), Id(0, 5), true).size(), 0u);
  EXPECT_EQ(Ids(s, Id(250, 1), StreamId::Max()).size(), 0u);
  StreamFields f;
  ASSERT_TRUE(s.Get(Id(150, 0), &f));
  EXPECT_EQ(f, (StreamFields{"f", "v"}));
  EXPECT_FALSE(s.Get(Id(150, 1), &f));
}

TEST(Stream, EntriesWithOtherFieldsKeepTheirNames) {
  Stream s;
  Add(s, 1, 0, {"a", "1", "b", "2"});
  Add(s, 2, 0, {"a", "3", "b", "4"});
  Add(s, 3, 0, {"x", "5"});
  const Stream::Node& node = s.nodes().begin()->second;
  EXPECT_TRUE(node.entry(1).same_fields());
  EXPECT_FALSE(node.entry(2).same_fields());
  std::vector<StreamFields> got;
  s.Range(Id(0, 0), StreamId::Max(), false, 0, [&](StreamId, const StreamFields& f) {
    got.push_back(f);
    return true;
  });
  EXPECT_EQ(got[1], (StreamFields{"a", "3", "b", "4"}));
  EXPECT_EQ(got[2], (StreamFields{"x", "5"}));
}

TEST(Stream, NodesCloseAtRedisLimits) {
  // 100 entries per node, counting tombstones.
  Stream s;
  for (uint64_t i = 1; i <= 99; i++) Add(s, i, 0);
  s.Delete({Id(5, 0)});
  Add(s, 100, 0);
  EXPECT_EQ(s.node_count(), 1u);
  Add(s, 101, 0);
  EXPECT_EQ(s.node_count(), 2u);
  // 4096 listpack bytes: with 500-byte values the 8th entry starts a node,
  // as it does in redis-server 7.0.
  Stream b;
  std::string big(500, 'x');
  for (uint64_t i = 1; i <= 7; i++) Add(b, i, 0, {"f", big});
  EXPECT_EQ(b.node_count(), 1u);
  EXPECT_EQ(b.nodes().begin()->second.ListpackBytes(), 7 + 11 + 7 * 512u);
  Add(b, 8, 0, {"f", big});
  EXPECT_EQ(b.node_count(), 2u);
}

TEST(Stream, RadixTreeNodesMatchRedis) {
  Stream s;
  EXPECT_EQ(s.RadixTreeNodes(), 1u);
  for (uint64_t i = 1; i <= 100; i++) Add(s, i, 0);
  EXPECT_EQ(s.RadixTreeNodes(), 2u);  // redis-server 7.0: 1 key, 2 nodes
  Add(s, 101, 0);
  EXPECT_EQ(s.RadixTreeNodes(), 6u);  // 2 keys, 6 nodes
}

TEST(Stream, DeleteKeepsTombstonesUntilTheNodeEmpties) {
  Stream s;
  for (uint64_t i = 1; i <= 3; i++) Add(s, i, 0);
  EXPECT_EQ(s.Delete({Id(1, 0), Id(9, 9), Id(1, 0)}), 1u);
  EXPECT_EQ(s.first_id(), Id(2, 0));
  EXPECT_EQ(s.max_deleted_id(), Id(1, 0));
  EXPECT_EQ(s.nodes().begin()->second.deleted(), 1u);
  EXPECT_EQ(s.Delete({Id(3, 0)}), 1u);
  EXPECT_EQ(s.first_id(), Id(2, 0));
  EXPECT_EQ(s.max_deleted_id(), Id(3, 0));
  EXPECT_EQ(s.Delete({Id(2, 0)}), 1u);
  EXPECT_EQ(s.node_count(), 0u);
  EXPECT_EQ(s.length(), 0u);
  EXPECT_EQ(s.first_id(), Id(0, 0));
  EXPECT_EQ(s.last_id(), Id(3, 0));
}

TEST(Stream, TrimExactAndApproximate) {
  Stream s;
  for (uint64_t i = 1; i <= 250; i++) Add(s, i, 0);
  Stream::TrimOptions approx;
  approx.strategy = Stream::TrimOptions::kMaxLen;
  approx.approx = true;
  approx.maxlen = 120;
  approx.limit = 10000;
  EXPECT_EQ(s.Trim(approx), 100);  // only whole nodes
  EXPECT_EQ(s.length(), 150u);
  Stream::TrimOptions exact = approx;
  exact.approx = false;
  exact.limit = 0;
  EXPECT_EQ(s.Trim(exact), 30);
  EXPECT_EQ(s.length(), 120u);
  EXPECT_EQ(s.first_id(), Id(131, 0));
  Stream::TrimOptions minid;
  minid.strategy = Stream::TrimOptions::kMinId;
  minid.minid = Id(200, 0);
  EXPECT_EQ(s.Trim(minid), 69);
  EXPECT_EQ(Ids(s).front(), Id(200, 0));
  Stream::TrimOptions limited = approx;
  limited.maxlen = 0;
  limited.limit = 10;
  EXPECT_EQ(s.Trim(limited), 1);  // the node holding just 200-0 fits the limit
  EXPECT_EQ(s.Trim(limited), 0);  // the next holds 50: more than the limit
}

TEST(Stream, LagFollowsRedisRules) {
  Stream s;
  StreamGroup* g = s.CreateGroup("g", Id(0, 0), kEntriesReadInvalid);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(s.CreateGroup("g", Id(0, 0), 0), nullptr);
  EXPECT_EQ(s.Lag(*g), 0);  // nothing ever added
  for (uint64_t i = 1; i <= 5; i++) Add(s, i, 0);
  EXPECT_EQ(s.Lag(*g), 5);  // 0-0 is before the first entry: estimated
  StreamConsumer* c = g->TouchConsumer("c", 10);
  EXPECT_EQ(s.ReadNew(*g, *c, 2, false, 10, [](StreamId, const StreamFields&) { return true; }), 2u);
  EXPECT_EQ(g->entries_read, 2);
  EXPECT_EQ(s.Lag(*g), 3);
  s.Delete({Id(4, 0)});
  EXPECT_FALSE(s.Lag(*g).has_value());  // a tombstone ahead: unknown
  s.ReadNew(*g, *c, 0, false, 10, [](StreamId, const StreamFields&) { return true; });
  EXPECT_EQ(g->last_id, Id(5, 0));
  EXPECT_EQ(s.Lag(*g), 0);
  EXPECT_EQ(s.EstimateEntriesRead(Id(9, 0)), kEntriesReadInvalid);
  EXPECT_EQ(s.EstimateEntriesRead(Id(5, 0)), 5);
}

TEST(Stream, PendingEntriesMoveBetweenConsumers) {
  Stream s;
  for (uint64_t i = 1; i <= 4; i++) Add(s, i, 0);
  StreamGroup* g = s.CreateGroup("g", Id(0, 0), kEntriesReadInvalid);
  StreamConsumer* alice = g->TouchConsumer("alice", 100);
  s.ReadNew(*g, *alice, 3, false, 100, [](StreamId, const StreamFields&) { return true; });
  EXPECT_EQ(g->pel.size(), 3u);
  EXPECT_EQ(alice->pel.size(), 3u);

  // History: the PEL again, counting deliveries; deleted entries show no fields.
  s.Delete({Id(2, 0)});
  std::vector<std::pair<StreamId, bool>> hist;
  s.ReadHistory(*alice, *g, Id(0, 1), 0, 200,
                [&](StreamId id, const StreamFields* f) { hist.emplace_back(id, f != nullptr); });
  EXPECT_EQ(hist, (std::vector<std::pair<StreamId, bool>>{{Id(1, 0), true}, {Id(2, 0), false}, {Id(3, 0), true}}));
  EXPECT_EQ(g->pel.at(Id(1, 0)).delivery_count, 2u);
  EXPECT_EQ(g->pel.at(Id(2, 0)).delivery_count, 1u);

  // XCLAIM: idle filter, the deleted entry leaves the PEL, lazy consumer creation.
  Stream::ClaimOptions opts;
  opts.min_idle = 1000;
  std::vector<StreamId> claimed;
  auto collect = [&](StreamId id, const StreamFields&) {
    claimed.push_back(id);
    return true;
  };
  s.Claim(*g, "bob", {Id(1, 0), Id(2, 0)}, opts, 250, collect);
  EXPECT_TRUE(claimed.empty());
  EXPECT_EQ(g->FindConsumer("bob"), nullptr);
  EXPECT_FALSE(g->pel.contains(Id(2, 0)));
  opts.min_idle = 0;
  s.Claim(*g, "bob", {Id(1, 0)}, opts, 250, collect);
  EXPECT_EQ(claimed, (std::vector<StreamId>{Id(1, 0)}));
  StreamConsumer* bob = g->FindConsumer("bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(g->pel.at(Id(1, 0)).consumer, bob);
  EXPECT_EQ(g->pel.at(Id(1, 0)).delivery_count, 3u);
  EXPECT_FALSE(alice->pel.contains(Id(1, 0)));
  // FORCE creates a PEL entry for an existing entry.
  opts.force = true;
  opts.justid = true;
  s.Claim(*g, "bob", {Id(4, 0), Id(9, 0)}, opts, 260, collect);
  EXPECT_EQ(g->pel.at(Id(4, 0)).delivery_count, 1u);
  EXPECT_FALSE(g->pel.contains(Id(9, 0)));

  // XAUTOCLAIM: cursor and deleted IDs.
  s.Delete({Id(3, 0)});
  std::vector<StreamId> deleted;
  claimed.clear();
  StreamId next = s.AutoClaim(*g, "carol", Id(0, 0), 1, 0, false, 300, collect, &deleted);
  EXPECT_EQ(claimed, (std::vector<StreamId>{Id(1, 0)}));
  EXPECT_EQ(next, Id(3, 0));
  next = s.AutoClaim(*g, "carol", next, 1, 0, false, 300, collect, &deleted);
  EXPECT_EQ(deleted, (std::vector<StreamId>{Id(3, 0)}));
  EXPECT_EQ(next, Id(4, 0));

  EXPECT_TRUE(g->Ack(Id(4, 0)));
  EXPECT_FALSE(g->Ack(Id(4, 0)));
  EXPECT_EQ(g->DeleteConsumer("carol"), 1);
  EXPECT_EQ(g->DeleteConsumer("carol"), -1);
  EXPECT_TRUE(g->pel.empty());
}

TEST(Stream, CopiesOwnTheirConsumers) {
  Stream s;
  Add(s, 1, 0);
  StreamGroup* g = s.CreateGroup("g", Id(0, 0), kEntriesReadInvalid);
  StreamConsumer* c = g->TouchConsumer("c", 1);
  s.ReadNew(*g, *c, 0, false, 1, [](StreamId, const StreamFields&) { return true; });
  Stream copy(s);
  StreamGroup* cg = copy.FindGroup("g");
  ASSERT_NE(cg, nullptr);
  EXPECT_EQ(cg->pel.at(Id(1, 0)).consumer, cg->FindConsumer("c"));
  s.DestroyGroup("g");
  EXPECT_EQ(cg->pel.at(Id(1, 0)).consumer->name, "c");
}

TEST(Stream, SurvivesTheStoredFormat) {
  Value v = Value::Make(Type::kStream);
  Stream& s = v.stream();
  for (uint64_t i = 1; i <= 150; i++) Add(s, i, i % 3, {"k", std::to_string(i), "other", "x"});
  Add(s, 151, 0, {"different", "fields"});
  s.Delete({Id(7, 1), Id(120, 0)});
  StreamGroup* g = s.CreateGroup("g", Id(0, 0), kEntriesReadInvalid);
  s.CreateGroup("empty", Id(5, 0), 3);
  StreamConsumer* c = g->TouchConsumer("c", 42);
  g->CreateConsumer("idle", 7);
  s.ReadNew(*g, *c, 10, false, 43, [](StreamId, const StreamFields&) { return true; });
  std::string enc;
  EncodeValue(v, &enc);
  Value back;
  ASSERT_TRUE(DecodeValue(enc, &back).ok());
  ASSERT_EQ(back.type(), Type::kStream);
  const Stream& b = back.stream();
  EXPECT_EQ(b.length(), s.length());
  EXPECT_EQ(b.node_count(), s.node_count());
  EXPECT_EQ(b.max_deleted_id(), Id(120, 0));
  EXPECT_EQ(Ids(b), Ids(s));
  EXPECT_EQ(b.nodes().begin()->second.ListpackBytes(), s.nodes().begin()->second.ListpackBytes());
  const StreamGroup& bg = b.groups().at("g");
  EXPECT_EQ(bg.pel.size(), 10u);
  EXPECT_EQ(bg.pel.begin()->second.consumer->name, "c");
  EXPECT_EQ(bg.consumers.at("idle").seen_time, 7);
  EXPECT_EQ(b.groups().at("empty").entries_read, 3);
  EXPECT_EQ(bg.entries_read, g->entries_read);
  // Truncations are rejected, not misread.
  for (size_t cut = 1; cut < enc.size(); cut += 97) {
    Value bad;
    EXPECT_FALSE(DecodeValue(std::string_view(enc).substr(0, enc.size() - cut), &bad).ok());
  }
}

TEST(Stream, EmptyStreamsAreKept) {
  Value v = Value::Make(Type::kStream);
  EXPECT_EQ(v.Size(), 0u);
  EXPECT_STREQ(TypeName(v.type()), "stream");
  Value c = v.Clone();
  EXPECT_EQ(c.type(), Type::kStream);
}

}  // namespace
}  // namespace lumadb::engine::kv
