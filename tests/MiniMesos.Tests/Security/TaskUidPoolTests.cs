using MiniMesos.Core.Isolation;
using Xunit;

namespace MiniMesos.Tests.Security;

/// <summary>Per-task uid allocation as pure logic (the agent-level behaviour is in <see cref="AgentFileAttackTests"/>).</summary>
public sealed class TaskUidPoolTests
{
    [Fact]
    public void UidsAreDistinctSkipHostIdsComeBackLastAndRunOut()
    {
        var pool = new TaskUidPool(100_000, 100_003);
        var host = TaskUidPool.IdsIn("svc:x:100001:100002::/:/bin/false\n", "grp:x:100000:\n");
        Assert.Equal(100_003u, pool.Allocate(host)); // 100000, 100001 and 100002 are named by the host
        Assert.Null(pool.Allocate(host));
        pool.Release(100_003);
        Assert.True(pool.Claim(100_003)); // held again (a task found after a restart)
        var next = pool.Allocate(new HashSet<uint>());
        Assert.NotNull(next);
        Assert.NotEqual(100_003u, next);
        Assert.False(pool.Claim(5));
    }

    [Theory]
    [InlineData("1879048192-1879113727", true)]
    [InlineData("none", false)]
    public void RangesParse(string text, bool pool) => Assert.Equal(pool, TaskUidPool.Parse(text) is not null);

    [Theory]
    [InlineData("5-10")]
    [InlineData("2000-1000")]
    [InlineData("x")]
    [InlineData("1000-4294967295")]
    public void BadRangesAreRefused(string text) => Assert.Throws<FormatException>(() => TaskUidPool.Parse(text));

    [Fact]
    public void CapabilityNamesParse()
    {
        Assert.Equal([0, 5], TaskCapabilities.Parse("chown,CAP_KILL").Numbers);
        Assert.Empty(TaskCapabilities.Parse("none").Numbers);
        Assert.Equal("bogus", TaskCapabilities.Parse("chown,bogus").Unknown);
        Assert.DoesNotContain(21, TaskCapabilities.Parse(TaskCapabilities.Default).Numbers); // sys_admin
    }
}
