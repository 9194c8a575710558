using MiniMesos.Core.Images;
using MiniMesos.Isolation.Images;
using Xunit;
using static MiniMesos.Tests.Images.TestTars;

namespace MiniMesos.Tests.Images;

/// <summary>The layer store on a real directory: digests checked, layers unpacked once, GC.</summary>
public sealed class LayerStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-store-").FullName;
    private readonly List<string> _log = [];
    private readonly LayerStore _store;

    public LayerStoreTests() => _store = new LayerStore(_dir, new LayerLimits(), _log.Add);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ImageDigest Digest(string text) => ImageDigest.Parse(text, out _)!;

    private async Task<(ImageDigest Blob, ImageDigest DiffId)> AddLayer(byte[] tar, bool gzip = true)
    {
        var blob = gzip ? Gzip(tar) : tar;
        var digest = Digest(Sha256(blob));
        await _store.AddBlobAsync(new MemoryStream(blob), digest, blob.Length, 1 << 20, CancellationToken.None);
        return (digest, Digest(Sha256(tar)));
    }

    [Fact]
    public async Task ABlobWithTheWrongDigestOrSizeIsNeverStored()
    {
        var data = "hello"u8.ToArray();
        var wrong = Digest(Sha256("other"u8.ToArray()));
        var error = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.AddBlobAsync(new MemoryStream(data), wrong, data.Length, 100, CancellationToken.None));
        Assert.Contains($"its content has digest {Sha256(data)}", error.Message);
        Assert.False(_store.HasBlob(wrong));
        error = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.AddBlobAsync(new MemoryStream(data), Digest(Sha256(data)), 4, 100, CancellationToken.None));
        Assert.Contains("more than 4 bytes", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_dir, "tmp")));
    }

    [Fact]
    public async Task ALayerIsUnpackedOnceEvenWhenAskedConcurrently()
    {
        var (blob, diffId) = await AddLayer(Tar(Dir("bin/"), File("bin/hello", "hi")));
        var paths = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _store.UnpackAsync(blob, diffId, LayerCompression.Gzip)));
        Assert.All(paths, p => Assert.Equal(_store.LayerPath(diffId), p));
        Assert.Equal("hi", System.IO.File.ReadAllText(Path.Combine(paths[0], "bin", "hello")));
        Assert.Single(_store.Layers());
    }

    [Fact]
    public async Task ALayerWhoseContentIsNotItsDiffIdIsRefused()
    {
        var (blob, _) = await AddLayer(Tar(File("a", "1")));
        var claimed = Digest(Sha256(Tar(File("a", "2"))));
        var error = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.UnpackAsync(blob, claimed, LayerCompression.Gzip));
        Assert.Contains("the image config says " + claimed, error.Message);
        Assert.False(Directory.Exists(_store.LayerPath(claimed)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_dir, "tmp")));
    }

    [Fact]
    public async Task ZstdLayersMadeByTheZstdToolUnpackAndAreCheckedAgainstTheirDiffId()
    {
        var tar = Tar(Dir("etc/"), File("etc/a", "zstd content\n"), File("etc/b", new string('z', 100_000)));
        var raw = Path.Combine(_dir, "layer.tar");
        System.IO.File.WriteAllBytes(raw, tar);
        ImageProvisionerTests.Run("zstd", "-q", "-19", raw, "-o", raw + ".zst");
        var zst = System.IO.File.ReadAllBytes(raw + ".zst");
        Assert.Equal([0x28, 0xb5, 0x2f, 0xfd], zst[..4]);
        var blob = Digest(Sha256(zst));
        await _store.AddBlobAsync(new MemoryStream(zst), blob, zst.Length, 1 << 20, CancellationToken.None);

        var wrongDiffId = Digest(Sha256("other"u8.ToArray()));
        var error = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.UnpackAsync(blob, wrongDiffId, LayerCompression.Zstd));
        Assert.Contains($"its uncompressed content has digest {Sha256(tar)}", error.Message);

        var dir = await _store.UnpackAsync(blob, Digest(Sha256(tar)), LayerCompression.Zstd);
        Assert.Equal("zstd content\n", System.IO.File.ReadAllText(Path.Combine(dir, "etc", "a")));
        Assert.Equal(100_000, new FileInfo(Path.Combine(dir, "etc", "b")).Length);
        Assert.False(_store.HasBlob(blob)); // unpacked: the compressed copy is dropped
    }

    [Fact]
    public async Task CorruptZstdAndGzipLayersAreRefusedByName()
    {
        var (blob, diffId) = await AddLayer(Tar(File("a", "1")), gzip: false);
        var error = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.UnpackAsync(blob, diffId, LayerCompression.Zstd));
        Assert.StartsWith($"layer {blob}: cannot decompress", error.Message);
        error = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.UnpackAsync(blob, diffId, LayerCompression.Gzip));
        Assert.StartsWith($"layer {blob}: ", error.Message);
        Assert.False(Directory.Exists(_store.LayerPath(diffId)));
        Assert.Equal("1", System.IO.File.ReadAllText(Path.Combine(await _store.UnpackAsync(blob, diffId, LayerCompression.None), "a")));

        // A zstd stream cut short.
        var tar = Tar(File("b", new string('b', 50_000)));
        var raw = Path.Combine(_dir, "cut.tar");
        System.IO.File.WriteAllBytes(raw, tar);
        ImageProvisionerTests.Run("zstd", "-q", raw, "-o", raw + ".zst");
        var cut = System.IO.File.ReadAllBytes(raw + ".zst")[..^20];
        var cutBlob = Digest(Sha256(cut));
        await _store.AddBlobAsync(new MemoryStream(cut), cutBlob, cut.Length, 1 << 20, CancellationToken.None);
        error = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.UnpackAsync(cutBlob, Digest(Sha256(tar)), LayerCompression.Zstd));
        Assert.StartsWith($"layer {cutBlob}: ", error.Message);
        Assert.False(Directory.Exists(_store.LayerPath(Digest(Sha256(tar)))));
    }

    [Fact]
    public async Task GcRemovesIdleLayersNobodyUsesAndKeepsTheRest()
    {
        var (blobA, a) = await AddLayer(Tar(File("a", "1")));
        var (blobB, b) = await AddLayer(Tar(File("b", "2")));
        await _store.UnpackAsync(blobA, a, LayerCompression.Gzip);
        await _store.UnpackAsync(blobB, b, LayerCompression.Gzip);
        var later = new FixedClock(DateTimeOffset.UtcNow.AddHours(2));
        Assert.Empty(_store.Collect(new HashSet<string>(), TimeSpan.FromDays(1), long.MaxValue, later));
        var removed = _store.Collect(new HashSet<string> { a.Hex }, TimeSpan.FromHours(1), long.MaxValue, later);
        Assert.Equal([b.Hex], removed);
        Assert.True(Directory.Exists(_store.LayerPath(a)));
        Assert.False(Directory.Exists(_store.LayerPath(b)));
    }

    [Fact]
    public void GcPlanTakesLeastRecentlyUsedFirstUntilUnderTheBudget()
    {
        var layers = new[] { new StoredLayer("old", 100, 1), new StoredLayer("mid", 100, 2), new StoredLayer("new", 100, 3), new StoredLayer("used", 100, 0) };
        Assert.Equal(["old", "mid"], LayerGcPlan.Victims(layers, new HashSet<string> { "used" }, 10, 100, 250));
        Assert.Equal(["old", "mid", "new"], LayerGcPlan.Victims(layers, new HashSet<string> { "used" }, 10, 5, long.MaxValue));
        Assert.Empty(LayerGcPlan.Victims(layers, new HashSet<string> { "old", "mid", "new", "used" }, 10, 0, 0));
    }

    [Fact]
    public void GcPlanKeepsLayersUsedSinceTheOldestProvisioningInFlight()
    {
        var layers = new[] { new StoredLayer("old", 100, 1), new StoredLayer("unpacked-now", 100, 7), new StoredLayer("touched-now", 100, 9) };
        // Disk pressure (budget 0) would take all three; a provisioning that began at tick 5 keeps what it unpacked or touched.
        Assert.Equal(["old", "unpacked-now", "touched-now"], LayerGcPlan.Victims(layers, new HashSet<string>(), 10, 100, 0));
        Assert.Equal(["old"], LayerGcPlan.Victims(layers, new HashSet<string>(), 10, 100, 0, protectUsedSinceTicks: 5));
    }

    [Fact]
    public async Task GcUnderDiskPressureKeepsALayerAProvisioningInFlightJustUnpacked()
    {
        var (blobA, a) = await AddLayer(Tar(File("a", "1")));
        await _store.UnpackAsync(blobA, a, LayerCompression.Gzip);
        var provisioningSince = DateTime.UtcNow.AddMinutes(-1).Ticks;
        var now = new FixedClock(DateTimeOffset.UtcNow);
        Assert.Empty(_store.Collect(new HashSet<string>(), TimeSpan.FromDays(1), 0, now, provisioningSince));
        Assert.True(Directory.Exists(_store.LayerPath(a)));
        Assert.Equal([a.Hex], _store.Collect(new HashSet<string>(), TimeSpan.FromDays(1), 0, now));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
