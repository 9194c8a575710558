using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// Applies a <see cref="RootfsPlan"/> in init (root, in the task's own mount namespace, / already rprivate):
/// the mounts, then pivot_root into the rootfs (chroot when pivot_root fails). Every mount lives only in the
/// task's namespace, so they all go away with it.
/// </summary>
internal static class TaskInitRootfs
{
    /// <summary>Agent side, before init starts: the rootfs and every bind source (into it or an image) must exist on this host.</summary>
    public static void CheckExists(string? rootfs, IReadOnlyDictionary<string, string>? binds)
    {
        if (rootfs is not null && !Directory.Exists(rootfs)) throw new TaskLaunchException($"rootfs '{rootfs}' is not a directory on this agent");
        foreach (var host in (binds ?? new Dictionary<string, string>()).Keys)
            if (!Path.Exists(host)) throw new TaskLaunchException($"binds: host path '{host}' does not exist on this agent");
    }

    public static void Enter(string rootfs, IReadOnlyList<MountStep> steps)
    {
        foreach (var step in steps) Apply(rootfs, step);
        LibcError.Check(Unistd.chdir(rootfs), "chdir", rootfs);
        // pivot_root(".", "."): the old root ends up stacked on the new one and is detached at once (no put_old dir needed).
        if (PivotRoot.pivot_root(".", ".") == 0)
            LibcError.Check(Mount.umount2(".", Mount.MNT_DETACH), "umount the old root");
        else
            LibcError.Check(Unistd.chroot("."), "chroot", rootfs);
        LibcError.Check(Unistd.chdir("/"), "chdir / in the rootfs");
    }

    private static void Apply(string rootfs, MountStep step)
    {
        if (step.Target != rootfs) MakeMountPoint(rootfs, step.Target, step.Kind != MountKind.Proc && File.Exists(step.Source));
        switch (step.Kind)
        {
            case MountKind.Proc:
                LibcError.Check(Mount.mount("proc", step.Target, "proc", Mount.MS_NOSUID | Mount.MS_NODEV | Mount.MS_NOEXEC, 0), "mount proc at " + step.Target);
                break;
            case MountKind.BindWritable:
                LibcError.Check(Mount.mount(step.Source, step.Target, null, Mount.MS_BIND | Mount.MS_REC, 0), "bind " + step.Source + " at " + step.Target);
                break;
            case MountKind.BindReadOnly:
                LibcError.Check(Mount.mount(step.Source, step.Target, null, Mount.MS_BIND | Mount.MS_REC, 0), "bind " + step.Source + " at " + step.Target);
                // A bind takes its flags only from a remount.
                LibcError.Check(Mount.mount(null, step.Target, null, Mount.MS_REMOUNT | Mount.MS_BIND | Mount.MS_RDONLY | Mount.MS_NOSUID | Mount.MS_NODEV, 0),
                    "remount " + step.Target + " read-only");
                break;
        }
    }

    /// <summary>Creates the mount point inside the rootfs, refusing symlinks on the way (they could point out of it).</summary>
    private static void MakeMountPoint(string rootfs, string target, bool file)
    {
        var current = rootfs.TrimEnd('/');
        var parts = target[current.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            current += "/" + parts[i];
            var info = new FileInfo(current);
            if (info.LinkTarget is not null) throw new InvalidOperationException($"mount point {current} in the rootfs is a symlink");
            var last = i == parts.Length - 1;
            if (last && file)
            {
                if (!info.Exists) File.WriteAllBytes(current, []);
            }
            else if (!Directory.Exists(current))
            {
                Directory.CreateDirectory(current);
            }
        }
    }
}
