using System.Security.Cryptography;
using MiniMesos.Net.Hosts;
using Xunit;

namespace MiniMesos.Tests.Hosts;

/// <summary>
/// A daemon drops its clean code and read-only data pages out of its resident set (Net/Hosts/ResidentPages.cs): only
/// mappings that hold nothing but clean copies of file pages qualify, and dropping them really unmaps them (this test
/// process's libcrypto) without losing anything (the process goes on using that library).
/// </summary>
public sealed class ResidentPagesTests
{
    private const string Exe = "/usr/bin/minimesos";

    [Theory]
    [InlineData("r-xp", Exe, 0, 0, true)]
    [InlineData("r--p", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", 0, 0, true)]
    [InlineData("rw-p", Exe, 0, 0, false)] // writable: its pages may be (or become) the process's own
    [InlineData("r--p", Exe, 8, 0, false)] // relocated (RELRO) pages copied on write: dropping them would lose the relocations
    [InlineData("r--p", Exe, 0, 4, false)] // locked
    [InlineData("r-xs", Exe, 0, 0, false)] // shared
    [InlineData("r-xp", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0, 0, false)] // only files mapped for the process's life
    [InlineData("r-xp", "/usr/bin/minimesos (deleted)", 0, 0, false)]
    [InlineData("r--p", "", 0, 0, false)]
    public void OnlyCleanPrivateReadOnlyMappingsOfKnownFilesQualify(string perms, string path, long anonymousKb, long lockedKb, bool droppable)
    {
        var mapping = new ResidentPages.Mapping(0x400000, 0x500000, perms, path, RssKb: 64, anonymousKb, lockedKb);
        Assert.Equal(droppable, ResidentPages.Droppable(mapping, Exe));
    }

    [Fact]
    public void DroppingUnmapsTheCleanPagesAndTheCodeStillRuns()
    {
        Assert.Equal("abc", Hash()); // loads libcrypto and maps the pages it runs
        var before = LibcryptoRssKb();
        Assert.True(before > 0, "libcrypto is not mapped in this process");
        Assert.True(ResidentPages.Drop() > 0);
        Assert.True(LibcryptoRssKb() < before, $"libcrypto's resident pages did not drop ({before} kB before)");
        Assert.Equal("abc", Hash()); // faulted back in from the page cache
    }

    private static string Hash()
    {
        var digest = SHA256.HashData("abc"u8);
        return Convert.ToHexStringLower(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ? "abc" : "wrong";
    }

    private static long LibcryptoRssKb() => ResidentPages.Mappings()
        .Where(m => Path.GetFileName(m.Path).StartsWith("libcrypto.so", StringComparison.Ordinal)).Sum(m => m.RssKb);
}
