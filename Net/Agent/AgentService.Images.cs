using System.Globalization;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Images;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Images;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Tasks run from an image (issue 21): the image is provisioned into the agent's store (workDir/images), the command
/// and environment come from its config by <see cref="ImageLaunchPlan"/>, and the task gets an overlay dir of its own
/// in its root-only meta dir (see <see cref="ImageRootfsFiles"/>). Which layers each task uses is recorded there
/// too, so that after a restart the store's GC still leaves a reattached task's layers alone.
/// </summary>
internal sealed partial class AgentService
{
    private const string ImageFile = "image";
    private const string OverlayDirName = "rootfs";
    private ImageCache? _images;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<string>> _taskLayers = new(StringComparer.Ordinal);

    /// <summary>The agent's image store, made on first use.</summary>
    public ImageCache Images => LazyInitializer.EnsureInitialized(ref _images,
        () => new ImageCache(Path.Combine(workDir, "images"), m => logger.LogInformation("{Message}", m), registry: Registry));

    /// <summary>How this agent pulls from registries (set before the first image task).</summary>
    public RegistryOptions Registry { get; set; } = RegistryOptions.Default;

    /// <summary>What an image task runs: argv, environment, user (name or per-task/image uid) and its rootfs.</summary>
    private sealed record ImageStart(IReadOnlyList<string> Argv, Dictionary<string, string> Env, string? User, uint? Uid, ImageRootfs Rootfs, string? Note);

    private async Task<ImageStart> PrepareImageAsync(LaunchTask launch, Dictionary<string, string> env, string? user, TaskNetwork network)
    {
        var image = launch.Image!;
        var reference = ImageReference.Parse(image.Reference, out var refError) ?? throw new TaskLaunchException(refError);
        var what = $"image {reference}";
        if (!launcher.Capabilities.Namespaces) throw new TaskLaunchException($"{what}: running an image needs isolation (the agent as root), which this agent does not have");
        if (launch.Rootfs is not null) throw new TaskLaunchException($"{what}: a task runs in an image or in a rootfs, not both");
        Update(launch.TaskId, Core.Model.TaskState.Starting, null, null, $"provisioning {what}");
        ProvisionedImage provisioned;
        try
        {
            provisioned = await Images.GetAsync(reference, image.ForcePull, CancellationToken.None, message =>
            {
                logger.LogInformation("task {Task}: {Progress}", launch.TaskId, message);
                Update(launch.TaskId, Core.Model.TaskState.Starting, null, null, message);
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LayerUnpackException or IOException or UnauthorizedAccessException or System.Net.Http.HttpRequestException or TimeoutException)
        {
            throw new TaskLaunchException(e.Message.StartsWith("image ", StringComparison.Ordinal) ? e.Message : $"{what}: {e.Message}");
        }
        // GetAsync acquired the layers for this task: from here on a failed start releases them (ReleaseImage).
        var layers = provisioned.DiffIds.Select(d => d.Hex).ToList();
        _taskLayers[launch.TaskId] = layers;
        var plan = ImageLaunchPlan.Build(provisioned.Config.Config, image.Shell ? launch.Argv.FirstOrDefault() : null, image.Shell ? null : launch.Argv, env,
            image.Style, out var planError) ?? throw new TaskLaunchException($"{what}: {planError}");
        if (LaunchText.Invalid(null, plan.Argv, plan.Env, null, "argv") is { } text) throw new TaskLaunchException($"{what}: {text.Field}: {text.Reason}");
        var (runAs, uid, note) = ImageUser(launch.TaskId, user, plan.User);
        var meta = MetaDir(launch.TaskId);
        File.WriteAllLines(Path.Combine(meta, ImageFile), [provisioned.Reference.ToString(), provisioned.Id, .. layers]);
        var overlay = Path.Combine(meta, OverlayDirName);
        ImageRootfsFiles.Prepare(overlay, TaskInitOptions.HostnameOf(launch.TaskId), network == TaskNetwork.Host);
        return new ImageStart(plan.Argv, new Dictionary<string, string>(plan.Env, StringComparer.Ordinal), runAs, uid,
            new ImageRootfs(overlay, provisioned.LayerDirs, plan.WorkingDir), note);
    }

    /// <summary>
    /// Who an image task runs as: the user the task named (checked as for any task); else the image's User when this
    /// agent allows it (--allowed-users; a number runs as that uid and gid, a name must exist on the agent); else the
    /// task's own per-task uid, as for any other task, with a note saying the image's user was not used.
    /// </summary>
    private (string? User, uint? Uid, string? Note) ImageUser(string taskId, string? taskUser, string? imageUser)
    {
        if (taskUser is not null) return (taskUser, null, null);
        if (imageUser is not null)
        {
            var name = imageUser.Split(':')[0];
            if (users.Allowed.Contains(name, StringComparer.Ordinal) || users.Allowed.Contains(imageUser, StringComparer.Ordinal))
            {
                if (uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return (null, number, null);
                var passwd = File.Exists("/etc/passwd") ? File.ReadAllText("/etc/passwd") : null;
                var (decided, refusal) = users.Decide(name, passwd);
                if (refusal is null) return (decided, null, null);
            }
            var uid = TaskUid(taskId);
            return (null, uid, $"the image's user '{imageUser}' is not allowed on this agent (--allowed-users): running as the task's own uid {uid}");
        }
        return (null, TaskUid(taskId), null);
    }

    /// <summary>
    /// One GC pass of the image store: layers no running task uses that were idle longer than <paramref name="maxIdle"/>,
    /// then, while the work dir's disk has less than <paramref name="minFreeFraction"/> free, the least recently used
    /// others. Returns the diff IDs (hex) removed.
    /// </summary>
    public IReadOnlyList<string> CollectImages(DateTimeOffset now, TimeSpan maxIdle, double minFreeFraction)
    {
        if (_images is null && !Directory.Exists(Path.Combine(workDir, "images"))) return [];
        var store = Images.Store;
        var total = store.Layers().Sum(l => l.Bytes);
        var drive = new DriveInfo(Path.GetFullPath(workDir));
        var deficit = (long)(drive.TotalSize * minFreeFraction) - drive.AvailableFreeSpace;
        var budget = deficit > 0 ? Math.Max(0, total - deficit) : long.MaxValue;
        return store.Collect(Images.InUse(), maxIdle, budget, new FixedClock(now), Images.ProvisioningSince());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>The task's end: its layers may be collected again.</summary>
    private void ReleaseImage(string taskId)
    {
        if (_taskLayers.TryRemove(taskId, out var layers)) _images?.Release(layers);
    }

    /// <summary>After a restart: a reattached image task holds its layers again.</summary>
    private void ReclaimImage(string taskId)
    {
        var path = Path.Combine(MetaDir(taskId), ImageFile);
        if (!File.Exists(path)) return;
        var layers = File.ReadAllLines(path).Skip(2).Where(l => ImageDigest.Parse("sha256:" + l, out _) is not null).ToList();
        Images.Acquire(layers);
        _taskLayers[taskId] = layers;
    }
}
