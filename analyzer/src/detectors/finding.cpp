#include "detectors/finding.h"

#include <algorithm>

namespace netsnap::analysis::detectors {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
  }
  return "info";
}

const Field* find_field(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<double> field_number(const std::vector<Field>& fields, std::string_view name) {
  const Field* f = find_field(fields, name);
  if (!f) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(&f->value)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&f->value)) return *d;
  return std::nullopt;
}

void rank_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.peak_value > b.peak_value;
  });
}

}  // namespace netsnap::analysis::detectors
