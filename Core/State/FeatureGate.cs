namespace MiniMesos.Core.State;

/// <summary>
/// Rolling upgrades: a command a master of an older version cannot read is proposed only once every voter reports a
/// feature level that reads it. Levels, not version strings, are compared: each release that adds a command, a
/// message or a field an older one cannot read raises <see cref="Current"/>. A voter that reported no level (a
/// release from before levels existed, or one not heard from yet) counts as <see cref="Baseline"/>. The unreadable-entry
/// stop stays the last line of defence for what this gate cannot see.
/// </summary>
internal static class FeatureGate
{
    /// <summary>What every release reads, those from before feature levels included.</summary>
    public const int Baseline = 1;

    /// <summary>2 adds the ReplaceState entry (backup restore) and versions in the handshake.</summary>
    public const int Restore = 2;

    /// <summary>
    /// 3 adds an agent's return with its tasks' states in one entry (AgentRegistration), the app checks of a LaunchTasks
    /// entry and the app spec's ScaledAt, unreachableStrategy and killSelection.
    /// </summary>
    public const int AppChecks = 3;

    /// <summary>4 adds the fetcher's URIs to app and task specs (and the launch message to agents), and the apps' version history (PutApp.KeepVersion, snapshot format 5).</summary>
    public const int Fetch = 4;

    /// <summary>4 also adds the cluster CA (SetClusterCa) and its section in snapshots.</summary>
    public const int Tls = 4;

    /// <summary>4 also adds an app spec's service ports and requirePorts, and the agents' service endpoint table (routing mesh).</summary>
    public const int ServicePorts = 4;

    /// <summary>4 also adds tasks and apps run from an image (a task spec's image, an app spec's container).</summary>
    public const int Images = 4;

    /// <summary>4 also adds the role-scoped agent secret (SetAgentSecret) and its section in snapshots.</summary>
    public const int RoleTokens = 4;

    /// <summary>4 also adds the admin secret's rotation (SetAdminSecret) and its section in snapshots.</summary>
    public const int AdminRotation = 4;

    /// <summary>This build's level.</summary>
    public const int Current = Tls;

    /// <summary>
    /// The form of <paramref name="command"/> a cluster at <paramref name="level"/> reads, where an older form means the
    /// same to the state: a LaunchTasks without the app checks, an app spec without ScaledAt (only Marathon's
    /// versionInfo.lastScalingAt is lost), a PutApp that keeps no version history. Anything else is returned as it is, for <see cref="Refusal"/> to judge.
    /// </summary>
    public static ClusterCommand ForLevel(ClusterCommand command, int level) => command switch
    {
        _ when level >= command.RequiredLevel => command,
        LaunchTasks c => c with { JudgeApps = false },
        PutApp { KeepVersion: true } c => ForLevel(c with { KeepVersion = false }, level),
        PutApp c when c.App.UnreachableStrategy is null && c.App.KillSelection == Frameworks.Apps.KillSelection.YoungestFirst =>
            c with { App = c.App with { ScaledAt = "" } },
        _ => command,
    };

    /// <summary>The lowest level among <paramref name="voters"/>: what the whole cluster reads.</summary>
    public static int ClusterLevel(IEnumerable<ulong> voters, Func<ulong, int?> reported)
    {
        int? lowest = null;
        foreach (var voter in voters)
        {
            var level = reported(voter) ?? Baseline;
            if (lowest is null || level < lowest) lowest = level;
        }
        return lowest ?? Baseline;
    }

    /// <summary>Null when every voter reads <paramref name="command"/>; otherwise why it must wait, naming a voter that does not.</summary>
    public static string? Refusal(ClusterCommand command, IEnumerable<ulong> voters, Func<ulong, int?> reported)
    {
        if (command.RequiredLevel <= Baseline) return null;
        var sorted = new List<ulong>(voters);
        sorted.Sort();
        foreach (var voter in sorted)
        {
            var level = reported(voter);
            if ((level ?? Baseline) < command.RequiredLevel)
                return $"{command.GetType().Name} needs every master at feature level {command.RequiredLevel} or later, and master {voter} " +
                    $"{(level is null ? "has not reported its level (an older minimesos, or not connected)" : $"runs level {level}")}: " +
                    "upgrade every master first (`minimesos status` shows each one's version)";
        }
        return null;
    }
}
