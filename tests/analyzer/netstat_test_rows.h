// Expected netstat rows, built with the very printf formats of net-tools 2.10's netstat.c
// (tcp_do_one, udp_do_one, raw_do_one, finish_this_one, unix_do_one). The renderer pads by
// hand; building the expectations with printf checks it against netstat's own formats rather
// than against a copy of its logic. Each function returns one line without its '\n'.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <string>

namespace netsnap::netstat_test {

[[gnu::format(printf, 1, 2)]] inline std::string formatted(const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

inline int address_width(const char* address) {
  const int length = static_cast<int>(std::string(address).size());
  return length > 23 ? length : 23;
}

inline std::string tcp_row(const char* proto, long recv_q, long send_q, const char* local,
                           const char* remote, const char* state) {
  return formatted("%-4s  %6ld %6ld %-*s %-*s %-11s", proto, recv_q, send_q, address_width(local),
                   local, address_width(remote), remote, state);
}

inline std::string udp_row(const char* proto, long recv_q, long send_q, const char* local,
                           const char* remote, const char* state) {
  return formatted("%-5s %6ld %6ld %-23s %-23s %-11s", proto, recv_q, send_q, local, remote, state);
}

inline std::string raw_row(const char* proto, long recv_q, long send_q, const char* local,
                           const char* remote, int state) {
  return formatted("%-4s  %6ld %6ld %-23s %-23s %-11d", proto, recv_q, send_q, local, remote, state);
}

// -e with a user name, and with a number (netstat's "%d" of the uid).
inline std::string user_inode(const char* user, unsigned long inode) {
  return formatted(" %-10s ", user) + formatted("%-10lu", inode);
}
inline std::string uid_inode(int uid, unsigned long inode) {
  return formatted(" %-10d ", uid) + formatted("%-10lu", inode);
}

inline std::string program(const char* text) { return formatted(" %-20s", text); }
inline std::string timer(const char* text) { return formatted(" %s", text); }

// program == nullptr: no -p column.
inline std::string unix_row(long ref_count, const char* flags, const char* type, const char* state,
                            unsigned long inode, const char* program_text, const char* path) {
  std::string row = formatted("%-5s %-6ld %-11s %-10s %-13s ", "unix", ref_count, flags, type, state);
  row += formatted("%-8lu", inode);
  if (program_text != nullptr) row += program(program_text);
  row += formatted(" %s", path);
  return row;
}

}  // namespace netsnap::netstat_test
