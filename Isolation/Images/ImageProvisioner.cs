using System.Security.Cryptography;
using MiniMesos.Core.Images;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// Turns an image reference (a registry's, or a local oci:, oci-archive:, docker-archive:) into unpacked layers in the
/// <see cref="LayerStore"/> and the image config: manifests resolved to <see cref="Platform"/>, every manifest, config
/// and blob checked against its digest (a blob enters the store only if it has its digest), every layer unpacked once.
/// A pull from a registry is bounded in time (<see cref="RegistryOptions.PullTimeout"/>) and size; progress is reported.
/// </summary>
internal sealed class ImageProvisioner(LayerStore store, string scratchRoot, OciPlatform platform, long maxImageBytes = 32L << 30,
    RegistryClient? registry = null, TimeSpan? pullTimeout = null)
{
    private const int MaxJson = ImageDocuments.MaxDocumentBytes;

    public OciPlatform Platform { get; } = platform;

    public async Task<ProvisionedImage> ProvisionAsync(ImageReference reference, CancellationToken ct, Action<string>? progress = null)
    {
        var what = $"image {reference}";
        if (reference.Transport == ImageTransport.Registry) return await PullAsync(reference, what, progress ?? (_ => { }), ct).ConfigureAwait(false);
        using var files = reference.Transport switch
        {
            ImageTransport.OciLayout => LocalImageFiles.Directory(reference.Path!, what),
            ImageTransport.OciArchive or ImageTransport.DockerArchive => LocalImageFiles.Archive(reference.Path!, Path.Combine(scratchRoot, Guid.NewGuid().ToString("N")), maxImageBytes, what),
            _ => throw new LayerUnpackException($"{what}: not a local source"),
        };
        var (id, config, layers) = reference.Transport == ImageTransport.DockerArchive ? FromDockerArchive(files, what) : FromOciLayout(files, reference.Tag, what);
        var dirs = new List<string>();
        foreach (var layer in layers)
        {
            if (!store.HasBlob(layer.Blob) && !Directory.Exists(store.LayerPath(layer.DiffId)))
                await using (var blob = files.Open(layer.SourceName))
                    await store.AddBlobAsync(blob, layer.Blob, layer.Size, maxImageBytes, ct);
            dirs.Add(await store.UnpackAsync(layer.Blob, layer.DiffId, layer.Compression));
        }
        return new ProvisionedImage(reference, id, config, dirs, layers.Select(l => l.DiffId).ToList());
    }

    private async Task<ProvisionedImage> PullAsync(ImageReference reference, string what, Action<string> progress, CancellationToken ct)
    {
        if (registry is null) throw new LayerUnpackException($"{what}: this agent does not pull from registries");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(pullTimeout ?? TimeSpan.FromMinutes(30));
        try
        {
            progress($"pulling {what}: manifest");
            var (body, mediaType) = await registry.ManifestAsync(reference, reference.ManifestReference!, timeout.Token).ConfigureAwait(false);
            var id = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
            if (reference.Digest is { } pinned && id != pinned.ToString())
                throw new LayerUnpackException($"{what}: the registry's manifest has digest {id}, not {pinned} (corrupt or tampered)");
            var type = mediaType is not null && (OciMediaTypes.IsIndex(mediaType) || OciMediaTypes.IsManifest(mediaType)) ? mediaType : ImageDocuments.MediaType(body);
            if (OciMediaTypes.IsIndex(type))
            {
                var index = ImageDocuments.Index(body, $"{what}: index", out var indexError) ?? throw new LayerUnpackException(indexError);
                var chosen = PlatformSelector.Select(index, Platform, out indexError) ?? throw new LayerUnpackException($"{what}: {indexError}");
                (body, _) = await registry.ManifestAsync(reference, chosen.Digest, timeout.Token).ConfigureAwait(false);
                id = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
                if (id != chosen.Digest) throw new LayerUnpackException($"{what}: manifest {chosen.Digest} has digest {id} (corrupt or tampered)");
            }
            var manifest = ImageDocuments.Manifest(body, $"{what}: manifest {id}", out var error) ?? throw new LayerUnpackException(error);
            var configDigest = Digest(manifest.Config!.Digest, what);
            byte[] configBytes;
            await using (var blob = await registry.BlobAsync(reference, configDigest, timeout.Token).ConfigureAwait(false))
            using (var memory = new MemoryStream())
            {
                await using var bounded = new DigestingStream(blob, MaxJson, $"{what}: config {configDigest}");
                await bounded.CopyToAsync(memory, timeout.Token).ConfigureAwait(false);
                if (bounded.DrainAndHash() != configDigest.Hex) throw new LayerUnpackException($"{what}: config {configDigest} does not have that digest (corrupt or tampered)");
                configBytes = memory.ToArray();
            }
            var config = ImageDocuments.Config(configBytes, $"{what}: config {configDigest}", out error) ?? throw new LayerUnpackException(error);
            CheckPlatform(config, what);
            var diffIds = config.Rootfs?.DiffIds ?? [];
            if (diffIds.Count != manifest.Layers!.Count) throw new LayerUnpackException($"{what}: the manifest has {manifest.Layers.Count} layers but the config {diffIds.Count} diff IDs");
            var layers = manifest.Layers.Select((l, i) =>
                new ImageLayer(l.Digest, Digest(l.Digest, what), l.Size, OciMediaTypes.CompressionOf(l.MediaType)!.Value, Digest(diffIds[i], what))).ToList();
            if (layers.Sum(l => l.Size ?? 0) > maxImageBytes) throw new LayerUnpackException($"{what}: its layers are larger than {maxImageBytes} bytes together");
            var dirs = new List<string>();
            for (var i = 0; i < layers.Count; i++)
            {
                var (layer, nth) = (layers[i], $"layer {i + 1}/{layers.Count}");
                if (!store.HasBlob(layer.Blob) && !Directory.Exists(store.LayerPath(layer.DiffId)))
                {
                    progress($"pulling {what}: {nth} ({Mib(layer.Size ?? 0)})");
                    await using var blob = await registry.BlobAsync(reference, layer.Blob, timeout.Token, layer.Size,
                        message => progress($"pulling {what}: {nth}: {message}")).ConfigureAwait(false);
                    await store.AddBlobAsync(blob, layer.Blob, layer.Size, maxImageBytes, timeout.Token).ConfigureAwait(false);
                }
                progress($"pulling {what}: unpacking {nth}");
                dirs.Add(await store.UnpackAsync(layer.Blob, layer.DiffId, layer.Compression).ConfigureAwait(false));
            }
            return new ProvisionedImage(reference, id, config, dirs, layers.Select(l => l.DiffId).ToList());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new LayerUnpackException($"{what}: the pull took longer than {pullTimeout ?? TimeSpan.FromMinutes(30)}");
        }
        catch (HttpRequestException e)
        {
            throw new LayerUnpackException($"{what}: cannot reach {reference.RegistryHost}: {e.Message}");
        }
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MiB";

    private (string Id, OciImageConfig Config, List<ImageLayer> Layers) FromOciLayout(LocalImageFiles files, string? tag, string what)
    {
        var index = ImageDocuments.Index(files.ReadSmall("index.json", MaxJson), what + ": index.json", out var error) ?? throw new LayerUnpackException(error);
        var entries = index.Manifests ?? [];
        var candidates = tag is null ? entries : entries.Where(m => m.Annotations?.GetValueOrDefault(OciDescriptor.RefNameAnnotation) == tag).ToList();
        if (candidates.Count == 0)
            throw new LayerUnpackException(tag is null ? $"{what}: the layout holds no image" : $"{what}: the layout has no image tagged '{tag}'");
        var descriptor = candidates.Count == 1 ? candidates[0] : PlatformSelector.Select(new OciIndex(2, null, candidates), Platform, out error)
            ?? throw new LayerUnpackException($"{what}: {error} (name the tag: oci:DIR:TAG)");
        for (var depth = 0; OciMediaTypes.IsIndex(descriptor.MediaType); depth++)
        {
            if (depth > 2) throw new LayerUnpackException($"{what}: indexes nest too deep");
            var nested = ImageDocuments.Index(ReadBlob(files, descriptor, what), $"{what}: index {descriptor.Digest}", out error) ?? throw new LayerUnpackException(error);
            descriptor = PlatformSelector.Select(nested, Platform, out error) ?? throw new LayerUnpackException($"{what}: {error}");
        }
        var manifest = ImageDocuments.Manifest(ReadBlob(files, descriptor, what), $"{what}: manifest {descriptor.Digest}", out error) ?? throw new LayerUnpackException(error);
        var config = ImageDocuments.Config(ReadBlob(files, manifest.Config!, what), $"{what}: config {manifest.Config!.Digest}", out error) ?? throw new LayerUnpackException(error);
        CheckPlatform(config, what);
        var diffIds = config.Rootfs?.DiffIds ?? [];
        if (diffIds.Count != manifest.Layers!.Count) throw new LayerUnpackException($"{what}: the manifest has {manifest.Layers.Count} layers but the config {diffIds.Count} diff IDs");
        var layers = manifest.Layers.Select((l, i) =>
        {
            var blob = Digest(l.Digest, what);
            return new ImageLayer("blobs/sha256/" + blob.Hex, blob, l.Size, OciMediaTypes.CompressionOf(l.MediaType)!.Value, Digest(diffIds[i], what));
        }).ToList();
        return (descriptor.Digest, config, layers);
    }

    private (string Id, OciImageConfig Config, List<ImageLayer> Layers) FromDockerArchive(LocalImageFiles files, string what)
    {
        var json = files.ReadSmall("manifest.json", MaxJson);
        List<DockerArchiveEntry>? entries;
        try { entries = System.Text.Json.JsonSerializer.Deserialize(json, OciJsonContext.Default.ListDockerArchiveEntry); }
        catch (System.Text.Json.JsonException e) { throw new LayerUnpackException($"{what}: manifest.json is not valid ({e.Message})"); }
        if (entries is not { Count: 1 }) throw new LayerUnpackException($"{what}: manifest.json must describe exactly one image (it has {entries?.Count ?? 0})");
        var entry = entries[0];
        var configBytes = files.ReadSmall(entry.Config, MaxJson);
        var config = ImageDocuments.Config(configBytes, $"{what}: config {entry.Config}", out var error) ?? throw new LayerUnpackException(error);
        CheckPlatform(config, what);
        var diffIds = config.Rootfs?.DiffIds ?? [];
        if (diffIds.Count != entry.Layers.Count) throw new LayerUnpackException($"{what}: manifest.json has {entry.Layers.Count} layers but the config {diffIds.Count} diff IDs");
        var layers = entry.Layers.Select((name, i) =>
        {
            // Layers in a docker archive are named by path, not digest: hash them (the store checks again as it copies).
            using var stream = files.Open(name);
            var magic = new byte[4];
            var n = stream.Read(magic);
            var compression = n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b ? LayerCompression.Gzip
                : n == 4 && magic is [0x28, 0xb5, 0x2f, 0xfd] ? LayerCompression.Zstd : LayerCompression.None;
            stream.Position = 0;
            var blob = new ImageDigest(Convert.ToHexStringLower(SHA256.HashData(stream)));
            return new ImageLayer(name, blob, null, compression, Digest(diffIds[i], what));
        }).ToList();
        return ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(configBytes)), config, layers);
    }

    private void CheckPlatform(OciImageConfig config, string what)
    {
        if (config.Architecture is { } arch && arch != Platform.Architecture)
            throw new LayerUnpackException($"{what}: the image is for {config.Os}/{arch}, this agent is {Platform}");
    }

    /// <summary>A small blob (manifest, index, config) read from the source and checked against its digest.</summary>
    private static byte[] ReadBlob(LocalImageFiles files, OciDescriptor descriptor, string what)
    {
        var digest = Digest(descriptor.Digest, what);
        var bytes = files.ReadSmall("blobs/sha256/" + digest.Hex, MaxJson);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != digest.Hex)
            throw new LayerUnpackException($"{what}: blob {digest} does not have that digest (corrupt or tampered)");
        return bytes;
    }

    private static ImageDigest Digest(string text, string what) =>
        ImageDigest.Parse(text, out var error) ?? throw new LayerUnpackException($"{what}: {error}");
}
