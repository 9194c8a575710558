using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// One instance (task) of an app as the master knows it. <see cref="KillRequested"/> is set once a kill
/// was sent, so the instance is no longer one of the app's instances while it dies (it still holds room until it has
/// ended). <see cref="UnreachableSinceMs"/> is when a TASK_UNREACHABLE instance became so (see <see cref="UnreachableStrategy"/>).
/// </summary>
internal sealed record AppInstance(
    string Id,
    string AppId,
    string Version,
    Placement Placement,
    TaskState State,
    HealthStatus Health,
    long LaunchedAtMs,
    bool KillRequested = false,
    long UnreachableSinceMs = 0);
