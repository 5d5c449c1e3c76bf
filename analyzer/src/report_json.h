// `report --format json`: the machine-readable report, schema_version 1, documented with an
// example in analyzer/REPORT.md. Stable: fields are only ever added within a
// schema_version; renaming or removing one, or changing its type, bumps it.
//
// Conventions: times are RFC 3339 strings in the recording's zone (or UTC with --utc), with
// the offset (RecordingTimeZone::format_iso, through ReportTimeFormat); ports, pids, counts and
// namespace inodes are numbers; a value that does not exist is null or the key is absent (subject
// fields that do not apply are absent). Every recorded string is escaped by report_json_writer.h.
// Series and the timeline are downsampled to at most report_series_max_points points.
#pragma once

#include <string>

#include "report_model.h"
#include "report_time_format.h"

namespace netsnap::analysis {

inline constexpr int report_json_schema_version = 1;

// One JSON document followed by a newline.
std::string render_report_json(const ReportModel& model, const ReportTimeFormat& times);

}  // namespace netsnap::analysis
