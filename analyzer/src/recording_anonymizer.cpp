#include "recording_anonymizer.h"

#include "socket_owner.h"

namespace netsnap::analysis {

const std::string& RecordingAnonymizer::Placeholders::of(const std::string& original) {
  auto [it, added] = assigned_.try_emplace(original);
  if (added) it->second = prefix_ + std::to_string(assigned_.size());
  return it->second;
}

RecordingAnonymizer::RecordingAnonymizer(const HashKey& key) : key_(key), addresses_(key) {}

std::string RecordingAnonymizer::keyed_hex(std::string_view what, const std::string& original,
                                           size_t digits) const {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (uint64_t block = 0; out.size() < digits; ++block) {
    std::string message(what);
    message += '\0';
    message += static_cast<char>(block);
    message += original;
    const uint64_t h = siphash24(key_, message);
    for (int shift = 60; shift >= 0 && out.size() < digits; shift -= 4)
      out += hex[(h >> shift) & 15];
  }
  return out;
}

void RecordingAnonymizer::anonymize(FileHeader& header) {
  if (!header.host_name.empty()) header.host_name = hosts_.of(header.host_name);
  if (!header.machine_id.empty()) header.machine_id = keyed_hex("machine", header.machine_id, 32);
  if (!header.boot_id.empty()) {
    const std::string hex = keyed_hex("boot", header.boot_id, 32);
    header.boot_id = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                     hex.substr(16, 4) + "-" + hex.substr(20);
  }
  if (!header.options.netns.empty()) header.options.netns = namespaces_.of(header.options.netns);
  anonymize(header.users);
}

void RecordingAnonymizer::anonymize(std::vector<UserName>& users) {
  // An empty name says the host had no name for the uid; it stays empty.
  for (UserName& user : users) {
    if (user.name.empty() || (user.uid == 0 && user.name == "root")) continue;
    user.name = users_.of(user.name);
  }
}

void RecordingAnonymizer::anonymize(Process& process) {
  if (!process.comm.empty()) process.comm = programs_.of(process.comm);
  if (!process.argv0.empty())
    process.argv0 = programs_.of(std::string(netstat_program_name(process)));
  if (!process.cmdline.empty()) process.cmdline = {process.argv0};
}

void RecordingAnonymizer::anonymize(Socket& socket) {
  addresses_.replace(socket.family, socket.local.address);
  addresses_.replace(socket.family, socket.remote.address);
  if (socket.unix_path.empty()) return;
  if (socket.unix_path.front() == '\0') {
    socket.unix_path = std::string(1, '\0') + paths_.of(socket.unix_path.str());
  } else {
    socket.unix_path = "/" + paths_.of(socket.unix_path.str());
  }
}

void RecordingAnonymizer::anonymize(Snapshot& snapshot) {
  for (Namespace& ns : snapshot.namespaces) {
    if (!ns.name.empty()) ns.name = namespaces_.of(ns.name);
    for (Socket& socket : ns.sockets) anonymize(socket);
  }
  for (Process& process : snapshot.processes) anonymize(process);
  for (CaptureError& error : snapshot.errors) error.message = "(removed by --anonymize)";
  anonymize(snapshot.users_added);
}

}  // namespace netsnap::analysis
