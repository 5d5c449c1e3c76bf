// A delta's process table given against the previous one (format 2): on a busy host nearly
// every snapshot changes some process's descriptor count, and storing the whole table (with
// every command line) each time cost more than the sockets' own changes at 1% churn.
// Encoding: SnapshotDelta.processOrigins in netsnap.capnp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netsnap.capnp.h"
#include "netsnap/model.h"

namespace netsnap {

// Writes `current` as origins against `previous` into `origins` and the processes that must
// be stored whole (new ones, and ones that changed more than their descriptor count) into
// `listed`, in table order.
void encode_process_origins(const std::vector<Process>& previous,
                            const std::vector<Process>& current, std::string& origins,
                            std::vector<const Process*>& listed);

// Turns `table` (the previous one on entry) into the new one. False (with `why`), `table`
// unchanged, when the origins are malformed or do not fit the previous table or the listed
// processes.
bool apply_process_origins(std::vector<Process>& table, kj::ArrayPtr<const kj::byte> origins,
                           capnp::List<wire::Process>::Reader listed, std::string& why);

}  // namespace netsnap
