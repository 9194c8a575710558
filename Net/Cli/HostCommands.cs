using System.CommandLine;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>`master`, `agent` and `dev`: the long-running modes. Each stops cleanly on Ctrl-C or SIGTERM.</summary>
internal static class HostCommands
{
    public static Command Master()
    {
        var listen = ListenOption("0.0.0.0");
        var port = new Option<int>("--port") { Description = "HTTP API port.", DefaultValueFactory = _ => Defaults.ApiPort };
        var clusterPort = new Option<int>("--cluster-port") { Description = "Cluster port for agents (MessagePack).", DefaultValueFactory = _ => Defaults.ClusterPort };
        var dataDir = DirOption("--data-dir", "MINIMESOS_DATA_DIR", Defaults.MasterDataDir, "Where the master keeps its state and token.");
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var cluster = CommonOptions.Cluster();
        var join = new Option<string?>("--join")
        {
            Description = "Other masters' cluster ports, host[:port],... (also MINIMESOS_JOIN).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_JOIN"),
        };
        var expect = new Option<int>("--bootstrap-expect")
        {
            Description = "On first start, wait for this many masters (1, 3 or 5) and form one cluster with them; 0 joins an existing " +
                "cluster (then run `minimesos master add ID HOST:PORT` against it). Ignored once the master has state.",
            DefaultValueFactory = _ => 1,
        };
        var advertise = new Option<string?>("--advertise-addr") { Description = "Address other nodes use to reach this master (default: the --listen address, or this host's first IPv4 address)." };
        var tick = new Option<int>("--raft-tick-ms")
        {
            Description = "Raft tick: elections time out after 10-20 ticks, heartbeats every 2. Raise it on slow or lossy networks.",
            DefaultValueFactory = _ => (int)MasterHost.DefaultRaftTick.TotalMilliseconds,
        };
        var snapshotEvery = new Option<int>("--raft-snapshot-every")
        {
            Description = "Snapshot the cluster state and compact the Raft log after this many applied entries.",
            DefaultValueFactory = _ => 10_000,
        };
        var (unreachable, gone) = AgentTimeoutOptions.Create();
        var dnsPort = new Option<int>("--dns-port")
        {
            Description = "UDP and TCP port of the DNS for apps (web.<cluster>.minimesos. and SRV records, docs/dns.md) on the --listen address; 0 = off.",
            DefaultValueFactory = _ => Defaults.DnsPort,
        };
        var noMdns = NoMdnsOption();
        var mdnsInterface = InterfaceOption();
        var readTokenFile = CommonOptions.ReadTokenFile();
        var (snapshotInterval, snapshotRetain, snapshotDir) = SnapshotScheduleOptions.Create();
        var (insecureHttp, certLifetime) = TlsOptions();
        var servicePorts = RoutingMeshOptions.ServicePortRange();
        var command = new Command("master", "Run a master: the HTTP API (default 5050) and the cluster port agents and masters dial (default 5051).\n" +
            "Three masters: `minimesos master --bootstrap-expect 3 --join pi1,pi2,pi3` on each.")
        {
            listen, port, clusterPort, dataDir, token, tokenFile, cluster, join, expect, advertise, tick, snapshotEvery, noMdns, mdnsInterface, readTokenFile, unreachable,
            gone, snapshotInterval, snapshotRetain, snapshotDir, dnsPort, insecureHttp, certLifetime, servicePorts,
        };
        foreach (var sub in MembersCli.Commands()) command.Subcommands.Add(sub);
        command.Subcommands.Add(RecoverCli.Command());
        command.SetAction(async (parse, _) =>
        {
            // A master trusts only its cluster's CA (other masters, agents, the leader it forwards to) and calls no public
            // server, so like the CLI it leaves the platform's CA store out (Security/SystemRoots.cs): about 1 MB less resident
            // for its whole life, and a faster start.
            Security.SystemRoots.LeaveOut();
            var expected = parse.GetValue(expect);
            if (expected is < 0 or > 7) throw new ConfigException($"--bootstrap-expect: {expected} is not between 0 and 7 (use 1, 3 or 5; 0 to join)");
            var tickMs = parse.GetValue(tick);
            if (tickMs is < 10 or > 5000) throw new ConfigException($"--raft-tick-ms: {tickMs} is not between 10 and 5000");
            var every = parse.GetValue(snapshotEvery);
            if (every is < 1 or > 10_000_000) throw new ConfigException($"--raft-snapshot-every: {every} is not between 1 and 10000000");
            var joins = SplitList(parse.GetValue(join));
            foreach (var address in joins) Endpoint.Parse(address, Defaults.ClusterPort, "--join");
            var apiEndpoint = Endpoint.Listen(parse.GetValue(listen)!, parse.GetValue(port), "--port");
            var secret = CommonOptions.ResolveSecret(parse, token, tokenFile);
            var backups = SnapshotScheduleOptions.Parse(parse, snapshotInterval, snapshotRetain, snapshotDir);
            var dns = parse.GetValue(dnsPort);
            if (dns is < 0 or > 65535) throw new ConfigException($"--dns-port: {dns} is not between 0 (off) and 65535");
            var options = new MasterOptions(
                apiEndpoint,
                Endpoint.Listen(parse.GetValue(listen)!, parse.GetValue(clusterPort), "--cluster-port"),
                parse.GetValue(dataDir)!, parse.GetValue(cluster)!, secret,
                parse.GetValue(advertise) ?? AdvertiseDefault(apiEndpoint.Address), joins, expected, TimeSpan.FromMilliseconds(tickMs),
                Mdns: !parse.GetValue(noMdns), MdnsInterfaces: Interfaces(parse.GetValue(mdnsInterface)),
                ReadTokens: CommonOptions.ResolveReadTokens(parse, readTokenFile, secret),
                AgentTimeouts: AgentTimeoutOptions.Parse(parse, unreachable, gone), RaftCompactEvery: (ulong)every,
                SnapshotInterval: backups.Interval, SnapshotRetain: backups.Retain, SnapshotDir: backups.Dir, DnsPort: dns,
                InsecureHttp: parse.GetValue(insecureHttp), CertLifetime: CertLifetime(parse.GetValue(certLifetime)),
                ServicePortRange: RoutingMeshOptions.ParseServicePortRange(parse, servicePorts));
            return await RunUntilSignalAsync("master", async (logs, ct) =>
            {
                var (_, stopped) = await MasterHost.StartAsync(options, logs, ct).ConfigureAwait(false);
                await stopped.ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }

    public static Command Agent()
    {
        var master = new Option<string?>("--master")
        {
            Description = $"Masters' cluster ports as host[:port],... (default port {Defaults.ClusterPort}; also MINIMESOS_MASTER). " +
                "Without it the agent finds the masters of its cluster over mDNS.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_MASTER"),
        };
        var noMdns = NoMdnsOption();
        var mdnsInterface = InterfaceOption();
        var hostname = new Option<string?>("--hostname")
        {
            Description = "The host name the agent reports (constraints, HOST, its apps' DNS and mDNS names; default: this machine's). " +
                "Masters resolve it to answer app DNS queries, so give a name they resolve or an IP address.",
        };
        var reserved = new Option<string?>("--reserved") { Description = "Resources kept back for the host, e.g. 'cpus=0.5;mem=256' (MiB)." };
        var attributes = new Option<string?>("--attributes")
        {
            Description = "Attributes for constraints, e.g. 'rack=r1;zone=a' (arch, os, kernel and distro are added automatically).",
        };
        var allowedUsers = new Option<string?>("--allowed-users")
        {
            Description = "Users tasks may ask to run as, e.g. 'alice,bob' (default: nobody only; others fail with TASK_FAILED).",
        };
        var gcAge = new Option<double>("--gc-max-age-hours") { Description = "Delete finished tasks' sandboxes after this many hours.", DefaultValueFactory = _ => 168 };
        var gcFree = new Option<double>("--gc-min-free-percent")
        {
            Description = "Delete the oldest finished sandboxes while the work dir's disk has less free space than this.",
            DefaultValueFactory = _ => 10,
        };
        var warmInits = new Option<int>("--warm-inits")
        {
            Description = "Task inits kept started ahead of their task, to launch faster (0 = start each one at launch).",
            DefaultValueFactory = _ => 1,
        };
        var uidRange = new Option<string>("--task-uid-range")
        {
            Description = "Uids (and gids) for tasks that name no user, one per task, like systemd's DynamicUser: FIRST-LAST, or 'none' to run them as nobody.",
            DefaultValueFactory = _ => Core.Isolation.TaskUidPool.DefaultRange,
        };
        var taskCaps = new Option<string>("--task-capabilities")
        {
            Description = "Capabilities a task running as root (where --allowed-users allows it) keeps, e.g. 'chown,kill' or 'none'; other tasks keep none.",
            DefaultValueFactory = _ => Core.Isolation.TaskCapabilities.Default,
        };
        var workDir = DirOption("--work-dir", "MINIMESOS_WORK_DIR", Defaults.AgentWorkDir, "Where task sandboxes and the agent's state live.");
        var cgroupParent = new Option<string?>("--cgroup-parent")
        {
            Description = "cgroup v2 path of a delegated cgroup that holds no process, to create the task cgroups in (<path>/minimesos/<task>) " +
                "instead of below the agent's own cgroup, e.g. /system.slice/minimesos-tasks.service (also MINIMESOS_CGROUP_PARENT).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_CGROUP_PARENT"),
        };
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var cluster = CommonOptions.Cluster();
        var resources = ResourcesOption();
        var isolation = IsolationOption();
        var (mesh, httpPort, meshBalance, meshMax) = RoutingMeshOptions.Create();
        var registryConfig = RegistryArgs.ConfigOption();
        var insecureRegistries = RegistryArgs.InsecureOption();
        var command = new Command("agent", "Run an agent: offer this host's resources to the master and run the tasks it sends.")
        {
            master, workDir, token, tokenFile, cluster, resources, reserved, attributes, isolation, noMdns, mdnsInterface, gcAge, gcFree,
            allowedUsers, warmInits, uidRange, taskCaps, cgroupParent, hostname, mesh, httpPort, meshBalance, meshMax, registryConfig, insecureRegistries,
        };
        command.Subcommands.Add(TaskCli.Agent());
        foreach (var sub in AgentCli.Commands()) command.Subcommands.Add(sub);
        command.SetAction(async (parse, _) =>
        {
            // The cluster's links trust its CA only; image pulls, fetches and HTTPS checks load the system roots on first
            // use (Security/SystemRoots.cs): ~2 MB less resident for an agent that never calls a public server.
            Security.SystemRoots.LeaveOut();
            var masters = SplitList(parse.GetValue(master)).Select(m => Endpoint.Parse(m, Defaults.ClusterPort, "--master")).ToList();
            var mdns = !parse.GetValue(noMdns);
            if (masters.Count == 0 && !mdns) throw new ConfigException("--master: with --no-mdns, give at least one master, host[:port],...");
            var options = new AgentOptions(masters, parse.GetValue(workDir)!, parse.GetValue(cluster)!,
                CommonOptions.RequireSecret(parse, token, tokenFile), parse.GetValue(isolation), ResourceParser.Parse(parse.GetValue(resources)),
                Launch: parse.GetValue(warmInits) is >= 0 and <= 16 and var warm
                    ? new Isolation.LaunchOptions(WarmInits: warm, RootCapabilities: Capabilities(parse.GetValue(taskCaps)),
                        CgroupParent: CgroupParent(parse.GetValue(cgroupParent)), FavorDynMods: true)
                    : throw new ConfigException("--warm-inits: must be from 0 to 16"),
                Mdns: mdns, MdnsInterfaces: Interfaces(parse.GetValue(mdnsInterface)),
                Reserved: ResourceParser.Parse(parse.GetValue(reserved)),
                Attributes: AttributeParser.Parse(parse.GetValue(attributes)),
                SandboxMaxAge: parse.GetValue(gcAge) > 0 ? TimeSpan.FromHours(parse.GetValue(gcAge)) : throw new ConfigException("--gc-max-age-hours: must be > 0"),
                SandboxMinFreeFraction: parse.GetValue(gcFree) is >= 0 and < 100 and var percent
                    ? percent / 100 : throw new ConfigException("--gc-min-free-percent: must be from 0 to 99"),
                Hostname: AgentHostname(parse.GetValue(hostname)),
                Users: AllowedUsers(parse.GetValue(allowedUsers)),
                TaskUids: UidRange(parse.GetValue(uidRange)),
                Mesh: RoutingMeshOptions.Parse(parse, mesh, httpPort, meshBalance, meshMax),
                Registry: RegistryArgs.Parse(parse.GetValue(registryConfig), parse.GetValue(insecureRegistries)));

            return await RunUntilSignalAsync("agent", (logs, ct) => AgentHost.Start(options, logs, ct).Stopped).ConfigureAwait(false);
        });
        return command;
    }

    private static string? AgentHostname(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : text.Length <= 253 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':') ? text
        : throw new ConfigException($"--hostname: '{text}' is not a host name or IP address (letters, digits, '.', '-', ':'; at most 253)");

    private static Core.Isolation.TaskUidPool? UidRange(string? text)
    {
        try
        {
            return Core.Isolation.TaskUidPool.Parse(text ?? Core.Isolation.TaskUidPool.DefaultRange);
        }
        catch (FormatException e)
        {
            throw new ConfigException($"--task-uid-range: {e.Message}");
        }
    }

    private static IReadOnlyList<int> Capabilities(string? list)
    {
        var (numbers, unknown) = Core.Isolation.TaskCapabilities.Parse(list ?? Core.Isolation.TaskCapabilities.Default);
        return unknown is null ? numbers : throw new ConfigException($"--task-capabilities: unknown capability '{unknown}'");
    }

    private static string? CgroupParent(string? path) =>
        string.IsNullOrEmpty(path) ? null
        : Core.Isolation.CgroupPaths.IsSafeCgroupPath(path) ? path
        : throw new ConfigException($"--cgroup-parent: '{path}' is not an absolute cgroup path of letters, digits and -_.@: segments (e.g. /system.slice/minimesos-tasks.service)");

    private static Core.Isolation.TaskUserPolicy AllowedUsers(string? list)
    {
        try
        {
            return Core.Isolation.TaskUserPolicy.Parse(list);
        }
        catch (FormatException e)
        {
            throw new ConfigException($"--allowed-users: {e.Message}");
        }
    }

    public static Command Dev()
    {
        var listen = ListenOption("127.0.0.1");
        var port = new Option<int>("--port") { Description = "HTTP API port.", DefaultValueFactory = _ => Defaults.ApiPort };
        var clusterPort = new Option<int>("--cluster-port") { Description = "Cluster port.", DefaultValueFactory = _ => Defaults.ClusterPort };
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var resources = ResourcesOption();
        var isolation = IsolationOption();
        var (insecureHttp, certLifetime) = TlsOptions();
        var dnsPort = new Option<int>("--dns-port")
        {
            Description = "UDP and TCP port of the DNS for apps (web.minimesos.minimesos., docs/dns.md) on the --listen address; 0 = off.",
            DefaultValueFactory = _ => Defaults.DnsPort,
        };
        var command = new Command("dev",
            "Run a master and an agent in one process with a throw-away data dir (deleted on exit): the zero-setup way to try MiniMesos.")
        {
            listen, port, clusterPort, token, tokenFile, resources, isolation, insecureHttp, certLifetime, dnsPort,
        };
        command.SetAction(async (parse, _) =>
        {
            Security.SystemRoots.LeaveOut(); // as a master and an agent do
            var secret = CommonOptions.ResolveSecret(parse, token, tokenFile) ?? new ClusterSecret(ClusterSecret.Generate(), "generated");
            var api = Endpoint.Listen(parse.GetValue(listen)!, parse.GetValue(port), "--port");
            var clusterEndpoint = Endpoint.Listen(parse.GetValue(listen)!, parse.GetValue(clusterPort), "--cluster-port");
            var overrides = ResourceParser.Parse(parse.GetValue(resources));
            var dns = parse.GetValue(dnsPort);
            if (dns is < 0 or > 65535) throw new ConfigException($"--dns-port: {dns} is not between 0 (off) and 65535");
            var dir = Directory.CreateTempSubdirectory("minimesos-dev-").FullName;
            try
            {
                return await RunUntilSignalAsync("dev", async (logs, ct) =>
                {
                    var plain = parse.GetValue(insecureHttp);
                    var (master, masterStopped) = await MasterHost.StartAsync(
                        new MasterOptions(api, clusterEndpoint, Path.Combine(dir, "master"), Defaults.ClusterName, secret,
                            AdvertiseDefault(api.Address), InsecureHttp: plain, CertLifetime: CertLifetime(parse.GetValue(certLifetime)), DnsPort: dns), logs, ct).ConfigureAwait(false);
                    var agent = AgentHost.Start(new AgentOptions([(clusterEndpoint.Address.ToString(), clusterEndpoint.Port)], Path.Combine(dir, "agent"),
                        Defaults.ClusterName, secret, parse.GetValue(isolation), overrides, Launch: new Isolation.LaunchOptions(FavorDynMods: true),
                        Mesh: new Routing.MeshOptions(BindAddress: api.Address)), logs, ct);
                    await agent.Connector.Registered.Task.WaitAsync(ct).ConfigureAwait(false);
                    var ca = master.Service.ClusterCa;
                    var shown = ca is null ? secret.Token : secret.Pinned(ClusterCa.Fingerprint(ca.Certificate));
                    var tokenHint = secret.Source == "generated" ? $"--token {shown} " : "--token <your token> ";
                    Console.WriteLine($"minimesos dev is ready: API {(plain ? "http" : "https")}://{api}, data in {dir}" +
                        (plain ? "" : $", CA in {Path.Combine(dir, "master", MasterTls.CaFile)} (curl --cacert)"));
                    if (dns != 0) Console.WriteLine($"apps' DNS names: dig @{api.Address} -p {dns} <app>.{Defaults.ClusterName}.minimesos (docs/dns.md)");
                    Console.WriteLine($"try: minimesos run {tokenHint}--master {(plain ? "http://" : "")}{api} -- sh -c 'echo hello from $(hostname)'");
                    await Task.WhenAll(masterStopped, agent.Stopped).ConfigureAwait(false);
                    // Tasks outlive an agent by design (it reattaches them after a restart); a dev cluster is thrown away.
                    await agent.Service.KillAllAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                    if (agent.Service.Launcher is Isolation.IsolatedTaskLauncher { CgroupGroupDir: { } group }) TryRemoveEmptyCgroup(group);
                }).ConfigureAwait(false);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        });
        return command;
    }

    private static (Option<bool> InsecureHttp, Option<int> CertLifetimeSeconds) TlsOptions() =>
        (new Option<bool>("--insecure-http")
        {
            Description = "Serve the API as PLAIN HTTP (tokens and task env in clear): only behind a TLS-terminating reverse proxy on the same host. " +
                "The cluster port stays TLS.",
        },
        new Option<int>("--cert-lifetime-seconds")
        {
            Description = "Lifetime of this master's server certificates (renewed at two thirds); for tests of renewal.",
            Hidden = true,
        });

    private static TimeSpan? CertLifetime(int seconds) => seconds switch
    {
        0 => null,
        < 6 => throw new ConfigException($"--cert-lifetime-seconds: {seconds} is below 6"),
        _ => TimeSpan.FromSeconds(seconds),
    };

    /// <summary>rmdir of the dev agent's task-cgroup group once its tasks are gone (fails harmlessly if one lingers).</summary>
    private static void TryRemoveEmptyCgroup(string dir)
    {
        for (var attempt = 0; attempt < 20 && Directory.Exists(dir); attempt++)
        {
            try
            {
                foreach (var child in Directory.GetDirectories(dir)) Directory.Delete(child);
                Directory.Delete(dir);
            }
            catch (IOException)
            {
                Thread.Sleep(50); // EBUSY right after the last task exited
            }
        }
    }

    /// <summary>Runs a host until SIGINT/SIGTERM; startup failures are one line and exit code 1.</summary>
    private static async Task<int> RunUntilSignalAsync(string node, Func<ILoggerProvider, CancellationToken, Task> run)
    {
        Hosts.PrivateFiles.RestrictUmask(); // the daemons' files (Raft log, token, agent state) are theirs alone
        using var logs = new LineLoggerProvider(node, LogLevel.Information);
        using var signal = new ShutdownSignal();
        Hosts.ResidentPages.Start(logs.CreateLogger("MiniMesos"), signal.Token); // start-up's code pages out of the resident set
        try
        {
            await run(logs, signal.Token).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or InvalidOperationException)
        {
            logs.CreateLogger("MiniMesos").LogError("cannot run the {Node}: {Error}", node, e.Message);
            return ExitCodes.RuntimeError;
        }
    }

    private static IReadOnlyList<string> SplitList(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The listen address when it is a specific one, else this host's first up, non-loopback IPv4 address.</summary>
    private static string AdvertiseDefault(System.Net.IPAddress listen)
    {
        if (!listen.Equals(System.Net.IPAddress.Any) && !listen.Equals(System.Net.IPAddress.IPv6Any)) return listen.ToString();
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up
                && n.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        return address?.ToString() ?? "127.0.0.1";
    }

    private static Option<string> ListenOption(string fallback) => new("--listen")
    {
        Description = "IP address to listen on (also MINIMESOS_LISTEN).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_LISTEN") ?? fallback,
    };

    private static Option<string> DirOption(string name, string variable, string fallback, string description) => new(name)
    {
        Description = $"{description} (also {variable}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable) ?? fallback,
    };

    private static Option<bool> NoMdnsOption() => new("--no-mdns")
    {
        Description = "Neither advertise nor browse over mDNS (where multicast is blocked: use --join / --master).",
    };

    private static Option<string?> InterfaceOption() => new("--interface")
    {
        Description = "IPv4 address(es) of the interface(s) mDNS uses, comma-separated (default: every up, multicast-capable one).",
    };

    private static IReadOnlyList<System.Net.IPAddress>? Interfaces(string? text)
    {
        var items = SplitList(text);
        if (items.Count == 0) return null;
        return items.Select(i => System.Net.IPAddress.TryParse(i, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? ip
            : throw new ConfigException($"--interface: '{i}' is not an IPv4 address")).ToList();
    }

    private static Option<IsolationMode> IsolationOption() => new("--isolation")
    {
        Description = "auto: each task in its own PID/mount/UTS/IPC namespaces and cgroup when running as root; none: plain processes.",
        DefaultValueFactory = _ => IsolationMode.Auto,
    };

    private static Option<string?> ResourcesOption() => new("--resources")
    {
        Description = "Override detected resources, e.g. 'cpus=2;mem=1024;disk=10000' (MiB).",
    };
}
