using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// What counts as one of an app's instances, the same for the leader's apps loop (<see cref="RolloutPlanner"/>) and for the
/// replicated state when it applies a placement (ClusterState.Launches): a live instance (STAGING, STARTING, RUNNING), and a
/// TASK_UNREACHABLE one until its <see cref="UnreachableStrategy"/> makes it inactive. A counted instance counts for the
/// instance count and holds its place for the app's constraints. See docs/scheduling.md.
/// </summary>
internal static class AppCapacity
{
    public static bool Counts(AppSpec app, TaskState state, long unreachableSinceMs, long nowMs) =>
        state.IsAlive() || state == TaskState.Unreachable && !app.Unreachable.IsInactive(unreachableSinceMs, nowMs);

    /// <summary>
    /// Most instances the app may have: its instance count, or while some counted instance is of another version (a
    /// deployment) what its upgrade strategy allows above it (<see cref="RolloutPlanner.Bounds"/>).
    /// </summary>
    public static int MaxTotal(AppSpec app, bool deploying) => deploying ? RolloutPlanner.Bounds(app).MaxTotal : app.Instances;
}
