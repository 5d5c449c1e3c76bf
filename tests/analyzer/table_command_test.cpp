// `table` end to end on the committed table-sample fixture (its exact output is pinned by the
// CLI goldens; these tests state the properties behind them).
#include "table_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "analyzer/table_sample_recording.h"
#include "netstat_table.h"
#include "recording_lookups.h"

namespace netsnap::analysis {
namespace {

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

class TableCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Timeline::open({table_sample::fixture_path()}, ScanMode::fast);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    timeline_.emplace(std::move(opened.value()));
  }
  std::string run(const std::string& flags, SnapshotSelectorArgs selection = {},
                  OutputFormat format = OutputFormat::text, SocketFilterArgs filter = {},
                  bool utc = false) {
    TableRequest request;
    request.netstat = *parse_netstat_options(flags);
    request.selection = std::move(selection);
    request.filter = *SocketFilter::parse(filter);
    request.format = format;
    request.utc = utc;
    std::ostringstream out;
    const Status status = run_table(*timeline_, request, out);
    EXPECT_TRUE(status.ok()) << status.error().message;
    return out.str();
  }
  static SnapshotSelectorArgs index(int64_t n) {
    SnapshotSelectorArgs args;
    args.index = n;
    return args;
  }
  std::optional<Timeline> timeline_;
};

TEST_F(TableCommand, DefaultIsTheLastSnapshotExactlyAsTheRendererPrintsIt) {
  const FileHeader header = table_sample::header();
  const ServiceNames services = ServiceNames::parse(header.services_db, header.protocols_db);
  UidNames users;
  add_uid_names(users, header.users);
  add_uid_names(users, {{4242, "bad\x1bname"}});
  const NetstatLookups lookups{&services, &users, 100};
  const std::string want =
      netstat_table(table_sample::snapshot(5), *parse_netstat_options("-a"), lookups);
  EXPECT_EQ(run("-a"), want);
  EXPECT_EQ(count_of(want, "Snapshot at"), 0u);
}

TEST_F(TableCommand, SequencesPutEachSnapshotsTimeFirst) {
  SnapshotSelectorArgs all;
  all.all = true;
  const std::string text = run("-t", all);
  EXPECT_EQ(count_of(text, "Snapshot at 2026-03-01 13:00:"), 6u);
  EXPECT_EQ(text.rfind("Snapshot at 2026-03-01 13:00:00 CET\nActive Internet", 0), 0u) << text;
  EXPECT_EQ(count_of(run("-t", all, OutputFormat::text, {}, true), "Snapshot at 2026-03-01 12:00:"),
            6u);
}

TEST_F(TableCommand, UserNamesComeFromTheRecordingIncludingUsersAddedBeforeTheSnapshot) {
  // uid 4242 was added by snapshot 1; snapshot 3 (a key snapshot) does not carry it, so the
  // table replays the snapshots before it to find the name.
  const std::string text = run("-tae --numeric-hosts", index(3));
  EXPECT_EQ(count_of(text, " bad\\x1bname "), 1u) << text;
  EXPECT_EQ(count_of(text, " www-data "), 2u);
  EXPECT_EQ(count_of(text, " 1000       1007"), 1u);  // looked up on the host: no such user
  EXPECT_EQ(count_of(run("-tane", index(3)), " 4242       1020"), 1u);  // -n: numbers
}

TEST_F(TableCommand, FiltersNarrowNetstatsRows) {
  SocketFilterArgs filter;
  filter.states = {"ESTABLISHED"};
  filter.ports = {"22"};
  const std::string text = run("-tan", index(1), OutputFormat::text, filter);
  EXPECT_EQ(count_of(text, "\ntcp "), 2u) << text;
  EXPECT_EQ(count_of(text, "Active UNIX"), 0u);
  SocketFilterArgs program;
  program.programs = {"evil"};
  const std::string evil = run("-anp", index(0), OutputFormat::text, program);
  EXPECT_EQ(count_of(evil, "3003/evil\\x1b[2Jprog"), 3u) << evil;
}

TEST_F(TableCommand, CsvHasAHeaderAndOneRowPerSocketWithTheTime) {
  const std::string csv = run("-x", index(0), OutputFormat::csv);
  EXPECT_EQ(csv.rfind("time,netns,netns_name,proto,recv_q,send_q,local_address,", 0), 0u);
  EXPECT_EQ(count_of(csv, "\n2026-03-01T13:00:00.000+01:00,4026531840,,unix,"), 5u) << csv;
  // The forged row stays inside its cell, escaped.
  EXPECT_EQ(count_of(csv, "/run/evil\\nunix  2"), 1u);
}

TEST_F(TableCommand, JsonHasOneObjectPerSnapshotWithItsSockets) {
  SnapshotSelectorArgs range;
  range.from = "13:00:20";
  range.to = "13:00:30";
  const std::string json = run("-tl", range, OutputFormat::json);
  EXPECT_EQ(
      json.rfind("{\"snapshots\":[\n{\"time\":\"2026-03-01T13:00:20.000+01:00\",\"wall_ns\":", 0),
      0u);
  EXPECT_EQ(count_of(json, "\"sockets\":["), 2u);
  EXPECT_EQ(count_of(json, "\"state\":\"LISTEN\""), 2u + 3u);  // redis joins in snapshot 3
  EXPECT_EQ(count_of(json, "\n]},\n{\"time\":\"2026-03-01T13:00:30.000+01:00\""), 1u);
  EXPECT_EQ(json.substr(json.size() - 7), "\n]}\n]}\n");
}

}  // namespace
}  // namespace netsnap::analysis
