using Microsoft.Extensions.Logging;
using MiniMesos.Isolation;
using MiniMesos.Net.Agent;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Hosts;

/// <summary>A running agent: detects its resources, connects to the master and runs what it is sent.</summary>
internal static class AgentHost
{
    public static (AgentConnector Connector, AgentService Service, Task Stopped) Start(AgentOptions options, ILoggerProvider logs,
        CancellationToken cancellationToken)
    {
        var logger = logs.CreateLogger("MiniMesos.Agent");
        Directory.CreateDirectory(options.WorkDir);
        var launcher = CreateLauncher(options.Isolation);
        foreach (var missing in launcher.Capabilities.Missing) logger.LogWarning("isolation: {Missing}", missing);
        var registration = DetectResources(options, launcher.Capabilities);
        logger.LogInformation("agent offering cpus={Cpus} mem={Mem}MiB disk={Disk}MiB from {WorkDir}",
            registration.Cpus, registration.MemMb, registration.DiskMb, options.WorkDir);
        var service = new AgentService(launcher, options.WorkDir, logger);
        var identity = new HandshakeOptions(AgentId(options.WorkDir), "agent", options.ClusterName, options.Secret.Key);
        var connector = new AgentConnector(service, registration, options.MasterHost, options.MasterPort, identity, new WireOptions(), logger);
        return (connector, service, connector.RunAsync(cancellationToken));
    }

    private static ITaskLauncher CreateLauncher(IsolationMode mode) => mode switch
    {
        IsolationMode.None => new ProcessTaskLauncher(),
        _ => new ProcessTaskLauncher(),
    };

    /// <summary>
    /// The .NET runtime already honours the agent's own cgroup limits in ProcessorCount and the GC's
    /// available memory, so those are what the agent offers unless the operator overrides them.
    /// </summary>
    private static AgentRegistration DetectResources(AgentOptions options, IsolationCapabilities capabilities)
    {
        var cpus = options.Resources.Cpus ?? Environment.ProcessorCount;
        var mem = options.Resources.MemMb ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024);
        var disk = options.Resources.DiskMb ?? new DriveInfo(options.WorkDir).AvailableFreeSpace / (1024 * 1024);
        if (cpus <= 0) throw new InvalidOperationException("the agent found 0 cpus to offer; set --resources cpus=N");
        if (mem <= 0) throw new InvalidOperationException("the agent found 0 MiB of memory to offer; set --resources mem=N");
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["arch"] = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["os"] = "linux",
        };
        return new AgentRegistration(Environment.MachineName, cpus, mem, disk, attributes, capabilities.Missing);
    }

    /// <summary>The agent keeps its id in its work dir so a restart re-registers as the same agent.</summary>
    private static string AgentId(string workDir)
    {
        var path = Path.Combine(workDir, "agent-id");
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        var id = $"{Environment.MachineName}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";
        File.WriteAllText(path, id + "\n");
        return id;
    }
}
