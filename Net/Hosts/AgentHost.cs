using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Isolation;
using MiniMesos.Net.Agent;
using MiniMesos.Net.Security;
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
        var launcher = CreateLauncher(options);
        // The waiting init's replacement every 30 s runs code an idle agent runs at no other time.
        if (launcher is IsolatedTaskLauncher { WarmInits: { } pool }) pool.Refreshed += ResidentPages.AfterRareWork;
        foreach (var missing in launcher.Capabilities.Missing) logger.LogWarning("isolation: {Missing}", missing);
        if (launcher is IsolatedTaskLauncher { CgroupRemounted: { } remounted }) logger.LogInformation("isolation: {Remounted}", remounted);
        var registration = DetectResources(options, launcher.Capabilities);
        logger.LogInformation("agent offering cpus={Cpus} mem={Mem}MiB disk={Disk}MiB from {WorkDir} ({Isolation})",
            registration.Cpus, registration.MemMb, registration.DiskMb, options.WorkDir,
            launcher.Capabilities.Namespaces ? $"namespaces, cgroup controllers: {string.Join(",", launcher.Capabilities.CgroupControllers)}" : "no isolation");
        var service = new AgentService(launcher, options.WorkDir, logger, options.Users ?? Core.Isolation.TaskUserPolicy.NobodyOnly,
            options.TaskUids ?? Core.Isolation.TaskUidPool.Parse(Core.Isolation.TaskUidPool.DefaultRange))
        {
            Registry = options.Registry ?? Isolation.Images.RegistryOptions.Default,
        };
        service.Recover();
        cancellationToken.Register(service.StopHealthChecks);
        var identity = new HandshakeOptions(AgentId(options.WorkDir), "agent", options.ClusterName, options.Secret.Key,
            Build: BuildInfo.Version, FeatureLevel: Core.State.FeatureGate.Current)
        {
            Key = options.Secret.HandshakeKey,
            Tls = new ClusterTls(null, new CaTrust(options.Secret.CaFingerprint, Path.Combine(options.WorkDir, "cluster-ca.sha256"), acceptSelfSigned: false)),
        };
        var discovery = options.Mdns
            ? NodeDiscovery.Start("agent", options.ClusterName, identity.NodeId, 0, null, null, options.MdnsInterfaces, logger, options.Secret.CaFingerprint)
            : null;
        IReadOnlyList<(string Host, int Port)> Masters() => discovery is null
            ? options.Masters
            : options.Masters.Concat(discovery.Masters.Select(m => Endpoint.Parse(m, Defaults.ClusterPort, "mDNS"))).Distinct().ToList();
        var mesh = options.Mesh is { Enabled: true } meshOptions ? new Routing.RoutingMesh(meshOptions, registration.Ports, logger) : null;
        mesh?.Start();
        if (mesh is not null) cancellationToken.Register(mesh.Dispose);
        var connector = new AgentConnector(service, registration, Masters, identity, WireOptions.Cluster, logger, mesh);
        var collector = new SandboxCollector(service.SandboxRoot, service.MetaRoot, options.SandboxMaxAge ?? TimeSpan.FromDays(7), options.SandboxMinFreeFraction,
            logger, service.Forget);
        // Apps with the MINIMESOS_DNSSD label: their healthy instances here are announced on the LAN (docs/dns.md).
        var announced = options.Mdns
            ? new AppAnnouncer(service.Announcements, registration.Hostname, new Discovery.MdnsOptions(options.MdnsInterfaces), logger).RunAsync(cancellationToken)
            : Task.CompletedTask;
        var imageMaxIdle = options.SandboxMaxAge ?? TimeSpan.FromDays(7);
        void CollectAll(DateTimeOffset now)
        {
            collector.Collect(now);
            service.CollectImages(now, imageMaxIdle, options.SandboxMinFreeFraction);
        }
        return (connector, service, RunAsync(connector, discovery, CollectAll, logger, cancellationToken, launcher as IDisposable, announced));
    }

    private static async Task RunAsync(AgentConnector connector, NodeDiscovery? discovery, Action<DateTimeOffset> collect, ILogger logger,
        CancellationToken cancellationToken, IDisposable? launcher, Task announced)
    {
        var connected = connector.RunAsync(cancellationToken);
        using (var timer = new PeriodicTimer(TimeSpan.FromMinutes(1)))
        {
            try
            {
                do
                {
                    try
                    {
                        collect(DateTimeOffset.UtcNow);
                        ResidentPages.AfterRareWork(); // the collection's code is not what an idle agent runs
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        logger.LogWarning("sandbox or image garbage collection failed: {Error}", e.Message);
                    }
                }
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
            }
        }
        await connected.ConfigureAwait(false);
        await announced.ConfigureAwait(false);
        if (discovery is not null) await discovery.DisposeAsync().ConfigureAwait(false);
        launcher?.Dispose(); // no pre-started init outlives the agent
    }

    private static ITaskLauncher CreateLauncher(AgentOptions options) =>
        options.Isolation == IsolationMode.Auto && Environment.IsPrivilegedProcess
            ? new IsolatedTaskLauncher(options.Launch ?? new LaunchOptions())
            : new ProcessTaskLauncher();

    /// <summary>Detected resources (honouring the agent's own cgroup limits), with the operator's overrides on top.</summary>
    private static AgentRegistration DetectResources(AgentOptions options, IsolationCapabilities capabilities)
    {
        var detected = HostResources.Detect(options.WorkDir);
        const long MiB = 1024 * 1024;
        var reserved = options.Reserved ?? new ResourceOverrides();
        var attributes = new Dictionary<string, string>(detected.Attributes, StringComparer.Ordinal);
        foreach (var (key, value) in options.Attributes ?? new Dictionary<string, string>()) attributes[key] = value;
        var resources = detected with
        {
            Cpus = (options.Resources.Cpus ?? detected.Cpus) - (reserved.Cpus ?? 0),
            MemoryBytes = (options.Resources.MemMb * MiB ?? detected.MemoryBytes) - (reserved.MemMb ?? 0) * MiB,
            DiskBytes = Math.Max(0, (options.Resources.DiskMb * MiB ?? detected.DiskBytes) - (reserved.DiskMb ?? 0) * MiB),
            Attributes = attributes,
        };
        if (resources.RefusalReason() is { } reason)
            throw new InvalidOperationException($"the agent refuses to start: {reason} (after --reserved); set --resources or --reserved");
        var ports = (options.Resources.Ports ?? PortRanges.Of(new PortRange(detected.PortsBegin, detected.PortsEnd)))
            .Subtract(reserved.Ports ?? PortRanges.Empty);
        return new AgentRegistration(options.Hostname ?? Environment.MachineName, resources.Cpus, resources.MemoryBytes / MiB, resources.DiskBytes / MiB,
            resources.Attributes, capabilities.Missing, ports, AllowedUsers(options.Users ?? Core.Isolation.TaskUserPolicy.NobodyOnly));
    }

    private static List<string> AllowedUsers(Core.Isolation.TaskUserPolicy users) =>
        users.Allowed.Prepend(users.DefaultUser).Distinct(StringComparer.Ordinal).ToList();

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
