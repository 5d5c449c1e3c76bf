// Namespace labels from /proc/PID/cgroup text: every container runtime's path form, cgroup v1
// and v2, nesting, and the paths that name no container.
#include "netns_label.h"

#include <gtest/gtest.h>

namespace netsnap {
namespace {

const std::string kId = "3f4e8a1b2c9d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f";
const std::string kShort = "3f4e8a1b2c9d";
const std::string kUid = "0d3c2b1a-9f8e-4d7c-a6b5-1234567890ab";
const std::string kUidUnderscores = "0d3c2b1a_9f8e_4d7c_a6b5_1234567890ab";

TEST(NetnsLabel, DockerWithTheCgroupfsDriver) {
  EXPECT_EQ(container_label_from_cgroup("0::/docker/" + kId + "\n"), "docker:" + kShort);
}

TEST(NetnsLabel, DockerWithTheSystemdDriver) {
  EXPECT_EQ(container_label_from_cgroup("0::/system.slice/docker-" + kId + ".scope\n"),
            "docker:" + kShort);
}

TEST(NetnsLabel, DockerOnCgroupV1TakesTheFirstLineThatNamesOne) {
  const std::string file = "12:pids:/docker/" + kId + "\n11:memory:/docker/" + kId +
                           "\n1:name=systemd:/docker/" + kId + "\n0::/\n";
  EXPECT_EQ(container_label_from_cgroup(file), "docker:" + kShort);
}

TEST(NetnsLabel, KubernetesPodWithTheCgroupfsDriver) {
  EXPECT_EQ(container_label_from_cgroup("0::/kubepods/burstable/pod" + kUid + "/" + kId + "\n"),
            "pod:" + kUid + "/" + kShort);
  EXPECT_EQ(container_label_from_cgroup("0::/kubepods/pod" + kUid + "/" + kId + "\n"),
            "pod:" + kUid + "/" + kShort);
}

TEST(NetnsLabel, KubernetesPodWithContainerdAndTheSystemdDriver) {
  const std::string path = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" +
                           kUidUnderscores + ".slice/cri-containerd-" + kId + ".scope\n";
  EXPECT_EQ(container_label_from_cgroup(path), "pod:" + kUid + "/" + kShort);
}

TEST(NetnsLabel, KubernetesPodWithCrio) {
  const std::string path = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" +
                           kUidUnderscores + ".slice/crio-" + kId + ".scope\n";
  EXPECT_EQ(container_label_from_cgroup(path), "pod:" + kUid + "/" + kShort);
}

TEST(NetnsLabel, APodSliceWithoutItsContainerStillNamesThePod) {
  EXPECT_EQ(container_label_from_cgroup("0::/kubepods.slice/kubepods-pod" + kUidUnderscores +
                                        ".slice\n"),
            "pod:" + kUid);
}

TEST(NetnsLabel, ContainerdAndCrioWithoutKubernetes) {
  EXPECT_EQ(container_label_from_cgroup("0::/system.slice/cri-containerd-" + kId + ".scope\n"),
            "containerd:" + kShort);
  EXPECT_EQ(container_label_from_cgroup("0::/machine.slice/crio-" + kId + ".scope\n"),
            "crio:" + kShort);
}

TEST(NetnsLabel, CrioConmonIsNotAContainer) {
  EXPECT_EQ(container_label_from_cgroup("0::/machine.slice/crio-conmon-" + kId + ".scope\n"), "");
}

TEST(NetnsLabel, Podman) {
  EXPECT_EQ(container_label_from_cgroup("0::/user.slice/user-1000.slice/user@1000.service/"
                                        "user.slice/libpod-" + kId + ".scope/container\n"),
            "podman:" + kShort);
}

TEST(NetnsLabel, SystemdNspawnMachineScopeWithEscapes) {
  EXPECT_EQ(container_label_from_cgroup("0::/machine.slice/machine-debian\\x2dtest.scope/"
                                        "payload\n"),
            "nspawn:debian-test");
}

TEST(NetnsLabel, SystemdNspawnService) {
  EXPECT_EQ(container_label_from_cgroup("0::/machine.slice/systemd-nspawn@build.service/"
                                        "payload/system.slice/sshd.service\n"),
            "nspawn:build");
}

TEST(NetnsLabel, TheInnermostContainerWinsInsideAKindNode) {
  const std::string path = "0::/docker/" + kId + "/kubepods/besteffort/pod" + kUid + "/" +
                           std::string(64, 'a') + "\n";
  EXPECT_EQ(container_label_from_cgroup(path), "pod:" + kUid + "/aaaaaaaaaaaa");
}

TEST(NetnsLabel, HostPathsAndDamagedTextNameNothing) {
  EXPECT_EQ(container_label_from_cgroup("0::/init.scope\n"), "");
  EXPECT_EQ(container_label_from_cgroup("0::/system.slice/ssh.service\n"), "");
  EXPECT_EQ(container_label_from_cgroup("0::/user.slice/user-0.slice/session-3.scope\n"), "");
  EXPECT_EQ(container_label_from_cgroup(""), "");
  EXPECT_EQ(container_label_from_cgroup("garbage without colons\n"), "");
  EXPECT_EQ(container_label_from_cgroup("0::/docker/not-hex\n"), "");
  EXPECT_EQ(container_label_from_cgroup("0::/system.slice/docker-abc.scope\n"), "");  // too short
  EXPECT_EQ(container_label_from_cgroup("0::/kubepods/podXYZ/\n"), "");
}

TEST(NetnsLabel, AProcessLabelDropsTheNewlineOfComm) {
  EXPECT_EQ(process_label(1, "systemd\n"), "pid 1 (systemd)");
  EXPECT_EQ(process_label(4242, "my prog"), "pid 4242 (my prog)");
}

}  // namespace
}  // namespace netsnap
