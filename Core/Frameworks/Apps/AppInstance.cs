using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// One instance (task) of an app as the master knows it. <see cref="KillRequested"/> is set once a kill
/// was sent, so the instance no longer counts towards the app's capacity while it dies.
/// </summary>
internal sealed record AppInstance(
    string Id,
    string AppId,
    string Version,
    Placement Placement,
    TaskState State,
    HealthStatus Health,
    long LaunchedAtMs,
    bool KillRequested = false);
