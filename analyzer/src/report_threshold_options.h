// The detectors' thresholds (detectors/detector_options.h) as `report` options: every field is
// an option named after it (--close-wait-min-rise, --port-warn-ratio...), with its default shown
// in --help, so that a finding's "judged with" list names options the user can pass.
#pragma once

#include <CLI/CLI.hpp>

#include "detectors/detector_options.h"
#include "netsnap/result.h"

namespace netsnap::analysis {

// Adds one option per threshold to `command`, in an option group of its own.
void add_threshold_options(CLI::App& command, detectors::DetectorOptions& options);

// Fails, naming the option, on values the detectors cannot use: ratios outside 0..1, a warning
// level above its critical level, fewer than 2 series points.
Status check_threshold_options(const detectors::DetectorOptions& options);

}  // namespace netsnap::analysis
