namespace MiniMesos.Isolation;

/// <summary>
/// The processes below a plain (unisolated) task's top process, read from /proc/PID/task/TID/children: without a cgroup
/// or a PID namespace this is the only way to reach a shell's children, which a SIGTERM to the shell alone would orphan
/// (they kept running after their task was killed).
/// </summary>
internal static class ProcessTree
{
    private const int MaxProcesses = 4096;

    /// <summary>The descendants of <paramref name="pid"/>, parents before children; empty when it is gone.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var found = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0 && found.Count < MaxProcesses)
        {
            foreach (var child in Children(queue.Dequeue()))
            {
                if (found.Contains(child)) continue;
                found.Add(child);
                queue.Enqueue(child);
            }
        }
        return found;
    }

    private static IEnumerable<int> Children(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var task in tasks)
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(word, out var child) && child > 1) yield return child;
        }
    }
}
