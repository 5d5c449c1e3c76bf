// --netns: matching, the check against a recording, and the filtered replay, on the committed
// table-sample fixture, whose namespace "blue" (inode 4026532999) appears in snapshot 3 and is
// gone in snapshot 5 (a namespace present only mid-recording).
#include "namespace_selection.h"

#include <gtest/gtest.h>

#include "analyzer/table_sample_recording.h"

namespace netsnap::analysis {
namespace {

constexpr uint64_t host_inode = 4026531840, blue_inode = 4026532999;

Timeline open_fixture() {
  auto timeline = Timeline::open({table_sample::fixture_path()}, ScanMode::fast);
  EXPECT_TRUE(timeline) << timeline.error().message;
  return std::move(*timeline);
}

TEST(NamespaceSelection, MatchesLabelExactlyOrInode) {
  const NamespaceSelection selection({"blue", "4026531840"});
  EXPECT_TRUE(selection.matches(blue_inode, "blue"));
  EXPECT_TRUE(selection.matches(host_inode, ""));
  EXPECT_FALSE(selection.matches(blue_inode + 1, "Blue"));
  EXPECT_FALSE(selection.matches(blue_inode + 1, "blue2"));
  EXPECT_TRUE(NamespaceSelection().matches(1, "anything"));  // empty: every namespace
}

TEST(NamespaceSelection, AcceptsANamespaceSeenOnlyMidRecording) {
  Timeline timeline = open_fixture();
  EXPECT_TRUE(check_namespace_selection(timeline, NamespaceSelection({"blue"})));
  EXPECT_TRUE(check_namespace_selection(timeline, NamespaceSelection({"4026532999"})));
}

TEST(NamespaceSelection, UnknownValueNamesItAndListsTheNamespaces) {
  Timeline timeline = open_fixture();
  const Status status = check_namespace_selection(timeline, NamespaceSelection({"blue", "red"}));
  ASSERT_FALSE(status);
  const std::string& message = status.error().message;
  EXPECT_NE(message.find("--netns 'red'"), std::string::npos) << message;
  EXPECT_NE(message.find("blue (inode 4026532999)"), std::string::npos) << message;
  EXPECT_NE(message.find("inode 4026531840"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(NamespaceCursor, KeepsOnlyTheSelectedNamespaceWithItsChanges) {
  Timeline timeline = open_fixture();
  const NamespaceSelection blue({"blue"});
  NamespaceCursor cursor(timeline.cursor(0, CursorMode::changes_only), blue);
  std::vector<size_t> namespaces_per_step;
  while (cursor.next()) {
    const Snapshot& snapshot = cursor.current();
    namespaces_per_step.push_back(snapshot.namespaces.size());
    ASSERT_EQ(cursor.changes().namespaces.size(), snapshot.namespaces.size());
    for (const Namespace& ns : snapshot.namespaces) EXPECT_EQ(ns.inode, blue_inode);
    if (cursor.entry_index() == 3) {
      EXPECT_TRUE(cursor.changes().namespaces[0].is_new);  // blue appears
    }
    if (cursor.entry_index() == 5) {
      EXPECT_EQ(cursor.changes().namespaces_gone, std::vector<uint64_t>{blue_inode});
    } else {
      EXPECT_TRUE(cursor.changes().namespaces_gone.empty()) << "step " << cursor.entry_index();
    }
    EXPECT_FALSE(snapshot.processes.empty());  // everything but the namespaces is kept
  }
  EXPECT_EQ(namespaces_per_step, (std::vector<size_t>{0, 0, 0, 1, 1, 0}));
}

TEST(NamespaceCursor, WithoutSelectionIsTheCursorItself) {
  Timeline timeline = open_fixture();
  Timeline again = open_fixture();
  const NamespaceSelection every;
  NamespaceCursor filtered(timeline.cursor(0, CursorMode::changes_only), every);
  Cursor plain = again.cursor(0, CursorMode::changes_only);
  while (plain.next()) {
    ASSERT_TRUE(filtered.next());
    EXPECT_EQ(filtered.current(), plain.current());
  }
  EXPECT_FALSE(filtered.next());
}

TEST(NamespaceLabel, TitleEscapesTheLabel) {
  std::string title;
  append_namespace_title(Namespace{7, "a\nb\x1b", {}}, title);
  EXPECT_EQ(title, "Network namespace a\\nb\\x1b (inode 7)\n");
  title.clear();
  append_namespace_title(Namespace{7, "", {}}, title);
  EXPECT_EQ(title, "Network namespace (inode 7)\n");
}

}  // namespace
}  // namespace netsnap::analysis
