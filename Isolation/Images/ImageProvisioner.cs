using System.Security.Cryptography;
using MiniMesos.Core.Images;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// Turns a local image reference (oci:, oci-archive:, docker-archive:) into unpacked layers in the
/// <see cref="LayerStore"/> and the image config: manifests resolved to <see cref="Platform"/>, every blob copied into
/// the store only if its digest is right, every layer unpacked once. Registry references are not supported yet.
/// </summary>
internal sealed class ImageProvisioner(LayerStore store, string scratchRoot, OciPlatform platform, long maxImageBytes = 32L << 30)
{
    private const int MaxJson = ImageDocuments.MaxDocumentBytes;

    public OciPlatform Platform { get; } = platform;

    public async Task<ProvisionedImage> ProvisionAsync(ImageReference reference, CancellationToken ct)
    {
        var what = $"image {reference}";
        using var files = reference.Transport switch
        {
            ImageTransport.OciLayout => LocalImageFiles.Directory(reference.Path!, what),
            ImageTransport.OciArchive or ImageTransport.DockerArchive => LocalImageFiles.Archive(reference.Path!, Path.Combine(scratchRoot, Guid.NewGuid().ToString("N")), maxImageBytes, what),
            _ => throw new LayerUnpackException($"{what}: pulling from registries is not supported yet; use oci:, oci-archive: or docker-archive:"),
        };
        var (id, config, layers) = reference.Transport == ImageTransport.DockerArchive ? FromDockerArchive(files, what) : FromOciLayout(files, reference.Tag, what);
        var dirs = new List<string>();
        foreach (var layer in layers)
        {
            if (!store.HasBlob(layer.Blob))
                await using (var blob = files.Open(layer.SourceName))
                    await store.AddBlobAsync(blob, layer.Blob, layer.Size, maxImageBytes, ct);
            dirs.Add(await store.UnpackAsync(layer.Blob, layer.DiffId, layer.Compression));
        }
        return new ProvisionedImage(reference, id, config, dirs, layers.Select(l => l.DiffId).ToList());
    }

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
            var magic = new byte[2];
            var gzip = stream.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            stream.Position = 0;
            var blob = new ImageDigest(Convert.ToHexStringLower(SHA256.HashData(stream)));
            return new ImageLayer(name, blob, null, gzip ? LayerCompression.Gzip : LayerCompression.None, Digest(diffIds[i], what));
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
