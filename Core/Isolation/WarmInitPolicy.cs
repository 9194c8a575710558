namespace MiniMesos.Core.Isolation;

/// <summary>
/// Whether a pre-started ("warm") init may run a task. It was started in fresh PID, mount, UTS and IPC namespaces
/// while it waited, so its mounts are a copy of the host's at that time: it may only be used while the agent's mount
/// table is still the same and it is not older than <paramref name="maxAgeMs"/>. Tasks that join another task's
/// namespaces or want a network namespace of their own always start cold.
/// </summary>
internal static class WarmInitPolicy
{
    public static WarmInitVerdict Decide(string mountinfoAtStart, string mountinfoNow, long ageMs, long maxAgeMs)
    {
        if (ageMs < 0 || ageMs > maxAgeMs) return WarmInitVerdict.TooOld;
        return string.Equals(mountinfoAtStart, mountinfoNow, StringComparison.Ordinal) ? WarmInitVerdict.Use : WarmInitVerdict.MountsChanged;
    }

    /// <summary>Only a task in fresh namespaces with the host's network fits what a warm init has already unshared.</summary>
    public static bool Fits(bool joinsNamespaces, bool ownNetwork) => !joinsNamespaces && !ownNetwork;
}
