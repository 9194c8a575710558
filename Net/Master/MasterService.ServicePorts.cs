using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>
/// Committing apps with their service ports (<see cref="ServicePortAllocator"/>): one app at a time, so two apps asking
/// at once never get the same port; the state also refuses an app whose port another app holds (ClusterState.Apply).
/// </summary>
internal sealed partial class MasterService
{
    private readonly SemaphoreSlim _appPuts = new(1, 1);

    /// <summary>Where the leader takes service ports from (--service-port-range). Set before the master starts.</summary>
    public PortRange ServicePortRange { get; init; } = ServicePortAllocator.DefaultRange;

    /// <summary>
    /// Commits an app spec (already validated and stamped with its version by the caller) with its service ports assigned;
    /// returns it as committed. Throws <see cref="ServicePortException"/> when a port it asks for cannot be its.
    /// </summary>
    public async Task<AppSpec> PutAppAsync(AppSpec app, CancellationToken cancellationToken)
    {
        await _appPuts.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            app = WithServicePorts(app);
            await ProposeAsync(new PutApp(Now(), app, KeepVersion: true), cancellationToken).ConfigureAwait(false);
            var committed = App(app.Id);
            if (app.ServicePorts is { Count: > 0 } ports && (committed?.ServicePorts is not { } held || !held.SequenceEqual(ports)))
                throw new ServicePortException(new ServicePortConflict("portDefinitions", $"service ports {string.Join(",", ports)} were taken meanwhile", true));
            logger.LogInformation("app {App} version {Version}: {Instances} instance(s){Ports}", app.Id, app.Version, app.Instances,
                app.ServicePorts is { Count: > 0 } p ? $", service ports {string.Join(",", p)}" : "");
            return app;
        }
        finally
        {
            _appPuts.Release();
        }
    }

    private AppSpec WithServicePorts(AppSpec app)
    {
        if (ClusterLevel() < FeatureGate.ServicePorts)
        {
            // A master of an older version could not read them: plain host ports until every master is upgraded.
            if (app.RequirePorts || app.ServicePorts?.Any(p => p != 0) == true)
                throw new FeatureGateException($"service ports need every master at feature level {FeatureGate.ServicePorts} or later: upgrade every master first");
            return app with { ServicePorts = null };
        }
        var state = ReadView;
        var previous = state.Apps.GetValueOrDefault(app.Id);
        var apps = state.Apps.Values.ToList();
        var (assigned, conflict) = ServicePortAllocator.Assign(app, previous, apps, ServicePortRange);
        return assigned ?? throw new ServicePortException(conflict!);
    }
}
