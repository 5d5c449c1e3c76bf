// Conversion between the model types (model.h) and their Cap'n Proto form (netsnap.capnp).
// Private to the format library: nothing outside schema/ sees Cap'n Proto types.
#pragma once

#include "netsnap.capnp.h"
#include "netsnap/model.h"

namespace netsnap::wire_codec {

void write_header(const FileHeader& in, wire::FileHeader::Builder out);
FileHeader read_header(wire::FileHeader::Reader in);

void write_process(const Process& in, wire::Process::Builder out);
Process read_process(wire::Process::Reader in);

void write_counters(const std::vector<CounterTable>& in,
                    capnp::List<wire::CounterTable>::Builder out);
std::vector<CounterTable> read_counters(capnp::List<wire::CounterTable>::Reader in);

void write_settings(const std::vector<Setting>& in, capnp::List<wire::Setting>::Builder out);
std::vector<Setting> read_settings(capnp::List<wire::Setting>::Reader in);
void write_users(const std::vector<UserName>& in, capnp::List<wire::UserName>::Builder out);
std::vector<UserName> read_users(capnp::List<wire::UserName>::Reader in);
void write_errors(const std::vector<CaptureError>& in,
                  capnp::List<wire::CaptureError>::Builder out);
std::vector<CaptureError> read_errors(capnp::List<wire::CaptureError>::Reader in);

// A key snapshot: the whole snapshot.
kj::ArrayPtr<const kj::byte> bytes_of(const std::string& s);
void write_snapshot(const Snapshot& in, wire::Snapshot::Builder out);
// False (with `why`) when the socket columns are malformed.
bool read_snapshot(wire::Snapshot::Reader in, Snapshot& out, std::string& why);

}  // namespace netsnap::wire_codec
