#!/bin/busybox sh
# The guest's init for `crashsim kernel-check`: mounts the kernel's file systems, loads the
# modules the checks need (listed in /modules.load, dependencies first), runs the runner on the
# job device and powers the machine off. Everything the runner prints reaches the host's console
# log.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t tmpfs -o size=90% tmpfs /tmp
while read -r module; do
  /bin/busybox insmod "/lib/modules/$module" || echo "kcheck: insmod $module failed"
done < /modules.load
# Wait for the disks (virtio probes asynchronously) and the pmem namespace when there is one.
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  [ -b /dev/vdc ] && break
  /bin/busybox sleep 0.2
done
/bin/busybox mkdir -p /mnt /check
/kcheck-runner /dev/vdc
echo "kcheck: runner exited with status $?"
/bin/busybox sync
/bin/busybox poweroff -f
