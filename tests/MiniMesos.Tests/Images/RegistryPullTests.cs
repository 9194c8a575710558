using System.Collections.Concurrent;
using MiniMesos.Core.Images;
using MiniMesos.Isolation.Images;
using Xunit;

namespace MiniMesos.Tests.Images;

/// <summary>
/// Pulls through the real <see cref="RegistryClient"/> from the loopback <see cref="TestRegistry"/> into a real layer
/// store (needs root for the whiteout device): a layer download the registry cuts mid-way resumes with Range requests
/// and the whole is still checked against its digest (also for an image whose layers skopeo recompressed with zstd); a
/// registry ignoring Range, one that always cuts, and a tampered blob arriving in pieces.
/// </summary>
[Trait("Category", "Slow")]
public sealed class RegistryPullTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-pull-").FullName;
    private readonly TestRegistry _registry = new();
    private readonly RegistryClient _client = new(RegistryOptions.Default);
    private readonly ConcurrentQueue<string> _progress = new();
    private readonly LayerStore _store;
    private readonly ImageProvisioner _provisioner;
    private readonly string _gzipLayer;
    private readonly int _gzipLayerBytes;

    public RegistryPullTests()
    {
        var layout = Path.Combine(_dir, "layout");
        BusyboxImage.Write(layout, "1.0");
        _registry.AddLayout(layout, "test/busybox", "1.0");
        var biggest = new DirectoryInfo(Path.Combine(layout, "blobs", "sha256")).EnumerateFiles().OrderByDescending(f => f.Length).First();
        (_gzipLayer, _gzipLayerBytes) = ("sha256:" + biggest.Name, (int)biggest.Length);
        _store = new LayerStore(Path.Combine(_dir, "store"), new LayerLimits(), _ => { });
        _provisioner = new ImageProvisioner(_store, Path.Combine(_dir, "scratch"), new OciPlatform("amd64", "linux"), registry: _client);
    }

    public void Dispose()
    {
        _client.Dispose();
        _registry.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<ProvisionedImage> Pull() =>
        _provisioner.ProvisionAsync(ImageReference.Parse($"{_registry.Host}/test/busybox:1.0", out _)!, CancellationToken.None, _progress.Enqueue);

    private List<string> BlobRequests() => _registry.Requests.Where(r => r.Contains("/blobs/" + _gzipLayer, StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task ALayerCutMidwayResumesWithRangeRequestsAndIsCheckedWhole()
    {
        Assert.True(_gzipLayerBytes > 300_000, $"the busybox layer is only {_gzipLayerBytes} bytes");
        _registry.Drop[_gzipLayer] = (100_000, 2);

        var image = await Pull();

        Assert.True(File.Exists(Path.Combine(image.LayerDirs[0], "bin", "busybox")));
        Assert.Equal(
            [$"/v2/test/busybox/blobs/{_gzipLayer}", $"/v2/test/busybox/blobs/{_gzipLayer} range bytes=100000-", $"/v2/test/busybox/blobs/{_gzipLayer} range bytes=200000-"],
            BlobRequests());
        Assert.Contains(_progress, p => p.Contains($"blob {_gzipLayer}: the download broke off at byte 100000", StringComparison.Ordinal) && p.Contains("resuming (1/5)", StringComparison.Ordinal));
        Assert.Contains(_progress, p => p.Contains("resuming (2/5)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnImageWithZstdLayersIsPulledCutMidwayAndUnpacked()
    {
        var zstd = Path.Combine(_dir, "zstd");
        ImageProvisionerTests.Run("skopeo", "copy", "-q", "--dest-compress-format", "zstd", "oci:" + Path.Combine(_dir, "layout") + ":1.0", "oci:" + zstd + ":1.0");
        _registry.AddLayout(zstd, "test/zstd", "1.0");
        var manifest = System.Text.Encoding.UTF8.GetString(_registry.ManifestBody("test/zstd", "1.0"));
        Assert.Contains(OciMediaTypes.OciLayerZstd, manifest);
        var biggest = new DirectoryInfo(Path.Combine(zstd, "blobs", "sha256")).EnumerateFiles().OrderByDescending(f => f.Length).First();
        _registry.Drop["sha256:" + biggest.Name] = (50_000, 1);

        var image = await _provisioner.ProvisionAsync(ImageReference.Parse($"{_registry.Host}/test/zstd:1.0", out _)!, CancellationToken.None, _progress.Enqueue);

        Assert.True(File.Exists(Path.Combine(image.LayerDirs[0], "bin", "busybox")));
        Assert.Equal("hello from layer 2\n", File.ReadAllText(Path.Combine(image.LayerDirs[1], "etc", "hello")));
        Assert.Contains($"/v2/test/zstd/blobs/sha256:{biggest.Name} range bytes=50000-", _registry.Requests);
    }

    [Fact]
    public async Task ARegistryIgnoringRangeSendsItAllAndTheBytesAlreadyReadAreSkipped()
    {
        _registry.Ranges = false;
        _registry.Drop[_gzipLayer] = (150_000, 1);

        var image = await Pull();

        Assert.True(File.Exists(Path.Combine(image.LayerDirs[0], "bin", "busybox")));
        Assert.Equal(2, BlobRequests().Count);
    }

    [Fact]
    public async Task ADownloadThatKeepsBreakingFailsAfterBoundedResumesNamingTheBlob()
    {
        _registry.Drop[_gzipLayer] = (10_000, 100);

        var error = await Assert.ThrowsAsync<LayerUnpackException>(Pull);

        Assert.Contains($"blob {_gzipLayer}: the download broke off {ResumableBlobStream.MaxResumes + 1} times, the last at byte 60000", error.Message);
        Assert.Equal(ResumableBlobStream.MaxResumes + 1, BlobRequests().Count);
        Assert.Empty(_store.Layers());
        Assert.False(_store.HasBlob(ImageDigest.Parse(_gzipLayer, out _)!));
    }

    [Fact]
    public async Task ATamperedBlobArrivingInPiecesFailsItsDigest()
    {
        _registry.Tampered.Add(_gzipLayer);
        _registry.Drop[_gzipLayer] = (100_000, 1);

        var error = await Assert.ThrowsAsync<LayerUnpackException>(Pull);

        Assert.Contains($"blob {_gzipLayer}: its content has digest", error.Message);
        Assert.Equal(2, BlobRequests().Count);
        Assert.Empty(_store.Layers());
    }
}
