using MiniMesos.Core.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

/// <summary>The favordynmods remount planned from mountinfo (pure): keeps the mount's own flags and every superblock option.</summary>
public sealed class Cgroup2RemountTests
{
    [Fact]
    public void KeepsTheMountFlagsAndTheSuperblockOptionsAndAddsTheOption()
    {
        const string mountinfo = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
            "35 26 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
        var plan = Cgroup2Remount.Plan(mountinfo)!;
        Assert.Equal("/sys/fs/cgroup", plan.MountPoint);
        Assert.Equal(2UL | 4 | 8 | (1 << 21), plan.MountFlags);
        Assert.Equal("nsdelegate,memory_recursiveprot,favordynmods", plan.Data);
    }

    [Fact]
    public void NothingToDoWhenSetOrWithoutCgroup2()
    {
        Assert.Null(Cgroup2Remount.Plan("35 26 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,favordynmods\n"));
        Assert.Null(Cgroup2Remount.Plan("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"));
        var hybrid = Cgroup2Remount.Plan("41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n")!;
        Assert.Equal(("/sys/fs/cgroup/unified", 1UL << 21, "favordynmods"), (hybrid.MountPoint, hybrid.MountFlags, hybrid.Data));
    }
}
