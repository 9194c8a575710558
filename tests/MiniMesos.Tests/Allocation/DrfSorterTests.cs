using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Allocation;

public sealed class DrfSorterTests
{
    [Fact]
    public void LowestDominantShareComesFirst()
    {
        var sorter = new DrfSorter();
        sorter.SetTotal(new Resources(10, 100));
        sorter.Add("a");
        sorter.Add("b");
        sorter.Allocated("a", new Resources(1, 50)); // dominant: mem 0.5
        sorter.Allocated("b", new Resources(4, 10)); // dominant: cpu 0.4
        Assert.Equal(["b", "a"], sorter.Sort());
        Assert.Equal(0.5, sorter.Share("a"), 6);
        sorter.Unallocated("a", new Resources(1, 20));
        Assert.Equal(["a", "b"], sorter.Sort());
    }

    [Fact]
    public void WeightScalesTheEntitlement()
    {
        var sorter = new DrfSorter();
        sorter.SetTotal(new Resources(10, 100));
        sorter.Add("heavy", 2);
        sorter.Add("light");
        sorter.Allocated("heavy", new Resources(6, 0)); // 0.6 / 2 = 0.3
        sorter.Allocated("light", new Resources(4, 0)); // 0.4
        Assert.Equal(["heavy", "light"], sorter.Sort());
        Assert.Throws<ArgumentOutOfRangeException>(() => sorter.Add("x", 0));
    }

    [Fact]
    public void TiesBreakByName()
    {
        var sorter = new DrfSorter();
        sorter.Add("zeta");
        sorter.Add("alpha");
        Assert.Equal(["alpha", "zeta"], sorter.Sort());
    }
}
