// LATENCY DOCTOR / LATEST / HISTORY / RESET / GRAPH / HISTOGRAM / HELP.
#include "common/strutil.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/resp_server.h"

namespace lumadb::protocol::resp {
namespace {

void WriteCdf(Writer& w, const std::string& name, const LatencyHistogram& h) {
  w.Bulk(name);
  w.Map(2);
  w.Bulk("calls");
  w.Integer(static_cast<int64_t>(h.Total()));
  w.Bulk("histogram_usec");
  auto buckets = h.CumulativeUsec();
  w.Map(buckets.size());
  for (const auto& [us, count] : buckets) {
    w.Integer(us);
    w.Integer(count);
  }
}

// (name, histogram) of a command and its subcommands, those that ran.
void CollectHistograms(CommandEntry& e, std::vector<std::pair<std::string, const LatencyHistogram*>>* out) {
  if (const LatencyHistogram* h = e.stats.histogram(); h != nullptr && h->Total() > 0) out->emplace_back(e.spec->name, h);
  for (SubcommandEntry& s : e.subcommands) {
    if (const LatencyHistogram* h = s.stats.histogram(); h != nullptr && h->Total() > 0) {
      out->emplace_back(s.meta->name, h);
    }
  }
}

}  // namespace

void LatencyCommand(CommandContext& ctx) {
  std::string sub = ToLower(ctx.arg(1));
  LatencyMonitor& mon = ctx.server.latency_monitor();
  if (sub == "latest") {
    auto latest = mon.LatestSamples();
    ctx.w.Array(latest.size());
    for (const auto& l : latest) {
      ctx.w.Array(4);
      ctx.w.Bulk(l.event);
      ctx.w.Integer(l.time_s);
      ctx.w.Integer(l.latency_ms);
      ctx.w.Integer(l.max_ms);
    }
  } else if (sub == "history") {
    std::vector<LatencyMonitor::Sample> samples;
    mon.History(ctx.arg(2), &samples);
    ctx.w.Array(samples.size());
    for (const auto& s : samples) {
      ctx.w.Array(2);
      ctx.w.Integer(s.time_s);
      ctx.w.Integer(s.latency_ms);
    }
  } else if (sub == "graph") {
    std::string graph = mon.Graph(ctx.arg(2));
    if (graph.empty()) return ctx.w.Error("ERR No samples available for event '" + std::string(ctx.arg(2)) + "'");
    ctx.w.Verbatim(graph);
  } else if (sub == "reset") {
    std::vector<std::string> events(ctx.args.begin() + 2, ctx.args.end());
    ctx.w.Integer(mon.Reset(events));
  } else if (sub == "doctor") {
    ctx.w.Verbatim(mon.Doctor());
  } else if (sub == "histogram") {
    std::vector<std::pair<std::string, const LatencyHistogram*>> hists;
    if (ctx.argc() == 2) {
      for (CommandEntry& e : ctx.server.entries()) CollectHistograms(e, &hists);
    } else {
      for (size_t i = 2; i < ctx.argc(); i++) {
        std::string_view name = ctx.arg(i);
        size_t bar = name.find('|');
        CommandEntry* e = ctx.server.FindEntry(name.substr(0, bar));
        if (e == nullptr) continue;
        if (bar == std::string_view::npos) {
          CollectHistograms(*e, &hists);
        } else if (SubcommandEntry* s = e->FindSubcommand(name.substr(bar + 1))) {
          if (const LatencyHistogram* h = s->stats.histogram(); h != nullptr && h->Total() > 0) {
            hists.emplace_back(s->meta->name, h);
          }
        }
      }
    }
    ctx.w.Map(hists.size());
    for (const auto& [name, h] : hists) WriteCdf(ctx.w, name, *h);
  } else if (sub == "help") {
    WriteHelp(ctx.w, "LATENCY",
              {"DOCTOR", "    Return a human readable latency analysis report.", "GRAPH <event>",
               "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
               "    Return time-latency samples for the <event> class.", "LATEST",
               "    Return the latest latency samples for all events.", "RESET [<event> ...]",
               "    Reset latency data of one or more <event> classes.",
               "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
               "    Return a cumulative distribution of latencies in the format of a histogram for the specified "
               "command names.",
               "    If no commands are specified then all histograms are replied."});
  } else {
    BadSubcommand(ctx, "LATENCY");
  }
}

}  // namespace lumadb::protocol::resp
