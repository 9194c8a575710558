namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// What the apps framework wants done: launches grouped by the offer they use (one accept per offer),
/// kills, waits with reasons, and the offers it has no use for (to decline). <see cref="NextSerial"/>
/// is the id counter to pass into the next call.
/// </summary>
internal sealed record AppDecisions(
    IReadOnlyList<AppLaunch> Launches,
    IReadOnlyList<AppKill> Kills,
    IReadOnlyList<AppWait> Waits,
    IReadOnlyList<string> UnusedOfferIds,
    long NextSerial);
