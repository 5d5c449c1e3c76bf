#include "text_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace netsnap {
namespace {

using namespace std::string_literals;

TEST(TextEscape, PlainTextIsUnchanged) {
  EXPECT_EQ(escaped("/run/systemd/journal/stdout"), "/run/systemd/journal/stdout");
  EXPECT_EQ(escaped("with spaces and ~!@#$%^&*()"), "with spaces and ~!@#$%^&*()");
  EXPECT_TRUE(is_printable_as_is("/var/run/nscd/socket"));
}

TEST(TextEscape, ControlCharactersAreEscaped) {
  EXPECT_EQ(escaped("a\nb"), "a\\nb");
  EXPECT_EQ(escaped("a\tb\rc"), "a\\tb\\rc");
  EXPECT_EQ(escaped("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(escaped("del\x7f"), "del\\x7f");
  EXPECT_EQ(escaped("nul\0in"s), "nul\\x00in");
  EXPECT_FALSE(is_printable_as_is("a\nb"));
}

TEST(TextEscape, BackslashIsDoubledSoEscapesStayUnambiguous) {
  EXPECT_EQ(escaped("C:\\x1b"), "C:\\\\x1b");
  EXPECT_FALSE(is_printable_as_is("a\\b"));
}

TEST(TextEscape, ValidUtf8PassesThrough) {
  EXPECT_EQ(escaped("/tmp/\xc3\xa9t\xc3\xa9.sock"), "/tmp/\xc3\xa9t\xc3\xa9.sock");  // été
  EXPECT_EQ(escaped("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac");          // 日本
  EXPECT_EQ(escaped("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");                          // emoji
  EXPECT_TRUE(is_printable_as_is("\xc3\xa9"));
}

TEST(TextEscape, C1ControlsAndBidiOverridesAreEscaped) {
  EXPECT_EQ(escaped("\xc2\x9b" "31m"), "\\xc2\\x9b31m");     // U+009B, a CSI for some terminals
  EXPECT_EQ(escaped("a\xe2\x80\xae" "b"), "a\\xe2\\x80\\xaeb");  // U+202E right-to-left override
  EXPECT_EQ(escaped("\xe2\x80\xa8"), "\\xe2\\x80\\xa8");     // U+2028 line separator
  EXPECT_EQ(escaped("\xe2\x81\xa6"), "\\xe2\\x81\\xa6");     // U+2066
  EXPECT_EQ(escaped("\xc2\xa0"), "\xc2\xa0");                // U+00A0 is printable
}

TEST(TextEscape, InvalidUtf8BytesAreEscapedOneByOne) {
  EXPECT_EQ(escaped("\x9b"), "\\x9b");                    // a bare 8-bit CSI
  EXPECT_EQ(escaped("\xc3"), "\\xc3");                    // cut sequence at the end
  EXPECT_EQ(escaped("\xc3(x"), "\\xc3(x");                // bad continuation
  EXPECT_EQ(escaped("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // beyond U+10FFFF
  EXPECT_FALSE(is_printable_as_is("\xff"));
}

TEST(TextEscape, AppendsToExistingText) {
  std::string out = "path: ";
  append_escaped(out, "x\ny");
  EXPECT_EQ(out, "path: x\\ny");
}

TEST(UnixSocketName, PathIsPrintedWholeIncludingSpaces) {
  std::string out;
  append_unix_socket_name(out, "/tmp/my socket");
  EXPECT_EQ(out, "/tmp/my socket");
}

TEST(UnixSocketName, PathEndsAtItsTerminatingNul) {
  std::string out;
  append_unix_socket_name(out, "/run/dbus/system_bus_socket\0"s);
  EXPECT_EQ(out, "/run/dbus/system_bus_socket");
}

TEST(UnixSocketName, AbstractNamesShowEveryNulAsAt) {
  std::string out;
  append_unix_socket_name(out, "\0abs\0x"s);
  EXPECT_EQ(out, "@abs@x");
  out.clear();
  append_unix_socket_name(out, "\0"s);
  EXPECT_EQ(out, "@");
  out.clear();
  append_unix_socket_name(out, "\0/tmp/.X11-unix/X0"s);
  EXPECT_EQ(out, "@/tmp/.X11-unix/X0");
}

TEST(UnixSocketName, NewlinesAndEscapesCannotForgeRows) {
  std::string out;
  append_unix_socket_name(out, "/tmp/a\nunix  2      [ ACC ]     STREAM     LISTENING     1 /x");
  EXPECT_EQ(out.find('\n'), std::string::npos);
  out.clear();
  append_unix_socket_name(out, "\0evil\x1b]0;title\x07"s);
  EXPECT_EQ(out, "@evil\\x1b]0;title\\x07");
}

TEST(UnixSocketName, EmptyNameAppendsNothing) {
  std::string out;
  append_unix_socket_name(out, "");
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace netsnap
