#include "report_markup_escape.h"

#include "text_escape.h"

namespace netsnap::analysis {

void append_html_escaped(std::string& out, std::string_view raw) {
  std::string printable;
  netsnap::append_escaped(printable, raw);
  for (const char c : printable) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string html_escaped(std::string_view raw) {
  std::string out;
  append_html_escaped(out, raw);
  return out;
}

void append_markdown_escaped(std::string& out, std::string_view raw) {
  std::string printable;
  netsnap::append_escaped(printable, raw);
  for (const char c : printable) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
      case '&':
      case '#':
        out.push_back('\\');
        break;
      default:
        break;
    }
    out.push_back(c);
  }
}

std::string markdown_escaped(std::string_view raw) {
  std::string out;
  append_markdown_escaped(out, raw);
  return out;
}

}  // namespace netsnap::analysis
