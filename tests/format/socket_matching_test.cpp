// SocketMatcher: pairs each socket of a snapshot with the same socket of the previous one,
// whatever the two orders, each previous socket used at most once.
#include "socket_matching.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <random>
#include <vector>

namespace netsnap {
namespace {

Socket tcp(uint64_t cookie, uint16_t port) {
  Socket s;
  s.family = AF_INET;
  s.protocol = Protocol::tcp;
  s.cookie = cookie;
  s.inode = cookie + 7;
  s.local.port = port;
  return s;
}

// Every current socket is matched exactly when an unused previous socket has its identity.
void expect_valid(const std::vector<Socket>& previous, const std::vector<Socket>& current,
                  const std::vector<int32_t>& previous_of) {
  ASSERT_EQ(previous_of.size(), current.size());
  std::vector<int> uses(previous.size(), 0);
  size_t matched = 0;
  for (size_t c = 0; c < current.size(); ++c) {
    if (previous_of[c] < 0) continue;
    ++matched;
    ASSERT_LT(static_cast<size_t>(previous_of[c]), previous.size());
    EXPECT_TRUE(same_identity(previous[previous_of[c]], current[c])) << c;
    EXPECT_EQ(++uses[previous_of[c]], 1) << "previous " << previous_of[c] << " used twice";
  }
  // As many matches as the multisets of identities share.
  size_t expected = 0;
  std::vector<bool> used(previous.size(), false);
  for (const Socket& s : current)
    for (size_t p = 0; p < previous.size(); ++p)
      if (!used[p] && same_identity(previous[p], s)) {
        used[p] = true;
        ++expected;
        break;
      }
  EXPECT_EQ(matched, expected);
}

TEST(SocketMatcher, SameOrderShuffledChurnAndIdenticalTwins) {
  std::vector<Socket> previous;
  for (uint64_t i = 1; i <= 3000; ++i) previous.push_back(tcp(i, static_cast<uint16_t>(i)));
  // /proc sockets have no cookie: identical twins (two connections waiting in one queue).
  previous.push_back(tcp(0, 80));
  previous.push_back(tcp(0, 80));
  std::mt19937 random(42);
  SocketMatcher matcher;
  std::vector<int32_t> previous_of;

  std::vector<Socket> current = previous;  // the same order: the fast path only
  current[10].recv_q = 5;                  // a changed field is the same socket
  matcher.match(previous, current, previous_of);
  expect_valid(previous, current, previous_of);
  for (size_t c = 0; c < current.size(); ++c) EXPECT_EQ(previous_of[c], static_cast<int32_t>(c));

  // Churn: some gone, some new, one twin gone, a few moved, then the whole order shuffled.
  current.erase(current.begin() + 100, current.begin() + 140);
  current.pop_back();
  for (uint64_t i = 0; i < 30; ++i) current.insert(current.begin() + 500 + i, tcp(9000 + i, 9));
  std::swap(current[5], current[2000]);
  matcher.match(previous, current, previous_of);
  expect_valid(previous, current, previous_of);
  std::shuffle(current.begin(), current.end(), random);
  matcher.match(previous, current, previous_of);
  expect_valid(previous, current, previous_of);

  // Previous with a duplicate (a dump repeated it) matched once; reused matcher, empty inputs.
  previous.push_back(previous[0]);
  matcher.match(previous, current, previous_of);
  expect_valid(previous, current, previous_of);
  matcher.match({}, current, previous_of);
  EXPECT_TRUE(std::all_of(previous_of.begin(), previous_of.end(), [](int32_t p) { return p < 0; }));
  matcher.match(previous, {}, previous_of);
  EXPECT_TRUE(previous_of.empty());
}

}  // namespace
}  // namespace netsnap
