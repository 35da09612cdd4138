/* SPDX-License-Identifier: MIT */
/* netns_cgroup_label(): what a container admin calls a process's cgroup. */
#include <stdlib.h>

#include "netns-scan.h"
#include "test.h"

static void test_labels(void) {
        static const struct {
                const char *text, *want;
        } cases[] = {
                { "0::/system.slice/docker-3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7.scope\n",
                  "docker 3f2a1b4c5d6e" },
                { "12:pids:/docker/aabbccddeeff00112233\n0::/docker/aabbccddeeff00112233\n", "docker aabbccddeeff" },
                { "0::/machine.slice/libpod-0123456789abcdef0123.scope/container\n", "podman 0123456789ab" },
                { "0::/system.slice/containerd.service/kubepods-besteffort-pod1a2b3c4d_5e6f_7a8b.slice:cri-containerd:ff\n",
                  "k8s pod 1a2b3c4d-5e6" },
                { "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12345678_9abc_def0.slice/"
                  "cri-containerd-abcdef0123456789.scope\n", "k8s pod 12345678-9ab" },
                { "0::/system.slice/cri-containerd-abcdef0123456789.scope\n", "containerd abcdef012345" },
                { "0::/system.slice/nginx.service\n", "nginx.service" },
                { "0::/user.slice/user-1000.slice/session-3.scope\n", "session-3.scope" },
                { "0::/lxc.payload.web1\n", "/lxc.payload.web1" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *got = netns_cgroup_label(cases[i].text);
                test_assert_str(got, cases[i].want);
                free(got);
        }
        test_assert(netns_cgroup_label("0::/\n") == NULL);
        test_assert(netns_cgroup_label("") == NULL);
        test_assert(netns_cgroup_label("garbage") == NULL);
}

int main(void) {
        TEST(test_labels);
        return test_done();
}
