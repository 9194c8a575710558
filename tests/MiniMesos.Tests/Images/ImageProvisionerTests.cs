using System.Diagnostics;
using MiniMesos.Core.Images;
using MiniMesos.Isolation.Images;
using Xunit;

namespace MiniMesos.Tests.Images;

/// <summary>
/// Local image sources end to end on real files: an OCI layout built from busybox, checked by skopeo (an independent
/// reader), converted by skopeo to docker-archive and oci-archive, provisioned into a real layer store, and the layers
/// stacked with a real overlayfs mount (needs root).
/// </summary>
[Trait("Category", "Slow")]
public sealed class ImageProvisionerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-images-").FullName;
    private readonly List<string> _mounts = [];
    private readonly LayerStore _store;
    private readonly ImageProvisioner _provisioner;

    public ImageProvisionerTests()
    {
        _store = new LayerStore(Path.Combine(_dir, "store"), new LayerLimits(), _ => { });
        _provisioner = new ImageProvisioner(_store, Path.Combine(_dir, "scratch"), new OciPlatform("amd64", "linux"));
    }

    public void Dispose()
    {
        foreach (var mount in _mounts) Run("umount", mount);
        Directory.Delete(_dir, recursive: true);
    }

    internal static string Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), $"{file} did not finish in 60 s");
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr}");
        return stdout.Result;
    }

    private Task<ProvisionedImage> Provision(string reference) =>
        _provisioner.ProvisionAsync(ImageReference.Parse(reference, out var error) ?? throw new InvalidOperationException(error), CancellationToken.None);

    [Fact]
    public async Task AnOciLayoutIsReadAsSkopeoReadsItAndItsLayersStackUnderOverlayfs()
    {
        var layout = Path.Combine(_dir, "layout");
        var (diff1, diff2) = BusyboxImage.Write(layout, "1.0");
        var inspect = Run("skopeo", "inspect", "--config", "oci:" + layout + ":1.0");
        Assert.Contains(diff1, inspect);

        var image = await Provision("oci:" + layout + ":1.0");
        Assert.Equal([diff1, diff2], image.DiffIds.Select(d => d.ToString()));
        Assert.Equal(["/bin/sh", "-c"], image.Config.Config!.Entrypoint!);
        Assert.True(File.Exists(Path.Combine(image.LayerDirs[0], "bin", "busybox")));

        var merged = Directory.CreateDirectory(Path.Combine(_dir, "merged")).FullName;
        var upper = Directory.CreateDirectory(Path.Combine(_dir, "upper")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        Run("mount", "-t", "overlay", "overlay", "-o", $"lowerdir={image.LayerDirs[1]}:{image.LayerDirs[0]},upperdir={upper},workdir={work}", merged);
        _mounts.Add(merged);
        Assert.False(File.Exists(Path.Combine(merged, "etc", "motd")));
        Assert.Equal("hello from layer 2\n", Run("chroot", merged, "/bin/cat", "/etc/hello"));

        await Assert.ThrowsAsync<LayerUnpackException>(() => Provision("oci:" + layout + ":2.0"));
    }

    [Fact]
    public async Task DockerAndOciArchivesWrittenBySkopeoGiveTheSameLayers()
    {
        var layout = Path.Combine(_dir, "layout");
        var (diff1, diff2) = BusyboxImage.Write(layout, "1.0");
        var docker = Path.Combine(_dir, "image.docker.tar");
        var oci = Path.Combine(_dir, "image.oci.tar");
        Run("skopeo", "copy", "-q", "oci:" + layout + ":1.0", "docker-archive:" + docker);
        Run("skopeo", "copy", "-q", "oci:" + layout + ":1.0", "oci-archive:" + oci + ":v1");

        var fromDocker = await Provision("docker-archive:" + docker);
        Assert.Equal([diff1, diff2], fromDocker.DiffIds.Select(d => d.ToString()));
        Assert.Equal(["cat /etc/hello"], fromDocker.Config.Config!.Cmd!);
        var fromOci = await Provision("oci-archive:" + oci + ":v1");
        Assert.Equal(fromDocker.LayerDirs, fromOci.LayerDirs);
        Assert.Equal(2, _store.Layers().Count);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_dir, "scratch")));
    }

    [Fact]
    public async Task ZstdLayersWrittenBySkopeoUnpackToTheSameLayers()
    {
        var layout = Path.Combine(_dir, "layout");
        var (diff1, diff2) = BusyboxImage.Write(layout, "1.0");
        var zstd = Path.Combine(_dir, "zstd");
        Run("skopeo", "copy", "-q", "--dest-compress-format", "zstd", "oci:" + layout + ":1.0", "oci:" + zstd + ":1.0");
        var manifest = Run("skopeo", "inspect", "--raw", "oci:" + zstd + ":1.0");
        Assert.Contains(OciMediaTypes.OciLayerZstd, manifest);
        Assert.DoesNotContain(OciMediaTypes.OciLayerGzip, manifest);

        var image = await Provision("oci:" + zstd + ":1.0");
        Assert.Equal([diff1, diff2], image.DiffIds.Select(d => d.ToString()));
        Assert.True(File.Exists(Path.Combine(image.LayerDirs[0], "bin", "busybox")));
        Assert.Equal("hello from layer 2\n", File.ReadAllText(Path.Combine(image.LayerDirs[1], "etc", "hello")));
    }

    [Fact]
    public async Task ATamperedLayoutIsRefusedNamingTheBlob()
    {
        var layout = Path.Combine(_dir, "layout");
        BusyboxImage.Write(layout, "1.0");
        var blobs = Path.Combine(layout, "blobs", "sha256");
        var biggest = new DirectoryInfo(blobs).EnumerateFiles().OrderByDescending(f => f.Length).First();
        using (var f = biggest.OpenWrite()) { f.Position = 100; f.WriteByte(0x42); }
        var error = await Assert.ThrowsAsync<LayerUnpackException>(() => Provision("oci:" + layout));
        Assert.Contains("sha256:" + biggest.Name, error.Message);
        Assert.Empty(_store.Layers());
    }

    [Fact]
    public async Task AnImageForAnotherArchitectureIsRefused()
    {
        var layout = Path.Combine(_dir, "layout");
        BusyboxImage.Write(layout, "1.0");
        var arm = new ImageProvisioner(_store, Path.Combine(_dir, "scratch"), new OciPlatform("arm64", "linux"));
        var error = await Assert.ThrowsAsync<LayerUnpackException>(() => arm.ProvisionAsync(ImageReference.Parse("oci:" + layout, out _)!, CancellationToken.None));
        Assert.Contains("is for linux/amd64, this agent is linux/arm64", error.Message);
    }
}
