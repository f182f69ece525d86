#!/bin/sh
# The nested KVM harness (tests/nested/run.sh, issue 13): directboot
# --accel kvm on a real KVM (kvm_amd inside an L1 under QEMU's software
# CPU with -cpu max), booting Debian's kernels on every entry path, SMP,
# every virtio device, the exit statuses and the interactive shell.
# One L1 boot, about 10 minutes on two cores; one skip line where QEMU
# does not emulate SVM.  The static build only: L1 has no libraries.
cd "$(dirname "$0")/../.." || exit 1
exec sh tests/nested/run.sh
