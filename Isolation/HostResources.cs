using System.Runtime.InteropServices;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Cgroups;

namespace MiniMesos.Isolation;

/// <summary>Sizes this host for the agent: cpus and memory honour the agent's cgroup limits, disk is the work dir's free space.</summary>
internal static class HostResources
{
    public static AgentResources Detect(string workDir, int portsBegin = AgentResources.DefaultPortsBegin, int portsEnd = AgentResources.DefaultPortsEnd)
    {
        var cgroupDirs = AgentCgroupChain();
        var cpuinfo = CgroupFile.TryRead("/proc/cpuinfo");
        var hostCpus = cpuinfo is null ? 0 : ResourceParsing.ProcessorsFromCpuInfo(cpuinfo);
        if (hostCpus == 0)
        {
            hostCpus = Environment.ProcessorCount;
        }

        var cpus = ResourceParsing.Cpus(hostCpus,
            ResourceParsing.Tightest(cgroupDirs.Select(d => ResourceParsing.CpusFromCpuMax(CgroupFile.TryRead(Path.Join(d, "cpu.max"))))));
        var hostMem = ResourceParsing.MemTotalBytes(CgroupFile.TryRead("/proc/meminfo") ?? "") ?? 0;
        var mem = ResourceParsing.Memory(hostMem,
            ResourceParsing.Tightest(cgroupDirs.Select(d => ResourceParsing.BytesFromMemoryMax(CgroupFile.TryRead(Path.Join(d, "memory.max"))))));

        Directory.CreateDirectory(workDir);
        var disk = new DriveInfo(Path.GetFullPath(workDir)).AvailableFreeSpace;

        var attributes = new Dictionary<string, string>
        {
            ["arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["os"] = "linux",
        };
        if (CgroupFile.TryRead("/proc/sys/kernel/osrelease")?.Trim() is { Length: > 0 } kernel)
        {
            attributes["kernel"] = kernel;
        }

        if (ResourceParsing.DistroFromOsRelease(CgroupFile.TryRead("/etc/os-release") ?? "") is { } distro)
        {
            attributes["distro"] = distro;
        }

        return new AgentResources(cpus, mem, disk, portsBegin, portsEnd, attributes);
    }

    /// <summary>The agent's cgroup and its ancestors below the mount, where cpu.max/memory.max may cap us.</summary>
    private static List<string> AgentCgroupChain()
    {
        var mount = CgroupPaths.FindCgroup2Mount(CgroupFile.TryRead("/proc/self/mountinfo") ?? "");
        var own = CgroupPaths.FindOwnCgroup(CgroupFile.TryRead("/proc/self/cgroup") ?? "");
        var dirs = new List<string>();
        if (mount is null || own is null)
        {
            return dirs;
        }

        for (var p = own; p.Length > 1; p = p[..Math.Max(1, p.LastIndexOf('/'))])
        {
            dirs.Add(Path.Join(mount, p));
        }

        return dirs;
    }
}
