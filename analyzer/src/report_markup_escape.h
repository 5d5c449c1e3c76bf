// Recorded (untrusted) text on its way into the markdown and HTML reports. Both first make the
// text printable exactly as the terminal views show it (text_escape.h: controls, invalid
// UTF-8 and bidi overrides become \n, \x1b, ...), then escape what the markup language would
// interpret, so a program named "<script>" or "a|b" is shown as such and never becomes markup.
#pragma once

#include <string>
#include <string_view>

namespace netsnap::analysis {

// HTML text and attribute values: & < > " ' become entities.
void append_html_escaped(std::string& out, std::string_view raw);
std::string html_escaped(std::string_view raw);

// Markdown (CommonMark / GitHub tables): a backslash before \ ` * _ [ ] < > | ~ & and #, so
// nothing in the text starts emphasis, code, a link, inline HTML, an entity or a table cell.
// Newlines never survive (the first step turns them into the two characters \n), so a value
// cannot end a table row.
void append_markdown_escaped(std::string& out, std::string_view raw);
std::string markdown_escaped(std::string_view raw);

}  // namespace netsnap::analysis
