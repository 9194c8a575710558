namespace MiniMesos.Tests.Master.Simulation;

/// <summary>Deliberate bugs injected halfway through the quiet phase (after the heal), each of which the checks must report.</summary>
internal enum SimSabotage
{
    None,
    /// <summary>An agent loses a running task without telling anyone (no status update, no reconnect).</summary>
    SilentTaskLoss,
    /// <summary>A deployment is recorded as acknowledged but never reached the cluster (an acknowledged spec lost).</summary>
    LostAcknowledgedDeployment,
    /// <summary>An extra process runs on an agent that the cluster never launched there.</summary>
    StrayProcess,
}
