// Splitting `table`/`diff` command lines between netstat's flags and CLI11's options.
#include "netstat_argument_split.h"

#include <gtest/gtest.h>

namespace netsnap::analysis {
namespace {

using Args = std::vector<std::string>;
const Args value_options = {"--at", "--index", "--from", "--to", "--format", "--state"};

TEST(NetstatArgumentSplit, ClustersGoToNetstatEverythingElseKeepsItsOrder) {
  const SplitArguments split = split_netstat_arguments(
      {"a.netsnap", "-tunap", "--utc", "-W", "dir/", "--all"}, value_options);
  EXPECT_EQ(split.netstat, (Args{"-tunap", "-W"}));
  EXPECT_EQ(split.rest, (Args{"a.netsnap", "--utc", "dir/", "--all"}));
}

TEST(NetstatArgumentSplit, ValuesThatLookLikeFlagsStayWithTheirOption) {
  const SplitArguments split = split_netstat_arguments(
      {"--at", "-5m", "--index", "-1", "-tn", "--from=-10m", "--format", "json"}, value_options);
  EXPECT_EQ(split.netstat, (Args{"-tn"}));
  EXPECT_EQ(split.rest, (Args{"--at", "-5m", "--index", "-1", "--from=-10m", "--format", "json"}));
}

TEST(NetstatArgumentSplit, NetstatLongFlagsExceptAll) {
  const SplitArguments split = split_netstat_arguments(
      {"--numeric-hosts", "--all", "--wide", "--programs", "--bogus"}, value_options);
  EXPECT_EQ(split.netstat, (Args{"--numeric-hosts", "--wide", "--programs"}));
  // --all selects snapshots; an unknown long option is CLI11's to reject.
  EXPECT_EQ(split.rest, (Args{"--all", "--bogus"}));
}

TEST(NetstatArgumentSplit, UnknownLettersAreLeftForTheNetstatParserToName) {
  const SplitArguments split = split_netstat_arguments({"-tz"}, value_options);
  EXPECT_EQ(split.netstat, (Args{"-tz"}));
}

TEST(NetstatArgumentSplit, HelpAndDoubleDash) {
  const SplitArguments split =
      split_netstat_arguments({"-h", "-t", "--", "-weird-name.netsnap", "-x"}, value_options);
  EXPECT_EQ(split.netstat, (Args{"-t"}));
  EXPECT_EQ(split.rest, (Args{"-h", "--", "-weird-name.netsnap", "-x"}));
}

TEST(NetstatArgumentSplit, AValueOptionAtTheEndTakesNothing) {
  const SplitArguments split = split_netstat_arguments({"-t", "--at"}, value_options);
  EXPECT_EQ(split.netstat, (Args{"-t"}));
  EXPECT_EQ(split.rest, (Args{"--at"}));
}

}  // namespace
}  // namespace netsnap::analysis
