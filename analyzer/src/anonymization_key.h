// The secret behind `slice --anonymize`: 128 bits, random for each run unless a key file is
// given, so that several slices of one incident replace every address (and machine and boot
// id) the same way. A key file holds 32 hex digits and a newline; it is created, with a fresh
// random key and mode 0600, when it does not exist yet. Keep it apart from the slices: with it,
// anyone can test which original a replacement stands for.
#pragma once

#include <string>
#include <string_view>

#include "keyed_hash.h"
#include "netsnap/result.h"

namespace netsnap::analysis {

Result<HashKey> random_anonymization_key();

// The key in a key file's bytes; `name` names the file in the error.
Result<HashKey> parse_anonymization_key(std::string_view bytes, const std::string& name);
std::string format_anonymization_key(const HashKey& key);

// Reads the key file at `path`, or creates it with a random key when nothing is there.
Result<HashKey> load_or_create_anonymization_key(const std::string& path);

}  // namespace netsnap::analysis
