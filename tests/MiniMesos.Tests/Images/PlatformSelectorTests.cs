using MiniMesos.Core.Images;
using Xunit;

namespace MiniMesos.Tests.Images;

public sealed class PlatformSelectorTests
{
    private static OciDescriptor Entry(string digestChar, string? platform)
    {
        var p = platform is null ? null : OciPlatform.Parse(platform, out _);
        return new OciDescriptor(OciMediaTypes.OciManifest, "sha256:" + new string(digestChar[0], 64), 100, p);
    }

    private static readonly OciIndex MultiArch = new(2, OciMediaTypes.OciIndex,
    [
        Entry("a", "linux/amd64"),
        Entry("b", "linux/arm64/v8"),
        Entry("c", "linux/arm/v6"),
        Entry("d", "linux/arm/v7"),
        Entry("e", "unknown/unknown"),
        Entry("f", "windows/amd64"),
    ]);

    [Theory]
    [InlineData("linux/amd64", 'a')]
    [InlineData("linux/arm64", 'b')]
    [InlineData("linux/arm64/v8", 'b')]
    [InlineData("linux/arm/v7", 'd')]
    [InlineData("linux/arm/v6", 'c')]
    public void TheBestManifestForThePlatformIsPicked(string platform, char expected)
    {
        var chosen = PlatformSelector.Select(MultiArch, OciPlatform.Parse(platform, out _)!, out var error);
        Assert.True(chosen is not null, error);
        Assert.Equal(expected, chosen.Digest[^1]);
    }

    [Fact]
    public void AnArmV7HostFallsBackToV6ButNeverToNewerVariants()
    {
        var index = new OciIndex(2, null, [Entry("c", "linux/arm/v6"), Entry("g", "linux/arm/v8")]);
        Assert.Equal('c', PlatformSelector.Select(index, new OciPlatform("arm", "linux", "v7"), out _)!.Digest[^1]);
        Assert.Null(PlatformSelector.Select(index, new OciPlatform("arm", "linux", "v5"), out var error));
        Assert.Contains("no manifest for linux/arm/v5; it has linux/arm/v6, linux/arm/v8", error);
    }

    [Fact]
    public void AMissingPlatformIsNamedWithWhatTheIndexOffers()
    {
        var index = new OciIndex(2, null, [Entry("a", "linux/amd64"), Entry("e", "unknown/unknown"), Entry("x", null)]);
        Assert.Null(PlatformSelector.Select(index, new OciPlatform("arm64", "linux"), out var error));
        Assert.Equal("the image has no manifest for linux/arm64; it has linux/amd64", error);
    }

    [Theory]
    [InlineData("linux")]
    [InlineData("linux//v7")]
    [InlineData("a/b/c/d")]
    public void BadPlatformsAreRefused(string text)
    {
        Assert.Null(OciPlatform.Parse(text, out var error));
        Assert.Contains("os/architecture", error);
    }
}
