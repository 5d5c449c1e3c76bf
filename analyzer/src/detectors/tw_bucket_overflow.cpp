#include "detectors/tw_bucket_overflow.h"

namespace netsnap::analysis::detectors {
namespace {
constexpr std::string_view kind = "tw_bucket_overflow";
}  // namespace

LevelRule TwBucketOverflow::rule() const {
  LevelRule r;
  r.warning = options_.tw_buckets_warn_ratio;
  r.clear_ratio = options_.clear_ratio;
  r.min_snapshots = options_.level_min_snapshots;
  return r;
}

void TwBucketOverflow::end_snapshot(const FeedContext& context, int64_t time_wait_sockets) {
  const std::optional<int64_t> sockstat = context.counters.time_wait_gauge();
  const int64_t gauge = sockstat ? *sockstat : time_wait_sockets;
  gauge_from_sockets_ |= !sockstat;
  const std::optional<int64_t> limit = context.settings.max_tw_buckets;
  const uint64_t ordinal = context.moment.ordinal;
  // Only a change of the count or of the limit can change the level.
  if (!started_ || gauge != gauge_ || limit != limit_) {
    gauge_series_.record(context.moment, gauge);
    if (limit && *limit > 0)
      episodes_.update(ordinal, static_cast<double>(gauge) / static_cast<double>(*limit), rule());
    if (!started_ || gauge > peak_) peak_ = gauge, peak_ordinal_ = ordinal;
  }
  started_ = true, gauge_ = gauge, limit_ = limit;

  const std::optional<int64_t> delta = context.counters.delta(Counter::time_wait_overflow);
  if (delta && *delta > 0) {
    if (overflows_ == 0) first_overflow_ = ordinal;
    last_overflow_ = ordinal;
    overflows_ += *delta;
    ++overflow_intervals_;
    if (*delta > max_overflow_delta_) max_overflow_delta_ = *delta, max_overflow_ordinal_ = ordinal;
  }
}

void TwBucketOverflow::finish(const FinishContext& context) {
  episodes_.finish(context.final_ordinal(), rule());
  if (!limit_)
    context.not_judged(kind, "net.ipv4.tcp_max_tw_buckets was not recorded: the share of the "
                             "limit is not judged");
  if (!context.counters.seen(Counter::time_wait_overflow))
    context.not_judged(kind, "no TcpExt TCPTimeWaitOverflow counter in the window (recorded "
                             "without counters?): overflows are not judged");
  if (overflows_ == 0 && episodes_.confirmed() == 0) return;

  Finding f;
  f.kind = kind;
  f.severity = overflows_ > 0 ? Severity::critical : Severity::warning;
  const ExpandedSeries series = gauge_series_.expand(context.clock);
  const uint64_t first = overflows_ > 0 && (episodes_.confirmed() == 0 || first_overflow_ < episodes_.first_ordinal())
                             ? first_overflow_ : episodes_.first_ordinal();
  const uint64_t last = std::max(overflows_ > 0 ? last_overflow_ : 0,
                                 episodes_.confirmed() ? episodes_.last_ordinal() : 0);
  fill_timing(f, context, series, peak_, peak_ordinal_, first, last);
  f.peak_unit = "sockets";
  f.thresholds = {number_field("warn_ratio", options_.tw_buckets_warn_ratio),
                  int_field("min_snapshots", options_.level_min_snapshots),
                  int_field("overflow_critical_above", 0)};
  f.facts = {int_field("peak", peak_, "sockets"),
             text_field("count_source", gauge_from_sockets_ ? "recorded TIME_WAIT sockets"
                                                            : "sockstat.TCP tw")};
  if (limit_) {
    f.facts.push_back(int_field("limit", *limit_, "sockets"));
    if (*limit_ > 0)
      f.facts.push_back(number_field("percent", 100.0 * static_cast<double>(peak_) / static_cast<double>(*limit_), "%"));
  }
  f.facts.push_back(int_field("overflow_count", overflows_));
  if (overflows_ > 0) {
    f.evidence.push_back({"counter",
                          {text_field("name", "TcpExt TCPTimeWaitOverflow"),
                           int_field("delta", overflows_),
                           int_field("intervals", static_cast<int64_t>(overflow_intervals_)),
                           time_field("first", context.wall_at(first_overflow_)),
                           time_field("last", context.wall_at(last_overflow_)),
                           int_field("max_per_interval", max_overflow_delta_),
                           time_field("max_at", context.wall_at(max_overflow_ordinal_))}});
  }
  f.series_name = "TIME_WAIT sockets (host)";
  const std::string limit_text = limit_ ? format_number(static_cast<double>(*limit_)) : "unknown";
  f.summary = overflows_ > 0
                  ? "The TIME_WAIT table overflowed " + format_number(static_cast<double>(overflows_)) +
                        " times (tcp_max_tw_buckets " + limit_text + "; peak " +
                        format_number(static_cast<double>(peak_)) + " TIME_WAIT sockets)"
                  : "TIME_WAIT sockets reached " + format_number(static_cast<double>(peak_)) + " of the " +
                        limit_text + " allowed by tcp_max_tw_buckets";
  f.likely_cause = "The host closes connections first at a high rate (each holds a TIME_WAIT "
                   "bucket for 60 s); past the limit the kernel drops TIME_WAIT protection.";
  f.next_check = "Find who closes first (time_wait_buildup, ss -tan state time-wait); reuse "
                 "connections, or raise net.ipv4.tcp_max_tw_buckets if memory allows (~0.3 KB each).";
  context.findings.push_back(std::move(f));
}

}  // namespace netsnap::analysis::detectors
