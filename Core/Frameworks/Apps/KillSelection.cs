namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>Marathon's killSelection: which of an app's instances goes first when it has too many (after those not ready).</summary>
internal enum KillSelection
{
    /// <summary>The most recently launched first (Marathon's default).</summary>
    YoungestFirst,
    OldestFirst,
}
