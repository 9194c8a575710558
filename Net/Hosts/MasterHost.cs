using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Backup;
using MiniMesos.Net.Http;
using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Security;
using MiniMesos.Net.Storage;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Hosts;

/// <summary>
/// A running master: Raft over SQLite in its data dir, the cluster port for agents and other masters, and the
/// HTTP API. A follower forwards API calls to the leader and sends agents there.
/// </summary>
internal sealed class MasterHost
{
    public static readonly TimeSpan DefaultRaftTick = TimeSpan.FromMilliseconds(100);

    private MasterHost(MasterService service, AppsService apps, ClusterSecret secret, RaftHost raft, PeerDirectory directory)
    {
        Service = service;
        Apps = apps;
        Secret = secret;
        Raft = raft;
        Directory = directory;
    }

    public MasterService Service { get; }
    public AppsService Apps { get; }
    public ClusterSecret Secret { get; }
    public RaftHost Raft { get; }
    public PeerDirectory Directory { get; }
    public MasterTls Tls { get; private init; } = null!;

    /// <summary>
    /// Starts the master (waiting for --bootstrap-expect masters on first start); the returned task completes
    /// after <paramref name="cancellationToken"/> fires and everything has stopped.
    /// </summary>
    public static async Task<(MasterHost Host, Task Stopped)> StartAsync(MasterOptions options, ILoggerProvider logs, CancellationToken cancellationToken)
    {
        var logger = logs.CreateLogger("MiniMesos.Master");
        PrivateFiles.Secure(options.DataDir, logger);
        var (secret, generated) = ClusterSecret.LoadOrCreate(options.Secret, options.DataDir);
        if (generated)
        {
            logger.LogWarning("generated a cluster token and stored it in {Path} (mode 0600). Give it to agents and the CLI: " +
                "`minimesos agent --master <this-host> --token-file <copy of that file>` or MINIMESOS_TOKEN=<token>; " +
                "curl needs `-H 'Authorization: Bearer <token>'`", secret.Source);
        }
        if (secret.IsAgent)
            throw new ConfigException($"{secret.Source}: this is an agent token ({AgentSecret.Prefix}…): it registers agents only; a master needs the admin token " +
                "(`minimesos token show --admin` on a master)");
        if (options.ReadTokens?.Contains(secret.Token) == true)
            throw new ConfigException("--read-token-file: it holds the admin token; a read-only token must differ from it");
        var nodeId = NodeIdFile.ReadOrCreate(options.DataDir);
        var store = SqliteRaftStore.Open(options.DataDir, new StoreIdentity(options.ClusterName, nodeId));
        var scheme = options.InsecureHttp ? "http" : "https";
        var self = new MasterPeer(nodeId, $"{options.AdvertiseHost}:{options.ClusterEndpoint.Port}",
            $"{scheme}://{(options.AdvertiseHost.Contains(':') ? $"[{options.AdvertiseHost}]" : options.AdvertiseHost)}:{options.ApiEndpoint.Port}");
        var tls = new MasterTls(options, secret, nodeId, logger);
        var directory = new PeerDirectory(self);
        var wire = WireOptions.Cluster;
        var service = new MasterService(TimeProvider.System, logger)
        {
            Timeouts = options.AgentTimeouts ?? Core.State.AgentTimeouts.Default,
            ServicePortRange = options.ServicePortRange ?? Core.Frameworks.Apps.ServicePortAllocator.DefaultRange,
        };
        var roles = new RoleSecrets(secret, () => service.SealedAgentSecret, () => service.AdminRotation)
        {
            PreviousGrace = options.AdminTokenGrace ?? AdminSecret.DefaultGrace,
        };
        tls.Roles = roles;
        var identity = new HandshakeOptions(nodeId.ToString(), "master", options.ClusterName, secret.Key,
            Build: BuildInfo.Version, FeatureLevel: Core.State.FeatureGate.Current)
        {
            Tls = tls.Cluster,
            SecretFor = roles.SecretFor,
            PreviousAdminFor = roles.PreviousAdminFor,
            PreviousAdminKeyId = roles.PreviousAdminKeyId,
        };
        var transport = new RaftTransport(directory, identity, wire, logger);
        RaftHost? raft = null;
        var listener = new ClusterListener(service, identity, wire, logger,
            () => raft is null ? "" : directory.Get(raft.Status.Leader)?.ClusterAddress ?? "", transport.ServeAsync);
        // The cluster port outlives the stop signal until leadership is handed over: the other masters' answers
        // (and the new leader's first message, which makes this one step down) arrive on it. Until the master has
        // started, the stop signal still stops it.
        var clusterStop = new CancellationTokenSource();
        var stopWhileStarting = cancellationToken.Register(clusterStop.Cancel);
        var cluster = listener.RunAsync(options.ClusterEndpoint, clusterStop.Token);
        foreach (var address in options.Join ?? []) transport.Join(address);
        NodeDiscovery? discovery = null;
        if (options.Mdns)
        {
            discovery = NodeDiscovery.Start("master", options.ClusterName, nodeId.ToString(), (ushort)options.ClusterEndpoint.Port,
                (ushort)options.ApiEndpoint.Port, options.AdvertiseHost, options.MdnsInterfaces, logger, secret.CaFingerprint);
            discovery.MasterFound += transport.Join;
        }

        var fresh = store.LastIndex == 0 && store.Load() == default && store.Latest is null;
        IReadOnlyList<ulong> voters = fresh ? await BootstrapVotersAsync(options.BootstrapExpect, directory, logger, cancellationToken).ConfigureAwait(false) : [];
        var node = new RaftNode(new RaftOptions { Id = nodeId, InitialVoters = voters, KeepBelowSnapshot = options.RaftKeepBelowSnapshot },
            new RaftStorage(store, store, store), new SeededRaftRandom(RandomNumberGenerator.GetInt32(int.MaxValue)));
        // The node resumes applying the log after its latest snapshot, so the state must start from that snapshot:
        // without it a restarted master would silently forget everything the snapshot holds.
        if (store.Latest is { } local && local.Metadata.Index == node.SnapshotIndex) ((IRaftStateMachine)service).Restore(local.Data);
        raft = new RaftHost(node, store.Persist, transport, service, options.RaftTick ?? DefaultRaftTick, logger, options.RaftCompactEvery);
        transport.Deliver = raft.Step;
        // Only a voter may still use the admin secret a rotation replaced, and only on a master-to-master link.
        roles.IsMaster = id => ulong.TryParse(id, out var n) && raft.Status.Voters.Contains(n);
        // A new cluster need not wait 1-2 s for its first election timeout: its lowest-id founder stands at once.
        if (voters.Count > 1 && voters.Min() == nodeId) raft.CampaignNow();
        service.Attach(raft);
        service.Gate = command => Core.State.FeatureGate.Refusal(command, raft.Status.Voters, directory.LevelOf);
        service.ClusterLevel = () => Core.State.FeatureGate.ClusterLevel(raft.Status.Voters, directory.LevelOf);
        raft.LeadershipChanged += leading =>
        {
            if (!leading) foreach (var agent in service.ReleaseAgents()) agent.Disconnect();
            service.LeaderServices.LeadershipMayHaveChanged();
        };

        // Give the first election a moment so callers (dev mode, tests) usually find a leader at once.
        for (var i = 0; i < 50 && raft.Status.Leader == 0; i++) await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        // The first leader creates the cluster CA now, so the API starts with a certificate from it (dev mode, tests).
        await tls.MaintainAsync(service, cancellationToken).ConfigureAwait(false);
        var apps = new AppsService(service, TimeProvider.System, logger);
        var jobs = new JobsService(service, raft.ReadBarrierAsync, TimeProvider.System, logger);
        var backups = new BackupService(raft, service, options.ClusterName, () => roles.Admin.Token, TimeProvider.System);
        var api = ApiServer.Build(options.ApiEndpoint, new ApiContext(service, raft, directory, apps, jobs, backups, tls.Trust, roles), secret.Token, logs,
            options.ReadTokens, options.InsecureHttp ? null : tls.Server);
        await api.StartAsync(cancellationToken).ConfigureAwait(false);
        if (options.InsecureHttp)
            logger.LogWarning("INSECURE: --insecure-http: the API on {Api} is PLAIN HTTP: tokens, task env and logs cross the network in clear. " +
                "Use it only behind a TLS-terminating reverse proxy on this host, listening on loopback", options.ApiEndpoint);
        logger.LogInformation("master {Id} serving the API on {Scheme}://{Api} and the cluster port (TLS) on {Cluster} (cluster '{Name}', advertised as {Advertised})",
            nodeId, scheme, options.ApiEndpoint, options.ClusterEndpoint, options.ClusterName, self.ClusterAddress);
        var host = new MasterHost(service, apps, secret, raft, directory) { Tls = tls };
        var dns = StartDns(options, service, raft, directory, logger, cancellationToken);
        // The loops only a leader runs start now if this master leads, and with each later term it leads.
        service.LeaderServices.Add("apps", apps.RunAsync);
        service.LeaderServices.Add("jobs", jobs.RunAsync);
        service.LeaderServices.Start();
        var scheduled = options.SnapshotInterval is { } interval
            ? new SnapshotSchedule(backups, options.SnapshotDir ?? Path.Combine(options.DataDir, "snapshots"), interval, options.SnapshotRetain,
                TimeProvider.System, logger).RunAsync(cancellationToken)
            : Task.CompletedTask;
        await stopWhileStarting.DisposeAsync().ConfigureAwait(false);
        return (host, host.RunAsync(options.DataDir, api, Task.WhenAll(cluster, scheduled, dns), clusterStop, transport, store, discovery, logger, cancellationToken));
    }

    /// <summary>
    /// The app DNS (docs/dns.md) until the stop signal; a port already taken is a warning, not a failed master: the
    /// cluster matters more than its names.
    /// </summary>
    private static Task StartDns(MasterOptions options, MasterService service, RaftHost raft, PeerDirectory directory, ILogger logger,
        CancellationToken cancellationToken)
    {
        if (options.DnsPort == 0) return Task.CompletedTask;
        var source = new AppDns.AppDnsSource(service, () => raft.Status, directory, options.ClusterName, TimeProvider.System);
        AppDns.AppDnsServer server;
        try
        {
            server = AppDns.AppDnsServer.Start(new System.Net.IPEndPoint(options.ApiEndpoint.Address, options.DnsPort), () => source.Zone, logger);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            logger.LogWarning("app DNS not served: cannot listen on {Address}:{Port} ({Error}); choose another --dns-port, or 0 to turn it off",
                options.ApiEndpoint.Address, options.DnsPort, e.Message);
            return Task.CompletedTask;
        }
        logger.LogInformation("app DNS: answering for {Zone} on {Address}:{Port} (UDP and TCP)", source.Zone.Origin, options.ApiEndpoint.Address, server.Port);
        return Serve(source, server, cancellationToken);

        static async Task Serve(AppDns.AppDnsSource source, AppDns.AppDnsServer server, CancellationToken cancellationToken)
        {
            await source.RunAsync(cancellationToken).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>On first start: wait until <paramref name="expect"/> masters (this one included) know each other.</summary>
    private static async Task<IReadOnlyList<ulong>> BootstrapVotersAsync(int expect, PeerDirectory directory, ILogger logger, CancellationToken ct)
    {
        if (expect == 0)
        {
            logger.LogInformation("joining an existing cluster: waiting for its leader to add master {Id}", directory.Self.Id);
            return [];
        }
        long? lastNote = null;
        while (true)
        {
            // Woken by each master learned (not a poll: the last one found starts the election at once), or every 5 s for the note.
            var learned = directory.NextChange;
            if (directory.All.Count >= expect) break;
            if (lastNote is not { } noted || Stopwatch.GetElapsedTime(noted) > TimeSpan.FromSeconds(5))
            {
                logger.LogInformation("bootstrap: waiting for {Expect} masters, know {Known}: {Ids}", expect, directory.All.Count,
                    string.Join(",", directory.All.Select(p => p.Id)));
                lastNote = Stopwatch.GetTimestamp();
            }
            await Task.WhenAny(learned, Task.Delay(TimeSpan.FromSeconds(5), ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
        var voters = directory.All.Select(p => p.Id).ToList();
        logger.LogInformation("bootstrap: forming a new cluster with masters {Voters}", string.Join(",", voters));
        return voters;
    }

    private async Task RunAsync(string dataDir, Http.Server.HttpServer api, Task cluster, CancellationTokenSource clusterStop, RaftTransport transport,
        SqliteRaftStore store, NodeDiscovery? discovery, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var peersWritten = "";
            // A master that started before the cluster CA reached it (a follower of a new cluster: the leader creates the CA
            // after the election) writes ca.pem, takes a certificate from the CA and advertises it as soon as the CA is
            // applied here, not at the next tick: until then its API presents a self-signed certificate that no client
            // pinning the CA accepts (up to 1 s of every new cluster's formation, bench/cluster-formation).
            var never = Task.Delay(Timeout.Infinite, cancellationToken);
            var caArrival = Tls.Fingerprint is null ? Service.WaitForClusterCaAsync(null, cancellationToken) : never;
            Task<bool>? tick = null;
            while (true)
            {
                tick ??= timer.WaitForNextTickAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(tick, caArrival).ConfigureAwait(false) == tick)
                {
                    if (!await tick.ConfigureAwait(false)) break;
                    tick = null;
                }
                else
                {
                    await caArrival.ConfigureAwait(false);
                    caArrival = never;
                }
                peersWritten = RememberPeers(dataDir, peersWritten, logger);
                try
                {
                    await Tls.MaintainAsync(Service, cancellationToken).ConfigureAwait(false);
                    if (discovery is not null && Tls.Fingerprint is { } fingerprint) await discovery.AdvertiseCaAsync(fingerprint).ConfigureAwait(false);
                }
                catch (NotLeaderException)
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        logger.LogInformation("master shutting down");
        await Service.LeaderServices.DisposeAsync().ConfigureAwait(false);
        if (discovery is not null) await discovery.DisposeAsync().ConfigureAwait(false);
        await HandOverLeadershipAsync(logger).ConfigureAwait(false);
        await clusterStop.CancelAsync().ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await api.StopAsync(deadline.Token).ConfigureAwait(false);
        await api.DisposeAsync().ConfigureAwait(false);
        await cluster.ConfigureAwait(false);
        clusterStop.Dispose();
        await Raft.DisposeAsync().ConfigureAwait(false);
        await transport.DisposeAsync().ConfigureAwait(false);
        store.Dispose();
    }

    /// <summary>Keeps &lt;data-dir&gt;/peers current (for `master recover`); returns what it holds now.</summary>
    private string RememberPeers(string dataDir, string written, ILogger logger)
    {
        var peers = Directory.All;
        var now = string.Join('\n', peers.Select(p => p.Encode()));
        if (now == written) return written;
        try
        {
            PeerFile.Write(dataDir, peers);
            return now;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("cannot write {File} in {Dir}: {Error}", PeerFile.FileName, dataDir, e.Message);
            return written;
        }
    }

    /// <summary>A leader that stops hands over first, so the others need not wait out an election timeout.</summary>
    private async Task HandOverLeadershipAsync(ILogger logger)
    {
        var status = Raft.Status;
        if (status.Role != RaftRole.Leader) return;
        var target = status.Voters.FirstOrDefault(v => v != status.Id);
        if (target == 0) return;
        Raft.TransferLeadership(target);
        // Up to 2 s: on a loaded box the target may need a moment to catch up and win; it is done in one round trip when quiet.
        for (var i = 0; i < 40 && Raft.Status.Role == RaftRole.Leader; i++) await Task.Delay(50).ConfigureAwait(false);
        logger.LogInformation("leadership {Outcome} master {Target}", Raft.Status.Role == RaftRole.Leader ? "could not be handed to" : "handed to", target);
    }
}
