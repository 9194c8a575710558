namespace MiniMesos.Net.Storage;

/// <summary>
/// What <see cref="HistoryReplay"/> found: the snapshot it started from, the last entry it applied (the commit index
/// when the log is whole), how many committed states it checked, the returns of replaced instances (the inherent
/// window) and the longest, a digest of the final state (two masters that applied the same entries agree on it), and
/// every violation or gap; and each window with its app, the entries that opened and closed it and its length, and those
/// still open where the replay ended.
/// </summary>
internal sealed record HistoryReplayResult(
    ulong SnapshotIndex, ulong AppliedIndex, ulong CommitIndex, ulong LastIndex, int StatesChecked, int ExtraWindows, long LongestExtraMs,
    string StateDigest, IReadOnlyList<string> Violations, IReadOnlyList<(string AppId, string From, string To, long Ms)> Windows,
    IReadOnlyList<(string AppId, string From, long SinceMs)> OpenWindows);
