using System.Collections.Concurrent;
using System.IO.Compression;
using MiniMesos.Core.Compression;
using MiniMesos.Core.Images;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// An agent's content-addressed image store. blobs/sha256/HEX holds blobs whose sha256 was checked while they were
/// written (a blob is never kept, let alone used, under a digest it does not have); layers/HEX (HEX: the layer's
/// diff ID, the digest of its uncompressed tar, also checked while unpacking) holds each layer unpacked once by
/// <see cref="SafeLayerExtractor"/>, shared read-only by every task that uses it as an overlayfs lower dir;
/// meta/HEX records its size and, by its mtime, when it was last used. A blob is deleted once its layer is unpacked. Work happens in tmp/ and is renamed into
/// place, so a crash never leaves a half-written blob or layer under its final name. One unpack per layer at a time:
/// concurrent requests for one layer wait for the same work.
/// </summary>
internal sealed class LayerStore
{
    private readonly string _root;
    private readonly LayerLimits _limits;
    private readonly Action<string> _log;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _unpacking = new(StringComparer.Ordinal);

    public LayerStore(string root, LayerLimits limits, Action<string> log)
    {
        _root = root;
        _limits = limits;
        _log = log;
        foreach (var dir in new[] { BlobDir, LayerDir, MetaDir, TmpDir }) Directory.CreateDirectory(dir);
        Directory.CreateDirectory(root).UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        // What an earlier run left half done.
        foreach (var entry in new DirectoryInfo(TmpDir).EnumerateFileSystemInfos()) Delete(entry.FullName);
    }

    private string BlobDir => Path.Combine(_root, "blobs", "sha256");
    private string LayerDir => Path.Combine(_root, "layers");
    private string MetaDir => Path.Combine(_root, "meta");
    private string TmpDir => Path.Combine(_root, "tmp");

    public string BlobPath(ImageDigest digest) => Path.Combine(BlobDir, digest.Hex);

    public string LayerPath(ImageDigest diffId) => Path.Combine(LayerDir, diffId.Hex);

    public bool HasBlob(ImageDigest digest) => File.Exists(BlobPath(digest));

    /// <summary>Stores the blob read from <paramref name="source"/> if its sha256 is <paramref name="digest"/> and its size <paramref name="size"/> (when known, else at most <paramref name="maxBytes"/>).</summary>
    public async Task<string> AddBlobAsync(Stream source, ImageDigest digest, long? size, long maxBytes, CancellationToken ct)
    {
        var final = BlobPath(digest);
        if (File.Exists(final)) return final;
        var tmp = Path.Combine(TmpDir, "blob-" + digest.Hex + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var hashing = new DigestingStream(source, size ?? maxBytes, $"blob {digest}"))
            await using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await hashing.CopyToAsync(file, ct);
                if (size is { } expected && hashing.BytesRead != expected)
                    throw new LayerUnpackException($"blob {digest}: {hashing.BytesRead} bytes where its descriptor says {expected}");
                var actual = hashing.DrainAndHash();
                if (actual != digest.Hex) throw new LayerUnpackException($"blob {digest}: its content has digest sha256:{actual} (corrupt or tampered)");
            }
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(tmp, final, overwrite: true);
            return final;
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>The unpacked layer directory for the stored blob <paramref name="blob"/> whose uncompressed digest must be <paramref name="diffId"/>.</summary>
    public Task<string> UnpackAsync(ImageDigest blob, ImageDigest diffId, LayerCompression compression)
    {
        var final = LayerPath(diffId);
        if (Directory.Exists(final)) { Touch(diffId); return Task.FromResult(final); }
        var work = _unpacking.GetOrAdd(diffId.Hex, _ => new Lazy<Task<string>>(() => Task.Run(() => Unpack(blob, diffId, compression))));
        return Awaited(work.Value, diffId.Hex);
    }

    private async Task<string> Awaited(Task<string> work, string key)
    {
        try { return await work; }
        finally { _unpacking.TryRemove(key, out _); }
    }

    private string Unpack(ImageDigest blob, ImageDigest diffId, LayerCompression compression)
    {
        var final = LayerPath(diffId);
        if (Directory.Exists(final)) { Touch(diffId); return final; }
        var tmp = Path.Combine(TmpDir, "layer-" + diffId.Hex + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tmp);
        try
        {
            using (var file = new FileStream(BlobPath(blob), FileMode.Open, FileAccess.Read, FileShare.Read, 81920))
            using (var tar = new DigestingStream(Decompressed(file, compression, _limits.MaxBytes + (_limits.MaxBytes >> 3)), _limits.MaxBytes + (_limits.MaxBytes >> 3), $"layer {blob}"))
            {
                try
                {
                    SafeLayerExtractor.Extract(tar, tmp, blob.ToString(), _limits, _log);
                    var actual = tar.DrainAndHash();
                    if (actual != diffId.Hex) throw new LayerUnpackException($"layer {blob}: its uncompressed content has digest sha256:{actual}, the image config says {diffId}");
                }
                catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ZstdDataException)
                {
                    throw new LayerUnpackException($"layer {blob}: cannot decompress ({e.Message})");
                }
            }
            var bytes = DirectoryBytes(tmp);
            File.WriteAllText(Path.Combine(MetaDir, diffId.Hex), bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.Move(tmp, final);
            // The unpacked layer (checked against its diff ID) is what tasks use: the compressed copy would only double the disk use.
            DeleteBlob(blob);
            return final;
        }
        finally
        {
            if (Directory.Exists(tmp)) Delete(tmp);
        }
    }

    private static Stream Decompressed(Stream file, LayerCompression compression, long maxBytes) => compression switch
    {
        LayerCompression.Gzip => new GZipStream(file, CompressionMode.Decompress, leaveOpen: true),
        LayerCompression.Zstd => new ZstdDecoderStream(file, maxBytes, CancellationToken.None),
        _ => file,
    };

    /// <summary>Marks a layer used now (GC keeps recently used layers).</summary>
    public void Touch(ImageDigest diffId)
    {
        var meta = Path.Combine(MetaDir, diffId.Hex);
        if (File.Exists(meta)) File.SetLastWriteTimeUtc(meta, DateTime.UtcNow);
    }

    /// <summary>The unpacked layers, with their size and last use, for <see cref="LayerGcPlan"/>.</summary>
    public IReadOnlyList<StoredLayer> Layers() =>
        new DirectoryInfo(LayerDir).EnumerateDirectories()
            .Select(d => new FileInfo(Path.Combine(MetaDir, d.Name)))
            .Select(m => new StoredLayer(m.Name, m.Exists && long.TryParse(File.ReadAllText(m.FullName), out var b) ? b : 0, m.Exists ? m.LastWriteTimeUtc.Ticks : 0))
            .ToList();

    /// <summary>Deletes the layers GC chose (and their blobs are left to <see cref="DeleteBlob"/>): never call with a layer in use.</summary>
    public void DeleteLayer(string key)
    {
        if (ImageDigest.Parse("sha256:" + key, out _) is null) return;
        Delete(Path.Combine(LayerDir, key));
        File.Delete(Path.Combine(MetaDir, key));
    }

    public void DeleteBlob(ImageDigest digest) => File.Delete(BlobPath(digest));

    /// <summary>Runs one GC pass and returns what it deleted; layers used since <paramref name="protectUsedSince"/> (UTC ticks) stay.</summary>
    public IReadOnlyList<string> Collect(IReadOnlySet<string> inUse, TimeSpan maxIdle, long maxBytes, TimeProvider clock, long protectUsedSince = long.MaxValue)
    {
        var victims = LayerGcPlan.Victims(Layers(), inUse, clock.GetUtcNow().UtcTicks, maxIdle.Ticks, maxBytes, protectUsedSince);
        foreach (var key in victims)
        {
            DeleteLayer(key);
            _log($"image store: removed unused layer sha256:{key}");
        }
        return victims;
    }

    private static long DirectoryBytes(string dir) =>
        new DirectoryInfo(dir).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
            .Where(f => f.LinkTarget is null).Sum(f => f.Length);

    /// <summary>Deletes a tree without following symlinks (Directory.Delete removes a link, never its target).</summary>
    private static void Delete(string path)
    {
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null) Directory.Delete(path, recursive: true);
        else if (File.Exists(path) || new FileInfo(path).LinkTarget is not null) File.Delete(path);
    }
}
