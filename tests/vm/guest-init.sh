#!/bin/busybox sh
# /init of the test VM: mount what a Linux host has, run the launcher self-test, report through
# the isa-debug-exit port (qemu exits 1 = pass, 3 = fail) and power off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
echo "GUEST: kernel $(uname -r) controllers: $(cat /sys/fs/cgroup/cgroup.controllers) boot: $(cut -d' ' -f1 /proc/uptime)s"
insmod /lib/modules/overlay.ko || echo "GUEST: insmod overlay failed"
/bin/minimesos __isolation-selftest /bin/hog /tmp/selftest oci-archive:/img/hog.oci.tar
RC=$?
echo "GUEST: selftest exit $RC uptime $(cut -d' ' -f1 /proc/uptime)s"
[ "$RC" = 0 ] && V=0 || V=1
printf "\\$(printf %o $V)" | dd of=/dev/port bs=1 seek=$((0xf4)) count=1 2>/dev/null
poweroff -f
