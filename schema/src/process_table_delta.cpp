#include "process_table_delta.h"

#include <unordered_map>

#include "reader_limits.h"
#include "varint.h"
#include "wire_codec.h"

namespace netsnap {
namespace {

bool same_but_descriptors(const Process& a, const Process& b) {
  return a.pid == b.pid && a.uid == b.uid && a.nofile_soft == b.nofile_soft &&
         a.nofile_hard == b.nofile_hard && a.comm == b.comm && a.argv0 == b.argv0 &&
         a.cmdline == b.cmdline;
}

}  // namespace

void encode_process_origins(const std::vector<Process>& previous,
                            const std::vector<Process>& current, std::string& origins,
                            std::vector<const Process*>& listed) {
  std::unordered_map<int32_t, size_t> index_of;
  index_of.reserve(previous.size());
  for (size_t i = 0; i < previous.size(); ++i) index_of.emplace(previous[i].pid, i);
  origins.clear();
  listed.clear();
  std::string descriptors;
  std::vector<bool> taken(previous.size());  // a reader refuses an index given twice
  put_varint(origins, current.size());
  size_t next = 0;  // one past the last reused index: a table in the same order costs 1s
  for (const Process& p : current) {
    auto it = index_of.find(p.pid);
    if (it == index_of.end() || taken[it->second] ||
        !same_but_descriptors(previous[it->second], p)) {
      put_varint(origins, 0);
      listed.push_back(&p);
      continue;
    }
    const size_t i = it->second;
    taken[i] = true;
    put_varint(origins, zigzag(static_cast<int64_t>(i) - static_cast<int64_t>(next)) + 1);
    put_varint(descriptors, zigzag(int64_t(p.fd_count) - int64_t(previous[i].fd_count)));
    next = i + 1;
  }
  origins += descriptors;
}

bool apply_process_origins(std::vector<Process>& table, kj::ArrayPtr<const kj::byte> origins,
                           capnp::List<wire::Process>::Reader listed, std::string& why) {
  auto fail = [&](std::string what) {
    why = std::move(what);
    return false;
  };
  VarintReader r(origins.begin(), origins.size());
  uint64_t count = 0;
  if (!r.next(count)) return fail("bad process origins");
  if (count > MAX_PROCESSES) return fail(over_limit(count, "processes", MAX_PROCESSES));
  if (count > r.remaining()) return fail("more processes than bytes");
  // Each previous process is taken once at most, so the new table is no larger than the old
  // one and the listed ones together: a few bytes of origins cannot make it grow without
  // bound by naming one large process again and again.
  if (count > table.size() + listed.size())
    return fail("process origins list " + std::to_string(count) + " processes, more than the " +
                std::to_string(table.size()) + " before and " + std::to_string(listed.size()) +
                " new");
  std::vector<int64_t> from(count);  // previous index, or -1: the next listed process
  std::vector<bool> taken(table.size());
  size_t next = 0, reused = 0;
  for (int64_t& f : from) {
    uint64_t v;
    if (!r.next(v)) return fail("bad process origins");
    if (v == 0) {
      f = -1;
      continue;
    }
    // Unsigned: a hostile difference wraps around (and lands outside) instead of overflowing.
    const uint64_t at = static_cast<uint64_t>(next) + static_cast<uint64_t>(unzigzag(v - 1));
    if (at >= table.size()) return fail("process origin outside the previous table");
    if (taken[at]) return fail("process origin " + std::to_string(at) + " given twice");
    taken[at] = true;
    f = static_cast<int64_t>(at);
    next = static_cast<size_t>(at) + 1;
    ++reused;
  }
  if (count - reused != listed.size())
    return fail("process origins list " + std::to_string(count - reused) +
                " new processes, the delta " + std::to_string(listed.size()));
  std::vector<uint64_t> descriptor_changes(reused);
  for (uint64_t& v : descriptor_changes)
    if (!r.next(v)) return fail("bad process descriptor counts");
  if (!r.at_end()) return fail("trailing bytes after process origins");
  // The listed ones are read (which may throw on a damaged message) before anything moves;
  // then the previous processes move into the new table (each is taken once), so a replay
  // copies no command lines, and a refused delta leaves `table` as it was.
  std::vector<Process> fresh;
  fresh.reserve(listed.size());
  for (auto p : listed) fresh.push_back(wire_codec::read_process(p));
  std::vector<Process> out;
  out.reserve(count);
  size_t fresh_taken = 0, changes_taken = 0;
  for (const int64_t f : from) {
    if (f < 0) {
      out.push_back(std::move(fresh[fresh_taken++]));
      continue;
    }
    out.push_back(std::move(table[static_cast<size_t>(f)]));
    // Unsigned arithmetic: a hostile difference wraps instead of overflowing.
    out.back().fd_count = static_cast<uint32_t>(
        out.back().fd_count + static_cast<uint64_t>(unzigzag(descriptor_changes[changes_taken++])));
  }
  table = std::move(out);
  return true;
}

}  // namespace netsnap
