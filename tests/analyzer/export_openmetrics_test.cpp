// OpenMetrics text pieces: label values escaped per the spec after netsnap's own escaping of
// recorded text, timestamps in seconds with millisecond precision, family metadata.
#include "export_openmetrics.h"

#include <gtest/gtest.h>

namespace netsnap::analysis {
namespace {

std::string label_value(std::string_view raw) {
  std::string out;
  append_label_value(out, raw);
  return out;
}

std::string timestamp(int64_t wall_ns) {
  std::string out;
  append_timestamp_seconds(out, wall_ns);
  return out;
}

TEST(OpenMetricsLabelValue, EscapesQuoteBackslashAndNewline) {
  EXPECT_EQ(label_value("nginx"), "nginx");
  EXPECT_EQ(label_value("say \"hi\""), "say \\\"hi\\\"");
  // A recorded backslash is first doubled by text_escape (so that an escape always means
  // one), then each backslash is escaped for OpenMetrics: the stored label reads "a\\b".
  EXPECT_EQ(label_value("a\\b"), "a\\\\\\\\b");
  // A newline never reaches the output raw: text_escape makes it the two characters \n,
  // whose backslash OpenMetrics escapes; the stored label reads "a\nb" as text.
  EXPECT_EQ(label_value("a\nb"), "a\\\\nb");
}

TEST(OpenMetricsLabelValue, ControlBytesAndInvalidUtf8BecomeText) {
  EXPECT_EQ(label_value("x\x1b[2J"), "x\\\\x1b[2J");
  EXPECT_EQ(label_value(std::string_view("a\0\xff", 3)), "a\\\\x00\\\\xff");
  EXPECT_EQ(label_value("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 passes
}

TEST(OpenMetricsTimestamp, SecondsWithMilliseconds) {
  EXPECT_EQ(timestamp(1'772'366'440'000'000'000), "1772366440.000");
  EXPECT_EQ(timestamp(1'772'366'440'250'999'999), "1772366440.250");  // truncated, not rounded
  EXPECT_EQ(timestamp(5'000'000), "0.005");
  EXPECT_EQ(timestamp(0), "0.000");
  EXPECT_EQ(timestamp(-1), "-1.999");  // floor: 1 ns before 1970 is in the millisecond before
  EXPECT_EQ(timestamp(-1'500'000'000), "-2.500");
}

TEST(OpenMetricsFamily, HeaderLinesAndCounterSuffix) {
  std::string out;
  append_family_header(out,
                       {"netsnap_queued_bytes", MetricType::gauge, "Bytes\\queued\nnow.", "bytes"});
  EXPECT_EQ(out,
            "# HELP netsnap_queued_bytes Bytes\\\\queued\\nnow.\n"
            "# TYPE netsnap_queued_bytes gauge\n"
            "# UNIT netsnap_queued_bytes bytes\n");
  const MetricFamily counter{"netsnap_kernel_counter", MetricType::counter, "c", ""};
  out.clear();
  append_family_header(out, counter);
  EXPECT_EQ(out, "# HELP netsnap_kernel_counter c\n# TYPE netsnap_kernel_counter counter\n");
  const std::string prefix =
      series_prefix(counter, {{"host", "web\"1"}, {"table", "TcpExt"}, {"counter", "TW"}});
  EXPECT_EQ(prefix,
            "netsnap_kernel_counter_total{host=\"web\\\"1\",table=\"TcpExt\",counter=\"TW\"}");
  out.clear();
  append_sample(out, prefix, -3, 1'000'000'000);
  EXPECT_EQ(out, prefix + " -3 1.000\n");
  EXPECT_EQ(series_prefix({"netsnap_x", MetricType::gauge, "", ""}, {}), "netsnap_x");
}

}  // namespace
}  // namespace netsnap::analysis
