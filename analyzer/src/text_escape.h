// Makes recorded text safe to print. A recording is untrusted input: a socket path, a program
// name, a command line or a user name may hold newlines (which would forge table rows) or
// terminal escape sequences (which would rewrite the analyst's screen). Every such string goes
// through these functions on its way to the output; nothing else may print recorded text.
//
// Escapes, chosen to stay readable and unambiguous:
//   backslash        -> \\            (so that an escape in the output always means one)
//   \n \t \r         -> \n \t \r
//   other C0, DEL    -> \xHH          (NUL, ESC as \x1b, ...)
//   C1 controls (U+0080..U+009F, which some terminals obey like ESC sequences), bytes that are
//   not valid UTF-8, and the bidirectional overrides (U+202A..U+202E, U+2066..U+2069, which
//   reorder what a line appears to say) -> \xHH for each byte
// Printable ASCII and valid UTF-8 otherwise pass through unchanged, so plain text prints as is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace netsnap {

// Appends `raw` to `out` with the escapes above.
void append_escaped(std::string& out, std::string_view raw);

// The escaped form of `raw` as a new string (for tests and one-off use; renderers append).
std::string escaped(std::string_view raw);

// Appends a UNIX socket name as /proc/net/unix (and so netstat) shows it, escaped. `raw` is the
// name's bytes as recorded: an abstract name starts with a NUL byte and is shown with '@' for
// every NUL in it (the kernel's own convention); a filesystem path ends at its first NUL (a
// name taken from netlink carries the terminating NUL). Spaces are kept: the whole name shows.
void append_unix_socket_name(std::string& out, std::string_view raw);

// True when `raw` prints as itself (no byte needs an escape): lets callers skip a copy.
bool is_printable_as_is(std::string_view raw);

}  // namespace netsnap
