// UnixPath: a UNIX socket's name as raw bytes in 8 bytes of the Socket, shared by copies,
// value semantics for everything else.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/unix_path.h"

namespace netsnap {
namespace {

TEST(UnixPath, EmptyIsNoNameAndAllocatesNothing) {
  static_assert(sizeof(UnixPath) == sizeof(void*));
  UnixPath none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.view(), "");
  none = std::string_view();
  EXPECT_TRUE(none.empty());
  UnixPath named("/run/a.sock");
  named = "";
  EXPECT_TRUE(named.empty());
  EXPECT_EQ(named, none);
}

TEST(UnixPath, KeepsEveryByteNulsIncluded) {
  const std::string abstract("\0bus\0x\n", 7);
  UnixPath path(abstract);
  EXPECT_EQ(path.size(), 7u);
  EXPECT_EQ(path.front(), '\0');
  EXPECT_EQ(path[4], '\0');
  EXPECT_EQ(path.view(), abstract);
  EXPECT_EQ(path.str(), abstract);
  EXPECT_FALSE(path == std::string_view("\0bus", 4));  // not cut at a NUL
}

TEST(UnixPath, CopiesShareButAssigningOneLeavesTheOthers) {
  UnixPath original("/run/app.sock");
  UnixPath copy = original;
  EXPECT_EQ(copy.data(), original.data());  // shared, not copied
  UnixPath assigned("/tmp/other");
  assigned = copy;
  EXPECT_EQ(assigned, original);
  copy = "/run/replaced";
  EXPECT_EQ(original, "/run/app.sock");
  EXPECT_EQ(assigned, "/run/app.sock");
  EXPECT_EQ(copy, "/run/replaced");
  original.clear();
  EXPECT_TRUE(original.empty());
  EXPECT_EQ(assigned, "/run/app.sock");  // still alive through the last copy
  UnixPath moved = std::move(assigned);
  EXPECT_TRUE(assigned.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(moved, "/run/app.sock");
  const UnixPath& same = moved;
  moved = same;  // NOLINT: self-assignment keeps the name
  EXPECT_EQ(moved, "/run/app.sock");
}

TEST(UnixPath, ComparesAndOrdersByBytes) {
  EXPECT_EQ(UnixPath("/a"), UnixPath("/a"));  // equal content in separate blocks
  EXPECT_FALSE(UnixPath("/a") == UnixPath("/b"));
  EXPECT_LT(UnixPath(""), UnixPath("/a"));
  EXPECT_LT(UnixPath("/a"), UnixPath("/a/b"));
  EXPECT_LT(UnixPath(std::string_view("\0z", 2)), UnixPath("/a"));
}

TEST(UnixPath, SocketsCopiedInBulkKeepTheirNames) {
  std::vector<Socket> sockets(1000);
  for (size_t i = 0; i < sockets.size(); i += 3)
    sockets[i].unix_path = "/run/s" + std::to_string(i);
  std::vector<Socket> copies = sockets;
  sockets.clear();  // the copies hold the last references
  for (size_t i = 0; i < copies.size(); ++i)
    EXPECT_EQ(copies[i].unix_path, i % 3 ? std::string() : "/run/s" + std::to_string(i)) << i;
}

}  // namespace
}  // namespace netsnap
