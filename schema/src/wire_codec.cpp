// Field-by-field copies between model.h and netsnap.capnp. Long but flat on purpose: one line
// per field, so a new schema field is one line here and one in the round-trip test.
#include "wire_codec.h"

#include "reader_limits.h"
#include "socket_columns.h"

#include <algorithm>
#include <cstring>

namespace netsnap::wire_codec {
namespace {

std::string text(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

CaptureSource source_from(wire::CaptureSource s) {
  auto v = static_cast<uint16_t>(s);
  return v <= 3 ? static_cast<CaptureSource>(v) : CaptureSource::unknown;
}
wire::CaptureSource source_to(CaptureSource s) { return static_cast<wire::CaptureSource>(s); }

}  // namespace

kj::ArrayPtr<const kj::byte> bytes_of(const std::string& s) {
  return {reinterpret_cast<const kj::byte*>(s.data()), s.size()};
}

void write_settings(const std::vector<Setting>& in, capnp::List<wire::Setting>::Builder out) {
  for (size_t i = 0; i < in.size(); ++i) {
    out[i].setName(in[i].name);
    out[i].setValue(in[i].value);
  }
}
std::vector<Setting> read_settings(capnp::List<wire::Setting>::Reader in) {
  std::vector<Setting> out;
  out.reserve(in.size());
  for (auto s : in) out.push_back({text(s.getName()), text(s.getValue())});
  return out;
}
void write_users(const std::vector<UserName>& in, capnp::List<wire::UserName>::Builder out) {
  for (size_t i = 0; i < in.size(); ++i) {
    out[i].setUid(in[i].uid);
    out[i].setName(in[i].name);
  }
}
std::vector<UserName> read_users(capnp::List<wire::UserName>::Reader in) {
  std::vector<UserName> out;
  out.reserve(in.size());
  for (auto u : in) out.push_back({u.getUid(), text(u.getName())});
  return out;
}
void write_errors(const std::vector<CaptureError>& in,
                  capnp::List<wire::CaptureError>::Builder out) {
  for (size_t i = 0; i < in.size(); ++i) {
    out[i].setSource(in[i].source);
    out[i].setMessage(in[i].message);
  }
}
std::vector<CaptureError> read_errors(capnp::List<wire::CaptureError>::Reader in) {
  std::vector<CaptureError> out;
  out.reserve(in.size());
  for (auto e : in) out.push_back({text(e.getSource()), text(e.getMessage())});
  return out;
}

void write_header(const FileHeader& in, wire::FileHeader::Builder out) {
  out.setMagic("netsnap");
  out.setFormatVersion(in.format_version);
  out.setRecorderVersion(in.recorder_version);
  out.setHostName(in.host_name);
  out.setBootId(in.boot_id);
  out.setMachineId(in.machine_id);
  out.setKernelRelease(in.kernel_release);
  out.setTimeZone(in.time_zone);
  out.setUtcOffsetSeconds(in.utc_offset_seconds);
  auto o = out.initOptions();
  o.setIntervalNs(in.options.interval_ns);
  o.setTcp(in.options.tcp);
  o.setUdp(in.options.udp);
  o.setRaw(in.options.raw);
  o.setUnix(in.options.unix_);
  o.setOwners(in.options.owners);
  o.setTcpInfo(in.options.tcp_info);
  o.setRequestedSource(source_to(in.options.requested_source));
  o.setNetns(in.options.netns);
  o.setKeyInterval(in.options.key_interval);
  o.setAllNetns(in.options.all_netns);
  out.setSource(source_to(in.source));
  write_settings(in.settings, out.initSettings(in.settings.size()));
  write_users(in.users, out.initUsers(in.users.size()));
  out.setOwnersComplete(in.owners_complete);
  out.setStartedWallNs(in.started_wall_ns);
  out.setClockTicksPerSecond(in.clock_ticks_per_second);
  out.setServicesDb(bytes_of(in.services_db));
  out.setProtocolsDb(bytes_of(in.protocols_db));
  out.setOwnNetnsOnly(in.own_netns_only);
}

FileHeader read_header(wire::FileHeader::Reader in) {
  FileHeader h;
  h.format_version = in.getFormatVersion();
  h.recorder_version = text(in.getRecorderVersion());
  h.host_name = text(in.getHostName());
  h.boot_id = text(in.getBootId());
  h.machine_id = text(in.getMachineId());
  h.kernel_release = text(in.getKernelRelease());
  h.time_zone = text(in.getTimeZone());
  h.utc_offset_seconds = in.getUtcOffsetSeconds();
  auto o = in.getOptions();
  h.options.interval_ns = o.getIntervalNs();
  h.options.tcp = o.getTcp();
  h.options.udp = o.getUdp();
  h.options.raw = o.getRaw();
  h.options.unix_ = o.getUnix();
  h.options.owners = o.getOwners();
  h.options.tcp_info = o.getTcpInfo();
  h.options.requested_source = source_from(o.getRequestedSource());
  h.options.netns = text(o.getNetns());
  h.options.key_interval = o.getKeyInterval();
  h.options.all_netns = o.getAllNetns();
  h.source = source_from(in.getSource());
  h.settings = read_settings(in.getSettings());
  h.users = read_users(in.getUsers());
  h.owners_complete = in.getOwnersComplete();
  h.started_wall_ns = in.getStartedWallNs();
  h.clock_ticks_per_second = in.getClockTicksPerSecond();
  auto services = in.getServicesDb();
  h.services_db.assign(reinterpret_cast<const char*>(services.begin()), services.size());
  auto protocols = in.getProtocolsDb();
  h.protocols_db.assign(reinterpret_cast<const char*>(protocols.begin()), protocols.size());
  h.own_netns_only = in.getOwnNetnsOnly();
  return h;
}

void write_process(const Process& in, wire::Process::Builder out) {
  out.setPid(in.pid);
  out.setUid(in.uid);
  out.setComm(in.comm);
  out.setArgv0(in.argv0);
  auto args = out.initCmdline(in.cmdline.size());
  for (size_t i = 0; i < in.cmdline.size(); ++i) args.set(i, in.cmdline[i]);
  out.setFdCount(in.fd_count);
  out.setNofileSoft(in.nofile_soft);
  out.setNofileHard(in.nofile_hard);
}

Process read_process(wire::Process::Reader in) {
  Process p;
  p.pid = in.getPid();
  p.uid = in.getUid();
  p.comm = text(in.getComm());
  p.argv0 = text(in.getArgv0());
  for (auto a : in.getCmdline()) p.cmdline.push_back(text(a));
  p.fd_count = in.getFdCount();
  p.nofile_soft = in.getNofileSoft();
  p.nofile_hard = in.getNofileHard();
  return p;
}

void write_counters(const std::vector<CounterTable>& in,
                    capnp::List<wire::CounterTable>::Builder out) {
  for (size_t t = 0; t < in.size(); ++t) {
    out[t].setName(in[t].name);
    auto names = out[t].initNames(in[t].names.size());
    for (size_t i = 0; i < in[t].names.size(); ++i) names.set(i, in[t].names[i]);
    auto values = out[t].initValues(in[t].values.size());
    for (size_t i = 0; i < in[t].values.size(); ++i) values.set(i, in[t].values[i]);
  }
}

std::vector<CounterTable> read_counters(capnp::List<wire::CounterTable>::Reader in) {
  std::vector<CounterTable> out(in.size());
  for (size_t t = 0; t < in.size(); ++t) {
    out[t].name = text(in[t].getName());
    for (auto n : in[t].getNames()) out[t].names.push_back(text(n));
    auto values = in[t].getValues();
    out[t].values.resize(values.size());
    for (size_t i = 0; i < values.size(); ++i) out[t].values[i] = values[i];
    // A damaged or hostile table with fewer values than names reads as zeros, never past the end.
    out[t].values.resize(out[t].names.size(), 0);
  }
  return out;
}

void write_snapshot(const Snapshot& in, wire::Snapshot::Builder out) {
  out.setSeq(in.seq);
  out.setWallNs(in.wall_ns);
  out.setMonoNs(in.mono_ns);
  out.setCaptureNs(in.capture_ns);
  out.setSource(source_to(in.source));
  write_errors(in.errors, out.initErrors(in.errors.size()));
  auto namespaces = out.initNamespaces(in.namespaces.size());
  for (size_t n = 0; n < in.namespaces.size(); ++n) {
    const Namespace& ns = in.namespaces[n];
    namespaces[n].setInode(ns.inode);
    namespaces[n].setName(ns.name);
    std::vector<const Socket*> sockets(ns.sockets.size());
    for (size_t i = 0; i < ns.sockets.size(); ++i) sockets[i] = &ns.sockets[i];
    std::string columns;
    encode_socket_columns(sockets, columns);
    namespaces[n].setSocketColumns(bytes_of(columns));
  }
  auto processes = out.initProcesses(in.processes.size());
  for (size_t i = 0; i < in.processes.size(); ++i) write_process(in.processes[i], processes[i]);
  write_counters(in.counters, out.initCounters(in.counters.size()));
  write_settings(in.settings_changed, out.initSettingsChanged(in.settings_changed.size()));
  write_users(in.users_added, out.initUsersAdded(in.users_added.size()));
}

bool read_snapshot(wire::Snapshot::Reader in, Snapshot& s, std::string& why) {
  s = Snapshot{};
  s.seq = in.getSeq();
  s.wall_ns = in.getWallNs();
  s.mono_ns = in.getMonoNs();
  s.capture_ns = in.getCaptureNs();
  s.source = source_from(in.getSource());
  s.errors = read_errors(in.getErrors());
  if (in.getNamespaces().size() > MAX_NAMESPACES)
    return why = over_limit(in.getNamespaces().size(), "namespaces", MAX_NAMESPACES), false;
  if (in.getProcesses().size() > MAX_PROCESSES)
    return why = over_limit(in.getProcesses().size(), "processes", MAX_PROCESSES), false;
  for (auto ns : in.getNamespaces()) {
    Namespace& out = s.namespaces.emplace_back();
    out.inode = ns.getInode();
    out.name = text(ns.getName());
    auto columns = ns.getSocketColumns();
    if (!decode_socket_columns({columns.begin(), columns.size()}, out.sockets, why)) return false;
  }
  for (auto p : in.getProcesses()) s.processes.push_back(read_process(p));
  s.counters = read_counters(in.getCounters());
  s.settings_changed = read_settings(in.getSettingsChanged());
  s.users_added = read_users(in.getUsersAdded());
  return true;
}

}  // namespace netsnap::wire_codec
