namespace MiniMesos.Core.Agent;

/// <summary>One finished task's sandbox as the garbage collector sees it.</summary>
internal sealed record SandboxEntry(string TaskId, DateTimeOffset EndedAt, long Bytes);

/// <summary>
/// Which finished sandboxes to delete: every one older than the maximum age, then, while the work dir's
/// filesystem has less free space than wanted, the oldest remaining ones. Pure: the caller measures and deletes.
/// </summary>
internal static class SandboxGc
{
    public static IReadOnlyList<string> Select(IEnumerable<SandboxEntry> finished, DateTimeOffset now, TimeSpan maxAge,
        long freeBytes, long wantFreeBytes)
    {
        var chosen = new List<string>();
        var free = freeBytes;
        foreach (var entry in finished.OrderBy(e => e.EndedAt).ThenBy(e => e.TaskId, StringComparer.Ordinal))
        {
            if (now - entry.EndedAt >= maxAge || free < wantFreeBytes)
            {
                chosen.Add(entry.TaskId);
                free += entry.Bytes;
            }
        }
        return chosen;
    }
}
