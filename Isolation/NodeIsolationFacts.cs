using System.Runtime.InteropServices;
using MiniMesos.Core.Doctor;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Cgroups;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// The isolation side of `minimesos doctor`'s facts, read without changing anything: root, cgroup v2 and its
/// controllers, this process's cgroup, namespaces, the kernel command line, the clock state, the dlopen'ed libraries.
/// </summary>
internal static class NodeIsolationFacts
{
    private static readonly string[] NamespaceKinds = ["pid", "mnt", "uts", "ipc", "net"];
    private static readonly string[] DlopenLibraries = ["libssl.so.3", "libcrypto.so.3"];

    public static NodeFacts Gather()
    {
        var mount = CgroupPaths.FindCgroup2Mount(CgroupFile.TryRead("/proc/self/mountinfo") ?? "");
        var own = CgroupPaths.FindOwnCgroup(CgroupFile.TryRead("/proc/self/cgroup") ?? "");
        var ownDir = mount is null || own is null ? null : Path.Join(mount, own);
        return new NodeFacts
        {
            IsRoot = Unistd.geteuid() == 0,
            Cgroup2Mounted = mount is not null,
            KernelControllers = mount is null ? [] : CgroupFile.ReadWords(Path.Join(mount, "cgroup.controllers")).ToList(),
            OwnCgroup = own,
            OwnControllers = ownDir is null ? [] : CgroupFile.ReadWords(Path.Join(ownDir, "cgroup.controllers")).ToList(),
            OwnCgroupWritable = ownDir is not null && Unistd.access(ownDir, Unistd.WOk) == 0
                && Unistd.access(Path.Join(ownDir, "cgroup.subtree_control"), Unistd.WOk) == 0,
            KernelCommandLine = (CgroupFile.TryRead("/proc/cmdline") ?? "").Trim(),
            IsRaspberryPi = (CgroupFile.TryRead("/proc/device-tree/model") ?? "").Contains("Raspberry Pi", StringComparison.Ordinal),
            MissingNamespaces = NamespaceKinds.Where(k => !NamespaceUsable(k)).ToList(),
            ClockSynchronised = Timex.Synchronised(),
            MissingLibraries = DlopenLibraries.Where(l => !Loads(l)).ToList(),
        };
    }

    /// <summary>The kernel has the kind (/proc/self/ns/KIND) and does not limit it to none (user.max_KIND_namespaces).</summary>
    private static bool NamespaceUsable(string kind)
    {
        if (!File.Exists($"/proc/self/ns/{kind}")) return false;
        var limit = CgroupFile.TryRead($"/proc/sys/user/max_{kind}_namespaces")?.Trim();
        return limit is null || !long.TryParse(limit, out var max) || max > 0;
    }

    private static bool Loads(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
