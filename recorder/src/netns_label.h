// Names for network namespaces that have none of their own: the container or pod a process
// inside belongs to, read from its /proc/PID/cgroup, or else that process itself. Pure
// functions over a file's bytes, so every path form is unit-tested on literal text.
#pragma once

#include <string>
#include <string_view>

namespace netsnap {

// The container or pod named by the cgroup path(s) in a /proc/PID/cgroup file (v2 "0::/path"
// and v1 "N:controllers:/path" lines alike), or "" when no path names one:
//   docker        /docker/<id>, .../docker-<id>.scope                 -> "docker:<12 hex>"
//   Kubernetes    .../kubepods.../pod<uid>/<id>, ...-pod<uid>.slice/
//                 cri-containerd-<id>.scope (or crio-, docker-)         -> "pod:<uid>/<12 hex>"
//   containerd    .../cri-containerd-<id>.scope (no pod)              -> "containerd:<12 hex>"
//   cri-o         .../crio-<id>.scope (no pod)                        -> "crio:<12 hex>"
//   podman        .../libpod-<id>.scope                               -> "podman:<12 hex>"
//   systemd-nspawn machine.slice/machine-<name>.scope,
//                 .../systemd-nspawn@<name>.service                   -> "nspawn:<name>"
// The innermost match wins (a pod inside a kind node's docker container is the pod). systemd's
// escapes in unit names ("\x2d") are undone; a systemd pod slice's uid has its '_' turned back
// into '-'.
std::string container_label_from_cgroup(std::string_view cgroup_file);

// The label of a namespace's process when no container names it: "pid 1 (systemd)". `comm` is
// /proc/PID/comm's content (its trailing newline is dropped).
std::string process_label(int pid, std::string_view comm);

}  // namespace netsnap
