// CSV and JSON writers: typed values, nulls, quoting, and recorded text that tries to break out
// of its cell (separators, quotes, newlines, terminal escapes, invalid UTF-8).
#include "field_writers.h"

#include <gtest/gtest.h>

namespace netsnap::analysis {
namespace {

const std::vector<FieldSpec> fields = {{"n", FieldKind::integer},
                                       {"u", FieldKind::integer},
                                       {"t", FieldKind::text},
                                       {"x", FieldKind::text}};

FieldValues row(int64_t n, uint64_t u, std::string_view t) {
  FieldValues values(fields.size());
  values.set_integer(0, n);
  values.set_unsigned(1, u);
  values.set_text(2, t);
  values.set_null(3);
  return values;
}

std::string csv_of(const FieldValues& values) {
  std::string out;
  append_csv_row(out, values);
  return out;
}

std::string json_of(const FieldValues& values) {
  std::string out;
  append_json_object(out, fields, values);
  return out;
}

TEST(CsvWriter, HeaderAndPlainRow) {
  std::string out;
  append_csv_header(out, fields);
  EXPECT_EQ(out, "n,u,t,x\n");
  EXPECT_EQ(csv_of(row(-5, 18446744073709551615u, "LISTEN")), "-5,18446744073709551615,LISTEN,\n");
}

TEST(CsvWriter, QuotesSeparatorsQuotesAndOuterSpaces) {
  EXPECT_EQ(csv_of(row(1, 2, "a,b")), "1,2,\"a,b\",\n");
  EXPECT_EQ(csv_of(row(1, 2, "say \"hi\"")), "1,2,\"say \"\"hi\"\"\",\n");
  EXPECT_EQ(csv_of(row(1, 2, " padded")), "1,2,\" padded\",\n");
  EXPECT_EQ(csv_of(row(1, 2, "inner space")), "1,2,inner space,\n");
}

TEST(CsvWriter, RecordedControlCharactersNeverBreakTheRecord) {
  EXPECT_EQ(csv_of(row(1, 2, "/run/evil\n1,2,forged")), "1,2,\"/run/evil\\n1,2,forged\",\n");
  EXPECT_EQ(csv_of(row(1, 2, "red\x1b[31m")), "1,2,red\\x1b[31m,\n");
  EXPECT_EQ(csv_of(row(1, 2, std::string_view("a\0b\xff", 4))), "1,2,a\\x00b\\xff,\n");
}

TEST(CsvWriter, LineBreaksStayInsideTheirCell) {
  // RFC 4180 would allow a quoted raw CR LF; the escape keeps every record on one line, which
  // line-based tools (grep, wc -l, split) rely on.
  EXPECT_EQ(csv_of(row(1, 2, "a\r\nb,c")), "1,2,\"a\\r\\nb,c\",\n");
  EXPECT_EQ(csv_of(row(1, 2, "\r")), "1,2,\\r,\n");
}

TEST(CsvWriter, FormulaPrefixesAreNeutralised) {
  EXPECT_EQ(csv_of(row(1, 2, "=HYPERLINK(\"http://x\")")),
            "1,2,\"'=HYPERLINK(\"\"http://x\"\")\",\n");
  EXPECT_EQ(csv_of(row(1, 2, "+1")), "1,2,'+1,\n");
  EXPECT_EQ(csv_of(row(1, 2, "-2+3")), "1,2,'-2+3,\n");
  EXPECT_EQ(csv_of(row(1, 2, "@SUM(A1)")), "1,2,'@SUM(A1),\n");
  EXPECT_EQ(csv_of(row(1, 2, "-bash")), "1,2,'-bash,\n");
  // An abstract UNIX name, as the table writes it.
  EXPECT_EQ(csv_of(row(1, 2, "@/tmp/.X11-unix/X0")), "1,2,'@/tmp/.X11-unix/X0,\n");
  // With a separator too: the apostrophe goes inside the quotes.
  EXPECT_EQ(csv_of(row(1, 2, "=1,2")), "1,2,\"'=1,2\",\n");
  // A lone "-" (no owner) is no formula; numbers are never text cells; other text is as is.
  EXPECT_EQ(csv_of(row(-1, 2, "-")), "-1,2,-,\n");
  EXPECT_EQ(csv_of(row(1, 2, "a=b")), "1,2,a=b,\n");
  std::string header;
  append_csv_header(header, {{"=cmd", FieldKind::integer}});
  EXPECT_EQ(header, "'=cmd\n");
}

TEST(JsonWriter, FormulaPrefixesStayAsRecorded) {
  EXPECT_EQ(json_of(row(0, 0, "=1+1")), R"({"n":0,"u":0,"t":"=1+1","x":null})");
}

TEST(CsvWriter, HeaderNamesFromTheRecordingAreEscapedToo) {
  std::string out;
  append_csv_header(out, {{"time", FieldKind::text}, {"prog,\nx", FieldKind::integer}});
  EXPECT_EQ(out, "time,\"prog,\\nx\"\n");
}

TEST(JsonWriter, TypedValuesAndNull) {
  EXPECT_EQ(json_of(row(-5, 7, "ESTABLISHED")), R"({"n":-5,"u":7,"t":"ESTABLISHED","x":null})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_of(row(0, 0, "a\"b\\c")), R"({"n":0,"u":0,"t":"a\"b\\\\c","x":null})");
  // The recorded escape becomes the text \x1b (backslash escaped for JSON): no raw control
  // byte and no invalid UTF-8 ever reaches the document.
  EXPECT_EQ(json_of(row(0, 0, "x\x1b\n\xc3")), R"({"n":0,"u":0,"t":"x\\x1b\\n\\xc3","x":null})");
  EXPECT_EQ(json_of(row(0, 0, "caf\xc3\xa9")),
            "{\"n\":0,\"u\":0,\"t\":\"caf\xc3\xa9\",\"x\":null}");
}

TEST(FieldValues, ClearMakesEveryFieldNull) {
  FieldValues values = row(1, 2, "x");
  values.clear();
  EXPECT_EQ(csv_of(values), ",,,\n");
}

TEST(OutputFormat, ParsesTheThreeNames) {
  EXPECT_EQ(*parse_output_format("text"), OutputFormat::text);
  EXPECT_EQ(*parse_output_format("csv"), OutputFormat::csv);
  EXPECT_EQ(*parse_output_format("json"), OutputFormat::json);
  EXPECT_FALSE(parse_output_format("xml").ok());
}

}  // namespace
}  // namespace netsnap::analysis
