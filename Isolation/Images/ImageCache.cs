using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using MiniMesos.Core.Images;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// An agent's images: one <see cref="LayerStore"/> under <c>root</c> and the provisioner that fills it. Concurrent
/// requests for one image (tasks of one app starting together) share one provisioning. An image provisioned before is
/// used again without reading its source while its layers are still in the store (and, for a local source, the file or
/// layout's index is unchanged), as Docker's pull-if-missing does; forcePull reads the source again. The images in use by running
/// tasks are counted (<see cref="Acquire"/>/<see cref="Release"/>) so that GC never takes their layers: <see cref="GetAsync"/>
/// acquires the image's layers before it returns (the caller releases them if the task does not start), and while it
/// runs, every layer used since it began is protected (<see cref="ProvisioningSince"/>), since a layer is unpacked or
/// touched one by one before the image is whole.
/// </summary>
internal sealed class ImageCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ProvisionedImage>>> _inflight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inUse = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Stamp, ProvisionedImage Image)> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, long> _provisioning = new();
    private long _nextProvisioning;
    private readonly ImageProvisioner _provisioner;
    private readonly RegistryClient _registry;

    public ImageCache(string root, Action<string> log, OciPlatform? platform = null, LayerLimits? limits = null, RegistryOptions? registry = null)
    {
        var options = registry ?? RegistryOptions.Default;
        _registry = new RegistryClient(options);
        Store = new LayerStore(Path.Combine(root, "store"), limits ?? new LayerLimits(), log);
        Directory.CreateDirectory(Path.Combine(root, "scratch"));
        foreach (var stale in Directory.GetDirectories(Path.Combine(root, "scratch"))) Directory.Delete(stale, recursive: true);
        Platform = platform ?? HostPlatform();
        _provisioner = new ImageProvisioner(Store, Path.Combine(root, "scratch"), Platform, registry: _registry, pullTimeout: options.PullTimeout);
    }

    public void Dispose() => _registry.Dispose();

    public LayerStore Store { get; }

    public OciPlatform Platform { get; }

    /// <summary>The platform images are chosen for: this process's architecture (arm is taken as v7).</summary>
    public static OciPlatform HostPlatform() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => new OciPlatform("amd64", "linux"),
        Architecture.Arm64 => new OciPlatform("arm64", "linux"),
        Architecture.Arm => new OciPlatform("arm", "linux", "v7"),
        Architecture.X86 => new OciPlatform("386", "linux"),
        var other => new OciPlatform(other.ToString().ToLowerInvariant(), "linux"),
    };

    /// <summary>
    /// The image ready to run, its layers acquired for the caller (<see cref="Release"/> them if the task does not start):
    /// provisioned once however many ask at the same time.
    /// </summary>
    public async Task<ProvisionedImage> GetAsync(ImageReference reference, bool forcePull, CancellationToken ct, Action<string>? progress = null)
    {
        var id = Interlocked.Increment(ref _nextProvisioning);
        // Layer use times are the store's file times (wall clock), so the mark is too; a second of slack covers their granularity.
        _provisioning[id] = DateTime.UtcNow.Ticks - TimeSpan.TicksPerSecond;
        try
        {
            var image = await ProvisionAsync(reference, forcePull, ct, progress).ConfigureAwait(false);
            Acquire(image.DiffIds.Select(d => d.Hex));
            return image;
        }
        finally
        {
            _provisioning.TryRemove(id, out _);
        }
    }

    /// <summary>GC keeps every layer used at or after this (UTC ticks): the start of the oldest provisioning in flight.</summary>
    public long ProvisioningSince() => _provisioning.IsEmpty ? long.MaxValue : _provisioning.Values.DefaultIfEmpty(long.MaxValue).Min();

    private async Task<ProvisionedImage> ProvisionAsync(ImageReference reference, bool forcePull, CancellationToken ct, Action<string>? progress)
    {
        var key = reference.ToString();
        var stamp = Stamp(reference);
        if (!forcePull && _known.TryGetValue(key, out var known) && known.Stamp == stamp && known.Image.LayerDirs.All(Directory.Exists))
        {
            foreach (var diffId in known.Image.DiffIds) Store.Touch(diffId);
            return known.Image;
        }
        var work = _inflight.GetOrAdd(key, _ => new Lazy<Task<ProvisionedImage>>(() => Task.Run(() => _provisioner.ProvisionAsync(reference, CancellationToken.None, progress))));
        try
        {
            var image = await work.Value.WaitAsync(ct).ConfigureAwait(false);
            _known[key] = (stamp, image);
            return image;
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<ProvisionedImage>>>(key, work));
        }
    }

    /// <summary>What tells a local source changed: its file's (or layout index's) size and modification time.</summary>
    private static string Stamp(ImageReference reference)
    {
        if (reference.Path is null) return "";
        var info = new FileInfo(reference.Transport == ImageTransport.OciLayout ? Path.Combine(reference.Path, "index.json") : reference.Path);
        return info.Exists ? $"{info.Length}:{info.LastWriteTimeUtc.Ticks}" : "missing";
    }

    /// <summary>A task now uses these layers (diff ID hex): GC leaves them alone until <see cref="Release"/>.</summary>
    public void Acquire(IEnumerable<string> layers)
    {
        foreach (var layer in layers) _inUse.AddOrUpdate(layer, 1, (_, n) => n + 1);
    }

    public void Release(IEnumerable<string> layers)
    {
        foreach (var layer in layers)
            if (_inUse.AddOrUpdate(layer, 0, (_, n) => n - 1) <= 0) _inUse.TryRemove(new KeyValuePair<string, int>(layer, 0));
    }

    public IReadOnlySet<string> InUse() => _inUse.Where(kv => kv.Value > 0).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
}
