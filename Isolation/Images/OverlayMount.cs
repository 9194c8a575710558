using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// In a task's init (root, in the task's own mount namespace, / already rprivate): stacks the image's unpacked layers
/// under the task's own upper dir with overlayfs at OVERLAY/mnt, then gives it a minimal /dev (a tmpfs holding binds
/// of the host's null, zero, full, random, urandom and tty, the usual symlinks, and /dev/shm for the private one), as a
/// container runtime does. Every mount lives only in the task's namespace and goes away with it; the
/// layer dirs stay read-only (overlayfs never writes to a lower dir).
/// </summary>
internal static class OverlayMount
{
    public const string Upper = "upper";
    public const string Work = "work";
    public const string Merged = "mnt";

    private static readonly string[] Devices = ["null", "zero", "full", "random", "urandom", "tty"];

    /// <summary>Mounts the overlay and /dev; returns the merged root to enter.</summary>
    public static string Mount(string overlayDir, IReadOnlyList<string> layersBottomFirst)
    {
        var merged = Path.Combine(overlayDir, Merged);
        // overlayfs lists the top layer first. Paths relative to the store's layer dir keep the option string short
        // (it must fit one page): every layer dir has the same parent.
        var parent = Path.GetDirectoryName(layersBottomFirst[0])!;
        if (layersBottomFirst.Any(l => Path.GetDirectoryName(l) != parent)) throw new InvalidOperationException("image layers must share one store directory");
        LibcError.Check(Unistd.chdir(parent), "chdir", parent);
        var lower = string.Join(':', layersBottomFirst.Reverse().Select(Path.GetFileName));
        var options = $"lowerdir={lower},upperdir={Path.Combine(overlayDir, Upper)},workdir={Path.Combine(overlayDir, Work)}";
        LibcError.Check(Libc.Mount.mount_with_options("overlay", merged, "overlay", Libc.Mount.MS_NOSUID | Libc.Mount.MS_NODEV, options),
            "mount the image's overlayfs at", merged);
        MountDev(merged);
        return merged;
    }

    private static void MountDev(string merged)
    {
        var dev = merged + "/dev";
        // The image's /dev (if any) is hidden, not followed: a symlink there is replaced in the upper dir first.
        if (new FileInfo(dev).LinkTarget is not null || File.Exists(dev)) File.Delete(dev);
        Directory.CreateDirectory(dev);
        LibcError.Check(Libc.Mount.mount_with_options("tmpfs", dev, "tmpfs", Libc.Mount.MS_NOSUID | Libc.Mount.MS_NOEXEC, "mode=755,size=65536"),
            "mount a tmpfs at", dev);
        foreach (var name in Devices)
        {
            var target = dev + "/" + name;
            if (!File.Exists("/dev/" + name)) continue;
            File.WriteAllBytes(target, []);
            LibcError.Check(Libc.Mount.mount("/dev/" + name, target, null, Libc.Mount.MS_BIND, 0), "bind /dev/" + name + " at", target);
        }
        foreach (var (link, to) in new[] { ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2") })
            File.CreateSymbolicLink(dev + "/" + link, to);
        Directory.CreateDirectory(dev + "/shm");
    }

    /// <summary>The working directory inside the image, made (as root, inside the merged root) when the image lacks it, as Docker does.</summary>
    public static void EnterWorkDir(string workDir)
    {
        if (!Directory.Exists(workDir)) Directory.CreateDirectory(workDir, (UnixFileMode)0b111_101_101);
        LibcError.Check(Unistd.chdir(workDir), "chdir to the image's working directory", workDir);
    }
}
