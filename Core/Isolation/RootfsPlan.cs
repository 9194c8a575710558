namespace MiniMesos.Core.Isolation;

/// <summary>
/// How init enters a task's root filesystem: make the rootfs a mount point (bind onto itself), bind each host
/// path read-only at its place inside, bind the sandbox read-write at <see cref="SandboxInside"/>, mount a fresh
/// /proc, then pivot_root into it (chroot as fallback). Pure: paths in, steps out; init applies them.
/// </summary>
internal static class RootfsPlan
{
    /// <summary>Where the task finds its sandbox (its working directory, stdout and stderr) inside the rootfs.</summary>
    public const string SandboxInside = "/sandbox";

    private static readonly string[] Reserved = ["/", "/proc", SandboxInside];

    /// <summary>
    /// Why a rootfs and its binds cannot be used, as (field, reason), or null when they can. <paramref name="image"/>:
    /// the task runs in an image, whose layers are its rootfs (binds then go into the image's root).
    /// </summary>
    public static (string Field, string Reason)? Invalid(string? rootfs, IReadOnlyDictionary<string, string>? binds, bool image = false)
    {
        if (rootfs is null && !image)
            return binds is { Count: > 0 } ? ("binds", "read-only binds need a rootfs or an image") : null;
        if (rootfs is not null && PathProblem(rootfs) is { } problem) return ("rootfs", problem);
        if (rootfs == "/") return ("rootfs", "must not be / (that is no rootfs)");
        foreach (var (host, inside) in binds ?? new Dictionary<string, string>())
        {
            if (PathProblem(host) is { } hostProblem) return ($"binds.{host}", $"host path {hostProblem}");
            if (PathProblem(inside) is { } insideProblem) return ($"binds.{host}", $"path inside {insideProblem}");
            if (Reserved.Contains(inside) || inside.StartsWith("/proc/", StringComparison.Ordinal) || inside.StartsWith(SandboxInside + "/", StringComparison.Ordinal))
                return ($"binds.{host}", $"path inside must not be /, /proc or {SandboxInside} (or below /proc or {SandboxInside})");
        }
        var insides = (binds ?? new Dictionary<string, string>()).Values.ToList();
        if (insides.Distinct(StringComparer.Ordinal).Count() != insides.Count) return ("binds", "two binds share one path inside");
        return null;
    }

    /// <summary>The mounts, in order (a bind inside another bind comes after it). Call only after <see cref="Invalid"/> said null.</summary>
    public static IReadOnlyList<MountStep> Build(string rootfs, string sandboxDir, IReadOnlyDictionary<string, string>? binds)
    {
        var steps = new List<MountStep> { new(MountKind.BindWritable, rootfs, rootfs) };
        foreach (var (host, inside) in (binds ?? new Dictionary<string, string>()).OrderBy(b => b.Value.Length).ThenBy(b => b.Value, StringComparer.Ordinal))
            steps.Add(new MountStep(MountKind.BindReadOnly, host, Inside(rootfs, inside)));
        steps.Add(new MountStep(MountKind.BindWritable, sandboxDir, Inside(rootfs, SandboxInside)));
        steps.Add(new MountStep(MountKind.Proc, "proc", Inside(rootfs, "/proc")));
        return steps;
    }

    private static string Inside(string rootfs, string inside) => rootfs.TrimEnd('/') + inside;

    private static string? PathProblem(string path)
    {
        if (path.Length == 0 || path[0] != '/') return $"'{path}' must be an absolute path";
        if (path.Contains('\0') || path.Contains(':')) return $"'{path}' must not contain NUL or ':'";
        var parts = path.Split('/');
        if (parts.Any(p => p is "." or "..")) return $"'{path}' must not contain . or .. components";
        if (path.Length > 1 && (path.EndsWith('/') || path.Contains("//"))) return $"'{path}' must be normalised (no trailing or double /)";
        return null;
    }
}
