using MiniMesos.Core.Allocation;
using Xunit;

namespace MiniMesos.Tests.Allocation;

public sealed class PortRangesTests
{
    [Fact]
    public void ParseNormalisesOverlapsAndAdjacency()
    {
        Assert.Equal("[80,8000-8010,31000-31005]", PortRanges.Parse("31003-31005, 8000-8005,8006-8010,31000-31002,80").ToString());
        Assert.Equal(PortRanges.Parse("1-4"), PortRanges.Parse("3-4,1-2"));
    }

    [Theory]
    [InlineData("10-5")]
    [InlineData("abc")]
    [InlineData("70000")]
    public void ParseRejectsNonsense(string text) =>
        Assert.Contains($"'{text}'", Assert.Throws<FormatException>(() => PortRanges.Parse(text)).Message);

    [Fact]
    public void SubtractSplitsRanges()
    {
        var all = PortRanges.Parse("31000-32000");
        var left = all.Subtract(PortRanges.Parse("31000,31500-31600,32000"));
        Assert.Equal("[31001-31499,31601-31999]", left.ToString());
        Assert.Equal(1001 - 2 - 101, left.Count);
        Assert.True(all.Contains(left));
        Assert.False(left.Contains(31500));
        Assert.False(left.Contains(PortRanges.Parse("31499-31501")));
        Assert.Equal(all, left.Add(PortRanges.Parse("31000,31500-31600,32000")));
    }

    [Fact]
    public void TakeReturnsLowestPortsAcrossRanges()
    {
        var set = PortRanges.Parse("10-11,20-30");
        Assert.Equal([10, 11, 20], set.Take(3));
        Assert.Null(set.Take(14));
        Assert.True(PortRanges.Empty.IsEmpty);
        Assert.Equal(PortRanges.Empty, PortRanges.Parse(""));
    }
}
