// `diff` on the committed table-sample fixture (exact output: the CLI goldens).
#include "diff_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "analyzer/table_sample_recording.h"

namespace netsnap::analysis {
namespace {

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

Result<std::string> diff(const std::string& flags, const std::string& from, const std::string& to,
                         OutputFormat format = OutputFormat::text) {
  auto timeline = Timeline::open({table_sample::fixture_path()}, ScanMode::fast);
  if (!timeline) return timeline.error();
  DiffRequest request;
  request.netstat = *parse_netstat_options(flags);
  request.from = from;
  request.to = to;
  request.format = format;
  std::ostringstream out;
  const Status status = run_diff(*timeline, request, out);
  if (!status) return status.error();
  return out.str();
}

TEST(DiffCommand, FirstToLastSnapshot) {
  // Between 13:00:00 and 13:00:50: the TIME_WAIT socket is gone, a request socket came, four
  // sockets changed queues or state; the ssh connection opened and closed in between and the
  // namespace that came and went are not there at either end.
  const auto text = diff("-tuxan", "13:00:00", "13:00:50");
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->substr(0, text->find('\n')),
            "Changes from 2026-03-01 13:00:00 CET to 2026-03-01 13:00:50 CET: 1 opened, 1 closed, "
            "4 changed");
  EXPECT_EQ(
      count_of(*text,
               "\n- tcp        0      0 10.0.0.5:44444          10.0.0.7:5432           TIME_WAIT"),
      1u)
      << *text;
  EXPECT_EQ(
      count_of(*text,
               "\n+ tcp        0      0 10.0.0.5:443            10.0.0.66:41000         SYN_RECV"),
      1u);
  EXPECT_EQ(count_of(*text, "\n~ "), 4u);
  EXPECT_EQ(count_of(*text, "\n    Send-Q 0 -> 1440, State ESTABLISHED -> FIN_WAIT1\n"), 1u);
  EXPECT_EQ(count_of(*text, "Active UNIX"), 0u);  // no UNIX socket changed
}

TEST(DiffCommand, ANamespaceAppearing) {
  const auto text = diff("-tan", "13:00:20", "13:00:30");
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find(": 3 opened, 0 closed, 1 changed"), std::string::npos) << *text;
  EXPECT_EQ(count_of(*text, "\n+ tcp "), 3u);
}

TEST(DiffCommand, NetstatFlagsAndTheSameSnapshotTwice) {
  // -l: only listeners, and none of them changed.
  EXPECT_NE(diff("-tln", "13:00:00", "13:00:50")->find(": 0 opened, 0 closed, 0 changed"),
            std::string::npos);
  // -x: UNIX sockets only, and none of them changed either.
  EXPECT_NE(diff("-xa", "13:00:00", "13:00:50")->find(": 0 opened, 0 closed, 0 changed"),
            std::string::npos);
  EXPECT_NE(diff("-an", "+10s", "+10s")->find(": 0 opened, 0 closed, 0 changed"),
            std::string::npos);
}

TEST(DiffCommand, Json) {
  const auto json = diff("-tuxan", "13:00:00", "13:00:50", OutputFormat::json);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->rfind("{\"from\":{\"time\":\"2026-03-01T13:00:00.000+01:00\",\"wall_ns\":"
                        "1772366400000000000,\"seq\":1},",
                        0),
            0u);
  EXPECT_EQ(count_of(*json, "{\"before\":{"), 4u);
  EXPECT_EQ(count_of(*json, "\"cookie\":6,"), 1u);   // closed
  EXPECT_EQ(count_of(*json, "\"cookie\":21,"), 1u);  // opened
  EXPECT_EQ(json->substr(json->size() - 3), "]}\n");
}

TEST(DiffCommand, TimesMustLieWithinAndInOrder) {
  EXPECT_NE(diff("-a", "12:00", "13:00:50").error().message.find("--from '12:00'"),
            std::string::npos);
  EXPECT_NE(diff("-a", "13:00:40", "13:00:10").error().message.find("--from is later than --to"),
            std::string::npos);
}

}  // namespace
}  // namespace netsnap::analysis
