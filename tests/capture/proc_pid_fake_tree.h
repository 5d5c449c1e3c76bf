// A fake /proc in a temp dir for owner-map tests: per process the files OwnerMap reads (stat,
// comm, cmdline, status, limits) and fd/N symlinks whose targets read like the kernel's
// ("socket:[INODE]", "/var/log/app.log"). readlink() works the same on them, and so does
// listing fd/ -- only st_size of fd/ is not an fd count, so OwnerMap counts by listing here.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace netsnap::testing {

class ProcPidFakeTree {
 public:
  ProcPidFakeTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "netsnap-proc-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    root_ = pattern;
  }
  ~ProcPidFakeTree() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  ProcPidFakeTree(const ProcPidFakeTree&) = delete;
  ProcPidFakeTree& operator=(const ProcPidFakeTree&) = delete;

  const std::string& root() const { return root_; }
  std::string dir(int pid) const { return root_ + "/" + std::to_string(pid); }

  struct ProcessFiles {
    std::string comm = "app";
    uint64_t start_time = 1000;
    std::string cmdline = std::string("/usr/bin/app\0--serve\0", 21);
    uint32_t uid = 1000;
    std::string nofile_soft = "1024";
    std::string nofile_hard = "524288";
  };

  void add_process(int pid, const ProcessFiles& files) {
    std::filesystem::create_directories(dir(pid) + "/fd");
    write_stat(pid, files.comm, files.start_time);
    write(pid, "comm", files.comm + "\n");
    write(pid, "cmdline", files.cmdline);
    write(pid, "status",
          "Name:\t" + files.comm + "\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t" +
              std::to_string(pid) + "\nUid:\t" + std::to_string(files.uid + 1) + "\t" +
              std::to_string(files.uid) + "\t" + std::to_string(files.uid) + "\t" +
              std::to_string(files.uid) + "\nGid:\t100\t100\t100\t100\n");
    write(pid, "limits",
          "Limit                     Soft Limit           Hard Limit           Units     \n"
          "Max cpu time              unlimited            unlimited            seconds   \n"
          "Max open files            " + pad(files.nofile_soft) + pad(files.nofile_hard) +
              "files     \n"
          "Max processes             63448                63448                processes \n");
  }
  void add_process(int pid) { add_process(pid, ProcessFiles{}); }

  // A new process under an old pid: same files, another start time.
  void write_stat(int pid, const std::string& comm, uint64_t start_time) {
    std::string stat = std::to_string(pid) + " (" + comm + ") S 1 " + std::to_string(pid) +
                       " " + std::to_string(pid) + " 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 " +
                       std::to_string(start_time) + " 1000000 100 18446744073709551615\n";
    write(pid, "stat", stat);
  }

  void set_socket(int pid, int fd, uint64_t inode) {
    set_link(pid, fd, "socket:[" + std::to_string(inode) + "]");
  }
  void set_link(int pid, int fd, const std::string& target) {
    const std::string link = dir(pid) + "/fd/" + std::to_string(fd);
    ::unlink(link.c_str());
    if (::symlink(target.c_str(), link.c_str()) != 0) ADD_FAILURE() << "symlink " << link;
  }
  void close_fd(int pid, int fd) {
    ::unlink((dir(pid) + "/fd/" + std::to_string(fd)).c_str());
  }
  void remove_process(int pid) { std::filesystem::remove_all(dir(pid)); }

  void write(int pid, const std::string& name, const std::string& contents) {
    std::ofstream(dir(pid) + "/" + name, std::ios::binary) << contents;
  }

 private:
  static std::string pad(const std::string& value) {
    return value + std::string(value.size() < 21 ? 21 - value.size() : 1, ' ');
  }

  std::string root_;
};

}  // namespace netsnap::testing
