#include "export_request.h"

#include <string>

namespace netsnap::analysis {

Result<ExportFormat> parse_export_format(std::string_view name) {
  if (name == "csv") return ExportFormat::csv;
  if (name == "jsonl") return ExportFormat::jsonl;
  if (name == "openmetrics") return ExportFormat::openmetrics;
  return Error{"--format '" + std::string(name) + "': expected csv, jsonl or openmetrics"};
}

Result<ExportWhat> parse_export_what(std::string_view name) {
  if (name == "sockets") return ExportWhat::sockets;
  if (name == "timeline") return ExportWhat::timeline;
  if (name == "counters") return ExportWhat::counters;
  return Error{"--what '" + std::string(name) + "': expected sockets, timeline or counters"};
}

Status check_export_request(const ExportRequest& request, bool by_given, bool top_given) {
  if (request.what == ExportWhat::sockets && request.format == ExportFormat::openmetrics) {
    return Error{
        "--what sockets has no OpenMetrics form: one series per socket (its address, port and "
        "cookie as labels) is unbounded cardinality that no Prometheus store should ingest; "
        "export --what timeline --by local-port|remote|program for per-group counts, or "
        "--what sockets as csv or jsonl"};
  }
  if (request.what != ExportWhat::timeline && (by_given || top_given)) {
    return Error{std::string(by_given ? "--by" : "--top") + " applies to --what timeline only"};
  }
  return ok_status();
}

}  // namespace netsnap::analysis
