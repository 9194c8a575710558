using MiniMesos.Isolation.Images;
using Xunit;
using static MiniMesos.Tests.Images.TestTars;

namespace MiniMesos.Tests.Images;

/// <summary>Unpacks real (in-memory built) tars into real directories, hostile ones included. Needs root (chown).</summary>
public sealed class SafeLayerExtractorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-layer-").FullName;
    private readonly string _layer;
    private readonly string _outside;
    private readonly List<string> _log = [];

    public SafeLayerExtractorTests()
    {
        _layer = Directory.CreateDirectory(Path.Combine(_dir, "layer", "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Extract(byte[] tar) => SafeLayerExtractor.Extract(new MemoryStream(tar), _layer, "sha256:test", new LayerLimits(MaxBytes: 1 << 20), _log.Add);

    private LayerUnpackException Refused(byte[] tar) => Assert.Throws<LayerUnpackException>(() => Extract(tar));

    [Fact]
    public void FilesDirsLinksOwnersAndModesAreKeptButSetuidIsDropped()
    {
        Extract(Tar(
            Dir("./bin/"),
            File("./bin/tool", "#!/bin/sh\n", (UnixFileMode)0b100_111_101_101, uid: 1000, gid: 1001),
            Hardlink("bin/tool2", "./bin/tool"),
            Symlink("etc-passwd", "/etc/passwd"),
            Symlink("up", "../../outside"),
            File("bin/tool", "replaced", (UnixFileMode)0b111_101_101)));
        var tool = Path.Combine(_layer, "bin", "tool");
        Assert.Equal("replaced", System.IO.File.ReadAllText(tool));
        Assert.Equal("755 0:0", Stat("%a %u:%g", tool));
        Assert.Equal("755 1000:1001", Stat("%a %u:%g", Path.Combine(_layer, "bin", "tool2")));
        Assert.Equal("#!/bin/sh\n", System.IO.File.ReadAllText(Path.Combine(_layer, "bin", "tool2")));
        Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(_layer, "etc-passwd")).LinkTarget);
        Assert.Equal("../../outside", new FileInfo(Path.Combine(_layer, "up")).LinkTarget);
    }

    [Theory]
    [InlineData("../x", "contains '..'")]
    [InlineData("a/../../x", "contains '..'")]
    [InlineData("/etc/x", "is absolute")]
    public void TraversingNamesAreRefused(string name, string reason)
    {
        Assert.Contains(reason, Refused(Tar(File(name, "pwned"))).Message);
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "layer", "x")));
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "x")));
    }

    [Fact]
    public void NothingIsWrittenThroughASymlink()
    {
        Assert.Contains("goes through 'link'", Refused(Tar(Symlink("link", _outside), File("link/pwned", "x"))).Message);
        Assert.Contains("goes through 'root'", Refused(Tar(Symlink("root", "/"), File("root/etc/passwd", "x"))).Message);
        Assert.Contains("goes through 'rel'", Refused(Tar(Symlink("rel", "../../outside"), Dir("rel/sub/"))).Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
        // A final component that is a symlink is replaced, never written through.
        Extract(Tar(Symlink("f", Path.Combine(_outside, "target")), File("f", "mine")));
        Assert.Null(new FileInfo(Path.Combine(_layer, "f")).LinkTarget);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Theory]
    [InlineData("../../outside/secret")]
    [InlineData("/etc/passwd")]
    [InlineData("missing")]
    [InlineData("sym")]
    public void HardlinksOnlyReachRegularFilesOfTheSameLayer(string target)
    {
        System.IO.File.WriteAllText(Path.Combine(_outside, "secret"), "s");
        var error = Refused(Tar(Symlink("sym", "/etc/passwd"), Hardlink("h", target)));
        Assert.Contains(target.StartsWith('/') ? "is absolute" : target.Contains("..") ? "contains '..'" : "not a regular file earlier in this layer", error.Message);
        Assert.False(System.IO.File.Exists(Path.Combine(_layer, "h")));
    }

    [Fact]
    public void DeviceNodesAreSkippedWithALogLine()
    {
        Extract(Tar(Dir("dev/"), Device("dev/mem")));
        Assert.False(Path.Exists(Path.Combine(_layer, "dev", "mem")));
        Assert.Contains(_log, l => l.Contains("skipped 'dev/mem'") && l.Contains("device nodes"));
    }

    [Fact]
    public void WhiteoutsBecomeOverlayWhiteoutsButNeverHideTheSameLayer()
    {
        Extract(Tar(File("kept", "k"), File(".wh.kept", ""), Dir("etc/"), File("etc/.wh.gone", "")));
        Assert.Equal("k", System.IO.File.ReadAllText(Path.Combine(_layer, "kept")));
        Assert.Equal("character special file 0:0", Stat("%F %t:%T", Path.Combine(_layer, "etc", "gone")));
        Assert.Contains("not a valid whiteout", Refused(Tar(File(".wh...", ""))).Message);
    }

    [Fact]
    public void SizeIsBounded() =>
        Assert.Contains("more than 1048576 bytes", Refused(Tar(File("big", new string('x', (1 << 20) + 1)))).Message);

    [Fact]
    public void GarbageIsNotATar() =>
        Assert.Contains("not a valid tar", Refused(System.Text.Encoding.ASCII.GetBytes(new string('z', 1024))).Message);
}
