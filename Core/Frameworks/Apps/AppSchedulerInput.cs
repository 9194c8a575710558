using MiniMesos.Core.Allocation;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// A snapshot for one scheduling decision. <see cref="Instances"/> may include terminal ones (ignored).
/// <see cref="Backoffs"/> is per app id; missing means no delay. Instance ids are "{app}.{serial}"
/// counting up from <see cref="NextSerial"/>. <see cref="MaxLaunches"/> bounds one decision's launches (apps in id order
/// take from it; the rest wait for the next decision) so a huge deployment is placed in bounded steps.
/// <see cref="NowMs"/> is the leader's monotonic clock (offers, backoffs); <see cref="WallNowMs"/> the wall clock, against
/// which instances age as UNREACHABLE, because the replicated state stamps that with the entry's wall time and judges
/// launches by it where they commit (null: the same as <see cref="NowMs"/>, for callers on one clock).
/// </summary>
internal sealed record AppSchedulerInput(
    IReadOnlyList<AppSpec> Apps,
    IReadOnlyList<AppInstance> Instances,
    IReadOnlyList<Offer> Offers,
    IReadOnlyDictionary<string, LaunchBackoff> Backoffs,
    long NowMs,
    long NextSerial = 1,
    int MaxLaunches = int.MaxValue,
    long? WallNowMs = null);
