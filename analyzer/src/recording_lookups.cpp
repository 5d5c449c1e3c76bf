#include "recording_lookups.h"

#include <fstream>
#include <iterator>

namespace netsnap::analysis {
namespace {

std::string read_whole_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

ServiceNames service_names_for(const FileHeader& header, bool& used_fallback) {
  used_fallback = header.services_db.empty() && header.protocols_db.empty();
  if (!used_fallback) return ServiceNames::parse(header.services_db, header.protocols_db);
  // Only for recordings without the host's databases: this workstation's names (see above).
  return ServiceNames::parse(read_whole_file("/etc/services"), read_whole_file("/etc/protocols"));
}

RecordingUsers::RecordingUsers(const Timeline& timeline) {
  for (const RecordingFileInfo& file : timeline.files()) add_uid_names(names_, file.header.users);
}

void RecordingUsers::add(const Snapshot& snapshot) { add_uid_names(names_, snapshot.users_added); }

bool RecordingUsers::knows_every_uid_of(const Snapshot& snapshot) const {
  for (const Namespace& ns : snapshot.namespaces) {
    for (const Socket& socket : ns.sockets) {
      if (!names_.contains(socket.uid)) return false;
    }
  }
  return true;
}

void RecordingUsers::replay_up_to(Timeline& timeline, size_t end) {
  Cursor cursor = timeline.cursor(0, CursorMode::changes_only);
  while (cursor.next() && cursor.entry_index() < end) add(cursor.current());
}

}  // namespace netsnap::analysis
