// Hand-made snapshots that set every model field, for round-trip and damage tests.
#pragma once

#include <string>
#include <vector>

#include "netsnap/model.h"

namespace netsnap::testing {

FileHeader sample_header();
// Snapshot number i (0-based) of a small evolving host: sockets open, close and change
// every field over time; i = 0 sets every field to a non-default value.
Snapshot sample_snapshot(int i);
std::string temp_path(const std::string& name);

}  // namespace netsnap::testing
