using Microsoft.Extensions.Logging;
using MiniMesos.Net.Http;
using MiniMesos.Net.Master;
using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Hosts;

/// <summary>A running master: cluster port for agents, HTTP API for people and scripts.</summary>
internal sealed class MasterHost
{
    private MasterHost(MasterService service, ClusterSecret secret)
    {
        Service = service;
        Secret = secret;
    }

    public MasterService Service { get; }
    public ClusterSecret Secret { get; }

    /// <summary>Starts listening; the returned task completes after <paramref name="cancellationToken"/> fires and everything has stopped.</summary>
    public static async Task<(MasterHost Host, Task Stopped)> StartAsync(MasterOptions options, ILoggerProvider logs, CancellationToken cancellationToken)
    {
        var logger = logs.CreateLogger("MiniMesos.Master");
        var (secret, generated) = ClusterSecret.LoadOrCreate(options.Secret, options.DataDir);
        if (generated)
        {
            logger.LogWarning("generated a cluster token and stored it in {Path} (mode 0600). Give it to agents and the CLI: " +
                "`minimesos agent --master <this-host> --token-file <copy of that file>` or MINIMESOS_TOKEN=<token>; " +
                "curl needs `-H 'Authorization: Bearer <token>'`", secret.Source);
        }
        var service = new MasterService(TimeProvider.System, logger);
        var identity = new HandshakeOptions($"master-{Environment.MachineName}", "master", options.ClusterName, secret.Key);
        var listener = new ClusterListener(service, identity, new WireOptions(), logger);
        var api = ApiServer.Build(options.ApiEndpoint, service, secret.Token, logs);
        await api.StartAsync(cancellationToken).ConfigureAwait(false);
        var cluster = listener.RunAsync(options.ClusterEndpoint, cancellationToken);
        logger.LogInformation("master serving the API on http://{Api} and agents on {Cluster} (cluster '{Name}')",
            options.ApiEndpoint, options.ClusterEndpoint, options.ClusterName);
        return (new MasterHost(service, secret), StopAsync(api, cluster, logger, cancellationToken));
    }

    private static async Task StopAsync(Microsoft.AspNetCore.Builder.WebApplication api, Task cluster, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        logger.LogInformation("master shutting down");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await api.StopAsync(deadline.Token).ConfigureAwait(false);
        await api.DisposeAsync().ConfigureAwait(false);
        await cluster.ConfigureAwait(false);
    }
}
