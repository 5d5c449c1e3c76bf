// The report's escapers: recorded text is untrusted, so JSON, HTML and markdown output must
// carry any byte sequence without producing markup, control characters or invalid UTF-8.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "report_json_writer.h"
#include "report_markup_escape.h"

namespace netsnap::analysis {
namespace {

std::string json_text(std::string_view raw) {
  std::string out;
  append_json_text(out, raw);
  return out;
}

TEST(ReportJsonText, PlainTextAndQuotes) {
  EXPECT_EQ(json_text("nginx"), "\"nginx\"");
  EXPECT_EQ(json_text("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(json_text(""), "\"\"");
}

TEST(ReportJsonText, EveryControlCharacterIsEscaped) {
  EXPECT_EQ(json_text("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
  EXPECT_EQ(json_text(std::string_view("\0\x1b\x7f", 3)), "\"\\u0000\\u001b\\u007f\"");
  for (int c = 0; c < 0x20; ++c) {
    const std::string out = json_text(std::string(1, static_cast<char>(c)));
    for (const char byte : out) EXPECT_GE(static_cast<unsigned char>(byte), 0x20) << c;
  }
}

TEST(ReportJsonText, UnicodeKeptUnsafeCodePointsEscaped) {
  EXPECT_EQ(json_text("caf\xc3\xa9 \xe2\x9c\x93"), "\"caf\xc3\xa9 \xe2\x9c\x93\"");
  EXPECT_EQ(json_text("\xc2\x9b"), "\"\\u009b\"");                   // C1 CSI
  EXPECT_EQ(json_text("\xe2\x80\xa8"), "\"\\u2028\"");               // line separator
  EXPECT_EQ(json_text("\xe2\x80\xae"), "\"\\u202e\"");               // right-to-left override
  EXPECT_EQ(json_text("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");  // outside the BMP
}

TEST(ReportJsonText, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(json_text("a\xff"
                      "b"),
            "\"a\\ufffdb\"");
  EXPECT_EQ(json_text("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // overlong '/'
  EXPECT_EQ(json_text("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
  EXPECT_EQ(json_text("\xe2\x9c"), "\"\\ufffd\\ufffd\"");             // cut short
}

TEST(ReportJsonWriter, CommasColonsAndNumbers) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.key("a").number(int64_t{-1});
  json.key("b").begin_array().number(uint64_t{2}).number(2.5).number(1.0 / 3.0, 3).end_array();
  json.key("c").null();
  json.key("d").boolean(true);
  json.key("e").number(std::nan(""));
  json.key("g").begin_array().number(5.624e-20).number(-0.0).end_array();
  json.key("f").begin_object().end_object();
  json.end_object();
  EXPECT_EQ(out,
            "{\"a\":-1,\"b\":[2,2.5,0.333],\"c\":null,\"d\":true,\"e\":null,"
            "\"g\":[5.624e-20,0],\"f\":{}}");
}

TEST(ReportJsonWriter, NewlineGoesAfterTheComma) {
  std::string out;
  JsonWriter json(out);
  json.begin_array();
  json.newline().number(int64_t{1});
  json.newline().number(int64_t{2});
  json.end_array();
  EXPECT_EQ(out, "[\n1,\n2]");
}

TEST(ReportHtmlEscape, MarkupAndControlsNeverSurvive) {
  EXPECT_EQ(html_escaped("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(html_escaped("a&b \"q\""), "a&amp;b &quot;q&quot;");
  EXPECT_EQ(html_escaped("evil\x1b[2J\nrow"), "evil\\x1b[2J\\nrow");
}

TEST(ReportMarkdownEscape, TableCellsStayOneCell) {
  EXPECT_EQ(markdown_escaped("a|b"), "a\\|b");
  EXPECT_EQ(markdown_escaped("`rm -rf`"), "\\`rm -rf\\`");
  EXPECT_EQ(markdown_escaped("two\nlines"), "two\\\\nlines");
  EXPECT_EQ(markdown_escaped("<img src=x>"), "\\<img src=x\\>");
  EXPECT_EQ(markdown_escaped("*bold* _it_ [l](u)"), "\\*bold\\* \\_it\\_ \\[l\\](u)");
  EXPECT_EQ(markdown_escaped("10.0.0.1:8080"), "10.0.0.1:8080");
}

}  // namespace
}  // namespace netsnap::analysis
