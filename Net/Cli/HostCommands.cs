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
        var command = new Command("master", "Run a master: the HTTP API (default 5050) and the cluster port agents dial (default 5051).")
        {
            listen, port, clusterPort, dataDir, token, tokenFile, cluster,
        };
        command.SetAction(async (parse, _) =>
        {
            var options = new MasterOptions(
                Endpoint.Listen(parse.GetValue(listen)!, parse.GetValue(port), "--port"),
                Endpoint.Listen(parse.GetValue(listen)!, parse.GetValue(clusterPort), "--cluster-port"),
                parse.GetValue(dataDir)!, parse.GetValue(cluster)!, CommonOptions.ResolveSecret(parse, token, tokenFile));
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
        var master = CommonOptions.Master(Defaults.ClusterPort, "cluster port");
        var workDir = DirOption("--work-dir", "MINIMESOS_WORK_DIR", Defaults.AgentWorkDir, "Where task sandboxes and the agent's state live.");
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var cluster = CommonOptions.Cluster();
        var resources = ResourcesOption();
        var command = new Command("agent", "Run an agent: offer this host's resources to the master and run the tasks it sends.")
        {
            master, workDir, token, tokenFile, cluster, resources,
        };
        command.SetAction(async (parse, _) =>
        {
            var (host, port) = Endpoint.Parse(parse.GetValue(master)!, Defaults.ClusterPort, "--master");
            var options = new AgentOptions(host, port, parse.GetValue(workDir)!, parse.GetValue(cluster)!,
                CommonOptions.RequireSecret(parse, token, tokenFile), IsolationMode.Auto, ResourceParser.Parse(parse.GetValue(resources)));
            return await RunUntilSignalAsync("agent", (logs, ct) => AgentHost.Start(options, logs, ct).Stopped).ConfigureAwait(false);
        });
        return command;
    }

    public static Command Dev()
    {
        var listen = ListenOption("127.0.0.1");
        var port = new Option<int>("--port") { Description = "HTTP API port.", DefaultValueFactory = _ => Defaults.ApiPort };
        var clusterPort = new Option<int>("--cluster-port") { Description = "Cluster port.", DefaultValueFactory = _ => Defaults.ClusterPort };
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var resources = ResourcesOption();
        var command = new Command("dev",
            "Run a master and an agent in one process with a throw-away data dir (deleted on exit): the zero-setup way to try MiniMesos.")
        {
            listen, port, clusterPort, token, tokenFile, resources,
        };
        command.SetAction(async (parse, _) =>
        {
            var secret = CommonOptions.ResolveSecret(parse, token, tokenFile) ?? new ClusterSecret(ClusterSecret.Generate(), "generated");
            var api = Endpoint.Listen(parse.GetValue(listen)!, parse.GetValue(port), "--port");
            var clusterEndpoint = Endpoint.Listen(parse.GetValue(listen)!, parse.GetValue(clusterPort), "--cluster-port");
            var overrides = ResourceParser.Parse(parse.GetValue(resources));
            var dir = Directory.CreateTempSubdirectory("minimesos-dev-").FullName;
            try
            {
                return await RunUntilSignalAsync("dev", async (logs, ct) =>
                {
                    var (_, masterStopped) = await MasterHost.StartAsync(
                        new MasterOptions(api, clusterEndpoint, Path.Combine(dir, "master"), Defaults.ClusterName, secret), logs, ct).ConfigureAwait(false);
                    var agent = AgentHost.Start(new AgentOptions(clusterEndpoint.Address.ToString(), clusterEndpoint.Port, Path.Combine(dir, "agent"),
                        Defaults.ClusterName, secret, IsolationMode.Auto, overrides), logs, ct);
                    await agent.Connector.Registered.Task.WaitAsync(ct).ConfigureAwait(false);
                    var tokenHint = secret.Source == "generated" ? $"--token {secret.Token} " : "";
                    Console.WriteLine($"minimesos dev is ready: API http://{api}, data in {dir}");
                    Console.WriteLine($"try: minimesos run {tokenHint}--master {api} -- sh -c 'echo hello from $(hostname)'");
                    await Task.WhenAll(masterStopped, agent.Stopped).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        });
        return command;
    }

    /// <summary>Runs a host until SIGINT/SIGTERM; startup failures are one line and exit code 1.</summary>
    private static async Task<int> RunUntilSignalAsync(string node, Func<ILoggerProvider, CancellationToken, Task> run)
    {
        using var logs = new LineLoggerProvider(node, LogLevel.Information);
        using var signal = new ShutdownSignal();
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

    private static Option<string?> ResourcesOption() => new("--resources")
    {
        Description = "Override detected resources, e.g. 'cpus=2;mem=1024;disk=10000' (MiB).",
    };
}
