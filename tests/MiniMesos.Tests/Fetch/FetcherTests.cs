using System.Formats.Tar;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Fetch;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Fetch;
using MiniMesos.Net.Agent;
using Xunit;

namespace MiniMesos.Tests.Fetch;

/// <summary>
/// The agent's fetcher on real files and a real loopback HTTP server: downloads, modes, owners, the cache, and
/// hostile archives (traversal, absolute names, escaping symlinks, writes through a symlink, devices, hard links,
/// size bounds), each refused with the URI and the reason while nothing lands outside the sandbox.
/// </summary>
public sealed class FetcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fetch-").FullName;
    private readonly LoopbackFiles _server = new();

    private string Sandbox => Path.Combine(_dir, "sandbox");
    private string Staging => Path.Combine(_dir, "meta");

    public FetcherTests()
    {
        Directory.CreateDirectory(Sandbox);
        Directory.CreateDirectory(Staging);
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Fetcher NewFetcher(FetchLimits? limits = null) => new(Path.Combine(_dir, "cache"), limits ?? new FetchLimits(), NullLogger.Instance);

    private Task FetchAsync(params FetchUri[] uris) => NewFetcher().FetchAsync(uris, Sandbox, Staging, null, CancellationToken.None);

    private async Task<string> RefusedAsync(FetchUri uri, FetchLimits? limits = null)
    {
        var e = await Assert.ThrowsAsync<TaskLaunchException>(() => NewFetcher(limits).FetchAsync([uri], Sandbox, Staging, null, CancellationToken.None));
        Assert.Contains(uri.Uri, e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "escaped")), "something was written outside the sandbox");
        return e.Message;
    }

    [Fact]
    public async Task DownloadsKeepNamesModesAndUnpackTarGzAndZip()
    {
        _server.Serve("/bin/tool.sh", Encoding.UTF8.GetBytes("#!/bin/sh\necho tool\n"));
        _server.Serve("/app.tgz", FetchArchives.Tar(w =>
        {
            FetchArchives.File(w, "app/run", "run", (UnixFileMode)0b111_101_101 | UnixFileMode.SetUser);
            FetchArchives.Link(w, TarEntryType.SymbolicLink, "app/latest", "run");
            FetchArchives.Link(w, TarEntryType.HardLink, "app/again", "app/run");
        }, gzip: true));
        _server.Serve("/site.zip", FetchArchives.Zip(("site/index.html", "<p>hi</p>")));
        _server.Serve("/data.tar.gz", FetchArchives.Tar(w => FetchArchives.File(w, "x", "x"), gzip: true));

        await FetchAsync(new FetchUri(_server.Url("/bin/tool.sh"), Executable: true), new FetchUri(_server.Url("/app.tgz")),
            new FetchUri(_server.Url("/site.zip")), new FetchUri(_server.Url("/data.tar.gz"), Extract: false, DestPath: "keep/data.tar.gz"));

        Assert.Equal("#!/bin/sh\necho tool\n", File.ReadAllText(Path.Combine(Sandbox, "tool.sh")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(Sandbox, "tool.sh")));
        Assert.Equal("run", File.ReadAllText(Path.Combine(Sandbox, "app/latest")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(Sandbox, "app/run"))); // setuid dropped
        Assert.Equal(2u, TaskFiles.Stat(Path.Combine(Sandbox, "app/again"))!.Value.Links);
        Assert.Equal("<p>hi</p>", File.ReadAllText(Path.Combine(Sandbox, "site/index.html")));
        Assert.True(File.Exists(Path.Combine(Sandbox, "keep/data.tar.gz")));
        Assert.False(File.Exists(Path.Combine(Sandbox, "app.tgz")));
        Assert.Empty(Directory.GetFiles(Staging)); // the staged downloads are gone
    }

    [Fact]
    public async Task FilesBelongToTheTasksUser()
    {
        if (Environment.UserName != "root") return; // chown needs root, as the agent has
        _server.Serve("/a.tar", FetchArchives.Tar(w => FetchArchives.File(w, "d/f", "f")));
        await NewFetcher().FetchAsync([new FetchUri(_server.Url("/a.tar"))], Sandbox, Staging, (4242u, 4343u), CancellationToken.None);
        foreach (var path in new[] { "d", "d/f" })
            Assert.Equal((4242u, 4343u), (TaskFiles.Stat(Path.Combine(Sandbox, path))!.Value.Uid, TaskFiles.Stat(Path.Combine(Sandbox, path))!.Value.Gid));
    }

    [Fact]
    public async Task TheCacheServesAUriAgainWithoutTheServer()
    {
        _server.Serve("/cached.txt", "v1"u8.ToArray());
        await FetchAsync(new FetchUri(_server.Url("/cached.txt"), Cache: true));
        _server.Serve("/cached.txt", null); // now 404
        Directory.Delete(Sandbox, true);
        Directory.CreateDirectory(Sandbox);
        await FetchAsync(new FetchUri(_server.Url("/cached.txt"), Cache: true));
        Assert.Equal("v1", File.ReadAllText(Path.Combine(Sandbox, "cached.txt")));
        Assert.Contains("HTTP 404", await RefusedAsync(new FetchUri(_server.Url("/cached.txt"))));
    }

    [Fact]
    public async Task HostileTarsAreRefusedAndWriteNothingOutside()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "sandbox", "sub"));
        var cases = new Dictionary<string, (byte[] Tar, string Reason)>
        {
            ["/dotdot.tar"] = (FetchArchives.Tar(w => FetchArchives.File(w, "../escaped", "x")), "'..'"),
            ["/absolute.tar"] = (FetchArchives.Tar(w => FetchArchives.File(w, "/tmp/escaped", "x")), "absolute"),
            ["/linkout.tar"] = (FetchArchives.Tar(w => FetchArchives.Link(w, TarEntryType.SymbolicLink, "sub/up", "../../escaped")), "outside the sandbox"),
            ["/linkabs.tar"] = (FetchArchives.Tar(w => FetchArchives.Link(w, TarEntryType.SymbolicLink, "etc", "/etc")), "absolute path"),
            ["/linkchain.tar"] = (FetchArchives.Tar(w => FetchArchives.Link(w, TarEntryType.SymbolicLink, "x", "sub/../..")), "'..' after a name"),
            ["/through.tar"] = (FetchArchives.Tar(w =>
            {
                FetchArchives.Link(w, TarEntryType.SymbolicLink, "dir", ".");
                FetchArchives.File(w, "dir/escaped", "x");
            }), "symlink"),
            ["/device.tar"] = (FetchArchives.Tar(w => w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "null") { DeviceMajor = 1, DeviceMinor = 3 })), "device"),
            ["/hardout.tar"] = (FetchArchives.Tar(w => FetchArchives.Link(w, TarEntryType.HardLink, "shadow", "etc/shadow")), "hard link"),
            ["/hardabs.tar"] = (FetchArchives.Tar(w => FetchArchives.Link(w, TarEntryType.HardLink, "shadow", "/etc/shadow")), "absolute"),
            ["/zipslip.zip"] = (FetchArchives.Zip(("../escaped", "x")), "'..'"),
            ["/garbage.tgz"] = ("not a gzip stream at all"u8.ToArray(), "not a valid"),
        };
        foreach (var (path, (tar, reason)) in cases)
        {
            _server.Serve(path, tar);
            var message = await RefusedAsync(new FetchUri(_server.Url(path)));
            Assert.True(message.Contains(reason, StringComparison.Ordinal), $"{path}: '{message}' does not say '{reason}'");
        }
        Assert.False(File.Exists("/tmp/escaped"));
        Assert.False(File.Exists(Path.Combine(Sandbox, "shadow")));
    }

    [Fact]
    public async Task TarXzFromTheSystemsTarUnpacksAndHostileOnesAreRefused()
    {
        var tree = Directory.CreateDirectory(Path.Combine(_dir, "tree", "app")).FullName;
        File.WriteAllText(Path.Combine(tree, "run"), "#!/bin/sh\necho xz\n");
        File.SetUnixFileMode(Path.Combine(tree, "run"), (UnixFileMode)0b111_101_101);
        File.WriteAllBytes(Path.Combine(tree, "data.bin"), Compression.XzTool.Sample(3 << 20, 9));
        File.CreateSymbolicLink(Path.Combine(tree, "latest"), "run");
        var made = Path.Combine(_dir, "app.tar.xz");
        // tar -J with a small block size: a multi-block .xz, as xz -T makes it for big archives.
        var start = new System.Diagnostics.ProcessStartInfo("tar", ["-C", Path.Combine(_dir, "tree"), "-cf", made, "-I", "xz --block-size=1MiB", "app"]);
        using (var tar = System.Diagnostics.Process.Start(start)!)
        {
            Assert.True(tar.WaitForExit(60_000), "tar did not finish");
            Assert.Equal(0, tar.ExitCode);
        }
        _server.Serve("/app.tar.xz", File.ReadAllBytes(made));
        _server.Serve("/dotdot.txz", Compression.XzTool.Compress(FetchArchives.Tar(w => FetchArchives.File(w, "../escaped", "x"))));
        _server.Serve("/linkout.tar.xz", Compression.XzTool.Compress(FetchArchives.Tar(w => FetchArchives.Link(w, TarEntryType.SymbolicLink, "up", "../escaped"))));
        var broken = File.ReadAllBytes(made);
        broken[broken.Length / 2] ^= 0x10;
        _server.Serve("/broken.tar.xz", broken);
        _server.Serve("/bomb.tar.xz", Compression.XzTool.Compress(FetchArchives.Tar(w => FetchArchives.File(w, "zeros", new string('0', 200_000)))));

        await FetchAsync(new FetchUri(_server.Url("/app.tar.xz")));
        Assert.Equal("#!/bin/sh\necho xz\n", File.ReadAllText(Path.Combine(Sandbox, "app", "run")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(Sandbox, "app", "run")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(tree, "data.bin")), File.ReadAllBytes(Path.Combine(Sandbox, "app", "data.bin")));
        Assert.Equal("run", new FileInfo(Path.Combine(Sandbox, "app", "latest")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(Sandbox, "app.tar.xz")));

        Assert.Contains("'..'", await RefusedAsync(new FetchUri(_server.Url("/dotdot.txz"))));
        Assert.Contains("outside the sandbox", await RefusedAsync(new FetchUri(_server.Url("/linkout.tar.xz"))));
        Assert.Contains("xz:", await RefusedAsync(new FetchUri(_server.Url("/broken.tar.xz"))));
        var bomb = await RefusedAsync(new FetchUri(_server.Url("/bomb.tar.xz")), new FetchLimits(MaxUnpackedBytes: 10_000));
        Assert.True(bomb.Contains("unpacks to more than 10000 bytes", StringComparison.Ordinal), bomb);
    }

    [Fact]
    public async Task SizeEntryAndTimeBoundsHold()
    {
        _server.Serve("/big.bin", new byte[64 * 1024]);
        Assert.Contains("more than 1000 bytes", await RefusedAsync(new FetchUri(_server.Url("/big.bin")), new FetchLimits(MaxDownloadBytes: 1000)));
        // A small archive that unpacks to much more than it weighs (a zip bomb, in miniature).
        _server.Serve("/bomb.tgz", FetchArchives.Tar(w => FetchArchives.File(w, "zeros", new string('0', 200_000)), gzip: true));
        var bomb = await RefusedAsync(new FetchUri(_server.Url("/bomb.tgz")), new FetchLimits(MaxUnpackedBytes: 10_000));
        Assert.True(bomb.Contains("unpacks to more than 10000 bytes", StringComparison.Ordinal), bomb);
        _server.Serve("/many.tar", FetchArchives.Tar(w => { for (var i = 0; i < 20; i++) FetchArchives.File(w, $"f{i}", "x"); }));
        Assert.Contains("more than 10 entries", await RefusedAsync(new FetchUri(_server.Url("/many.tar")), new FetchLimits(MaxEntries: 10)));
        _server.Stall("/slow.bin");
        Assert.Contains("longer than", await RefusedAsync(new FetchUri(_server.Url("/slow.bin")), new FetchLimits(Timeout: TimeSpan.FromMilliseconds(300))));
    }

    [Fact]
    public async Task LocalFilesOnlyWhenEveryUserMayReadThem()
    {
        var open = Path.Combine(_dir, "public.txt");
        File.WriteAllText(open, "public");
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(open, (UnixFileMode)0b110_100_100);
        await FetchAsync(new FetchUri("file://" + open), new FetchUri(open, DestPath: "again.txt"));
        Assert.Equal("public", File.ReadAllText(Path.Combine(Sandbox, "public.txt")));
        Assert.Equal("public", File.ReadAllText(Path.Combine(Sandbox, "again.txt")));
        File.SetUnixFileMode(open, (UnixFileMode)0b110_000_000);
        Assert.Contains("not readable by every user", await RefusedAsync(new FetchUri(open)));
        Assert.Contains("/proc", await RefusedAsync(new FetchUri("/proc/self/environ")));
    }

    [Fact]
    public void UrisAreCheckedAtSubmission()
    {
        Assert.Null(FetchPlan.Invalid(new FetchUri("https://example.org/a.tgz")));
        Assert.Equal("uri", FetchPlan.Invalid(new FetchUri("hdfs://nn/a.tgz"))?.Field);
        Assert.Equal("uri", FetchPlan.Invalid(new FetchUri("http://example.org/dir/"))?.Field);
        Assert.Equal("destPath", FetchPlan.Invalid(new FetchUri("http://example.org/a", DestPath: "../x"))?.Field);
        Assert.Equal("destPath", FetchPlan.Invalid(new FetchUri("http://example.org/a", DestPath: "/etc/x"))?.Field);
        Assert.Equal(ArchiveKind.TarXz, FetchPlan.ArchiveOf("a.tar.xz"));
        Assert.Equal(ArchiveKind.TarXz, FetchPlan.ArchiveOf("A.TXZ"));
        Assert.Equal(ArchiveKind.Unsupported, FetchPlan.ArchiveOf("a.tar.bz2"));
        Assert.Equal(ArchiveKind.TarGzip, FetchPlan.ArchiveOf("A.TGZ"));
        Assert.Equal("a b.txt", FetchPlan.FileName(new FetchUri("http://h/x/a%20b.txt?q=1")));
    }
}
