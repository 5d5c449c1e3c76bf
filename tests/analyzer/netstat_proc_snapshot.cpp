#include "netstat_proc_snapshot.h"

#include <dirent.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace netsnap::netstat_test {
namespace {

// /proc prints each 32-bit word of an address with "%08X" in host byte order; copying the
// parsed word's bytes back restores network order (as netstat does with sscanf into s6_addr32).
void parse_address(const char* hex, Endpoint& endpoint) {
  const size_t words = std::strlen(hex) / 8;
  for (size_t w = 0; w < words && w < 4; ++w) {
    char word_text[9] = {};
    std::memcpy(word_text, hex + 8 * w, 8);
    const auto word = static_cast<uint32_t>(std::strtoul(word_text, nullptr, 16));
    std::memcpy(endpoint.address.data() + 4 * w, &word, 4);
  }
}

std::vector<std::string_view> lines_of(std::string_view contents) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < contents.size()) {
    size_t end = contents.find('\n', start);
    if (end == std::string_view::npos) end = contents.size();
    lines.push_back(contents.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Socket> parse_proc_net_inet(std::string_view contents, Protocol protocol,
                                        uint8_t family, uint32_t ticks_per_second) {
  std::vector<Socket> sockets;
  const auto lines = lines_of(contents);
  for (size_t i = 1; i < lines.size(); ++i) {  // line 0 is the column header
    const std::string line(lines[i]);
    char local[65] = {}, remote[65] = {};
    int slot = 0, state = 0, timer = 0, uid = 0, probes = 0;
    unsigned local_port = 0, remote_port = 0;
    unsigned long tx = 0, rx = 0, when = 0, retransmits = 0, inode = 0;
    // netstat's tcp_do_one format, field for field.
    const int fields = std::sscanf(
        line.c_str(), "%d: %64[0-9A-Fa-f]:%X %64[0-9A-Fa-f]:%X %X %lX:%lX %X:%lX %lX %d %d %lu",
        &slot, local, &local_port, remote, &remote_port, &state, &tx, &rx, &timer, &when,
        &retransmits, &uid, &probes, &inode);
    if (fields < 14) continue;
    Socket socket;
    socket.family = family;
    socket.protocol = protocol;
    socket.state = static_cast<uint8_t>(state);
    parse_address(local, socket.local);
    parse_address(remote, socket.remote);
    socket.local.port = static_cast<uint16_t>(local_port);
    socket.remote.port = static_cast<uint16_t>(remote_port);
    socket.send_q = static_cast<uint32_t>(tx);
    socket.recv_q = static_cast<uint32_t>(rx);
    socket.timer = static_cast<uint8_t>(timer);
    socket.timer_expires_ms = static_cast<uint32_t>(when * 1000 / ticks_per_second);
    socket.retransmits = static_cast<uint8_t>(retransmits);
    socket.uid = static_cast<uint32_t>(uid);
    socket.probes = static_cast<uint8_t>(probes);
    socket.inode = inode;
    if (protocol == Protocol::raw) socket.raw_protocol = socket.local.port;
    sockets.push_back(socket);
  }
  return sockets;
}

std::vector<Socket> parse_proc_net_unix(std::string_view contents) {
  std::vector<Socket> sockets;
  const auto lines = lines_of(contents);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string line(lines[i]);
    void* address = nullptr;
    unsigned long ref_count = 0, protocol = 0, flags = 0, inode = 0;
    unsigned type = 0, state = 0;
    int consumed = 0;
    const int fields = std::sscanf(line.c_str(), "%p: %lX %lX %lX %X %X %lu%n", &address, &ref_count,
                                   &protocol, &flags, &type, &state, &inode, &consumed);
    if (fields < 7) continue;
    Socket socket;
    socket.family = 1;
    socket.protocol = Protocol::unix_;
    socket.ref_count = static_cast<uint32_t>(ref_count);
    socket.unix_flags = static_cast<uint32_t>(flags);
    socket.unix_type = static_cast<uint8_t>(type);
    socket.state = static_cast<uint8_t>(state);
    socket.inode = inode;
    // The rest after one space is the whole name, spaces included.
    if (static_cast<size_t>(consumed) + 1 < line.size()) {
      std::string name = line.substr(static_cast<size_t>(consumed) + 1);
      if (name.front() == '@') name.front() = '\0';
      socket.unix_path = name;
    }
    sockets.push_back(socket);
  }
  return sockets;
}

Snapshot snapshot_from_proc() {
  const auto ticks = static_cast<uint32_t>(sysconf(_SC_CLK_TCK));
  struct File {
    const char* name;
    Protocol protocol;
    uint8_t family;
  };
  const File files[] = {{"tcp", Protocol::tcp, 2},         {"tcp6", Protocol::tcp, 10},
                        {"udp", Protocol::udp, 2},         {"udp6", Protocol::udp, 10},
                        {"udplite", Protocol::udplite, 2}, {"udplite6", Protocol::udplite, 10},
                        {"raw", Protocol::raw, 2},         {"raw6", Protocol::raw, 10}};
  Namespace ns;
  for (const File& file : files) {
    auto sockets = parse_proc_net_inet(read_file(std::string("/proc/net/") + file.name),
                                       file.protocol, file.family, ticks);
    ns.sockets.insert(ns.sockets.end(), sockets.begin(), sockets.end());
  }
  auto unix_sockets = parse_proc_net_unix(read_file("/proc/net/unix"));
  ns.sockets.insert(ns.sockets.end(), unix_sockets.begin(), unix_sockets.end());

  // Owners, as netstat's prg_cache_load finds them: /proc in readdir order, every fd link
  // "socket:[INODE]"; keep every owner, first found first.
  std::map<uint64_t, std::vector<int32_t>> owners;
  std::map<int32_t, Process> processes;
  if (DIR* proc = opendir("/proc")) {
    while (const dirent* entry = readdir(proc)) {
      if (!std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
      const int32_t pid = std::atoi(entry->d_name);
      const std::string fd_dir = std::string("/proc/") + entry->d_name + "/fd";
      DIR* fds = opendir(fd_dir.c_str());
      if (fds == nullptr) continue;
      while (const dirent* fd = readdir(fds)) {
        char link[64] = {};
        const std::string path = fd_dir + "/" + fd->d_name;
        const ssize_t length = readlink(path.c_str(), link, sizeof link - 1);
        unsigned long inode = 0;
        if (length <= 0 || std::sscanf(link, "socket:[%lu]", &inode) != 1) continue;
        auto& pids = owners[inode];
        if (pids.empty() || pids.back() != pid) pids.push_back(pid);
        if (processes.count(pid) == 0) {
          Process process;
          process.pid = pid;
          const std::string cmdline = read_file(std::string("/proc/") + entry->d_name + "/cmdline");
          process.argv0 = cmdline.substr(0, cmdline.find('\0'));
          processes.emplace(pid, process);
        }
      }
      closedir(fds);
    }
    closedir(proc);
  }
  for (Socket& socket : ns.sockets) {
    const auto it = owners.find(socket.inode);
    if (it != owners.end() && socket.inode != 0) socket.owners = it->second;
  }

  Snapshot snapshot;
  snapshot.source = CaptureSource::proc;
  snapshot.namespaces.push_back(std::move(ns));
  for (auto& [pid, process] : processes) snapshot.processes.push_back(std::move(process));
  return snapshot;
}

}  // namespace netsnap::netstat_test
