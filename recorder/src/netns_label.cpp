#include "netns_label.h"

#include <algorithm>
#include <cctype>

namespace netsnap {
namespace {

constexpr size_t kShortIdLength = 12;  // as `docker ps` shows a container id

bool all_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isdigit(c) || (c >= 'a' && c <= 'f');
  });
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// systemd escapes '-' and other bytes of a name as "\xNN" in unit names.
std::string unescape_unit_name(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 3]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 2, 2)), nullptr, 16));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A pod uid as Kubernetes writes it in cgroup names: hex and '-' (cgroupfs driver) or '_'
// (systemd driver, where '-' separates slice levels).
bool looks_like_pod_uid(std::string_view s) {
  return s.size() >= 8 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isxdigit(c) || c == '-' || c == '_';
         });
}

// "pod<uid>" (cgroupfs) or "kubepods-<qos>-pod<uid>.slice" (systemd): the uid with '-'.
std::string pod_uid_of(std::string_view component) {
  std::string_view uid;
  if (ends_with(component, ".slice")) {
    const size_t at = component.rfind("-pod");
    if (at == std::string_view::npos || !starts_with(component, "kubepods")) return "";
    uid = component.substr(at + 4, component.size() - at - 4 - 6);
  } else if (starts_with(component, "pod")) {
    uid = component.substr(3);
  }
  if (!looks_like_pod_uid(uid)) return "";
  std::string out(uid);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

struct ContainerId {
  std::string_view runtime;  // the label prefix without a pod: "docker", "crio", ...
  std::string_view id;
};

// "<runtime>-<hex>.scope" or a bare 64-hex directory (cgroupfs drivers).
bool container_id_of(std::string_view component, std::string_view parent, ContainerId& out) {
  static constexpr std::pair<std::string_view, std::string_view> kScopes[] = {
      {"docker-", "docker"},
      {"cri-containerd-", "containerd"},
      {"crio-", "crio"},
      {"libpod-", "podman"},
  };
  if (ends_with(component, ".scope")) {
    for (const auto& [prefix, runtime] : kScopes) {
      if (!starts_with(component, prefix)) continue;
      std::string_view id = component.substr(prefix.size());
      id.remove_suffix(6);
      if (id.size() < kShortIdLength || !all_hex(id)) return false;
      out = {runtime, id};
      return true;
    }
    return false;
  }
  if (component.size() != 64 || !all_hex(component)) return false;
  out = {parent == "docker" ? "docker" : "container", component};
  return true;
}

// nspawn: "machine-<name>.scope" and "systemd-nspawn@<name>.service".
std::string machine_name_of(std::string_view component) {
  if (starts_with(component, "machine-") && ends_with(component, ".scope"))
    return unescape_unit_name(component.substr(8, component.size() - 8 - 6));
  if (starts_with(component, "systemd-nspawn@") && ends_with(component, ".service"))
    return unescape_unit_name(component.substr(15, component.size() - 15 - 8));
  return "";
}

std::string label_of_path(std::string_view path) {
  std::string label, pod_uid;
  std::string_view parent;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view component = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (component.empty()) continue;
    ContainerId container;
    if (std::string uid = pod_uid_of(component); !uid.empty()) {
      pod_uid = uid;
      label = "pod:" + uid;
    } else if (container_id_of(component, parent, container)) {
      const std::string short_id(container.id.substr(0, kShortIdLength));
      label = pod_uid.empty() ? std::string(container.runtime) + ":" + short_id
                              : "pod:" + pod_uid + "/" + short_id;
    } else if (std::string machine = machine_name_of(component); !machine.empty()) {
      label = "nspawn:" + machine;
      pod_uid.clear();
    }
    parent = component;
  }
  return label;
}

}  // namespace

std::string container_label_from_cgroup(std::string_view cgroup_file) {
  while (!cgroup_file.empty()) {
    const size_t newline = cgroup_file.find('\n');
    const std::string_view line = cgroup_file.substr(0, newline);
    cgroup_file = newline == std::string_view::npos ? std::string_view()
                                                     : cgroup_file.substr(newline + 1);
    // "hierarchy-id:controllers:path"; the path may itself contain ':'.
    const size_t first = line.find(':');
    const size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    if (std::string label = label_of_path(line.substr(second + 1)); !label.empty()) return label;
  }
  return "";
}

std::string process_label(int pid, std::string_view comm) {
  while (!comm.empty() && (comm.back() == '\n' || comm.back() == '\0')) comm.remove_suffix(1);
  return "pid " + std::to_string(pid) + " (" + std::string(comm) + ")";
}

}  // namespace netsnap
