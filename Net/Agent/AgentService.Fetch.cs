using System.Collections.Concurrent;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Libc;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

/// <summary>
/// The fetch step of a launch (see <see cref="Fetcher"/>): between the sandbox's creation and the task's start, while
/// the sandbox is still root's and nothing of the task runs. A kill that arrives meanwhile cancels it.
/// </summary>
internal sealed partial class AgentService
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _fetching = new(StringComparer.Ordinal);
    private Fetcher? _fetcher;

    /// <summary>Bounds on fetches (tests make them small); set before the first launch.</summary>
    public Isolation.Fetch.FetchLimits FetchLimits { get; init; } = new();

    private Fetcher TheFetcher => _fetcher ??= new Fetcher(Path.Combine(workDir, "fetch-cache"), FetchLimits, logger);

    /// <summary>Downloads the launch's URIs into <paramref name="sandbox"/>; false when a kill cancelled it (the task is then ended KILLED).</summary>
    private async Task<bool> FetchAsync(LaunchTask launch, string sandbox, string? user, uint? uid)
    {
        if (launch.Fetch is not { Count: > 0 } uris) return true;
        using var cancel = new CancellationTokenSource();
        _fetching[launch.TaskId] = cancel;
        try
        {
            if (_pendingKills.ContainsKey(launch.TaskId)) return false;
            await TheFetcher.FetchAsync(uris, sandbox, MetaDir(launch.TaskId), FetchOwner(user, uid), cancel.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            _fetching.TryRemove(launch.TaskId, out _);
        }
    }

    /// <summary>Stops the fetch of a task being killed before it started.</summary>
    private void CancelFetch(string taskId)
    {
        if (_fetching.TryGetValue(taskId, out var cancel))
        {
            try
            {
                cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The fetch ended meanwhile.
            }
        }
    }

    /// <summary>Who gets the fetched files: the task's uid, or its named (or the default) user's; null when the agent is not root or the task runs as the agent's own user.</summary>
    private (uint Uid, uint Gid)? FetchOwner(string? user, uint? uid)
    {
        if (Unistd.geteuid() != 0) return null;
        if (uid is { } own) return (own, own);
        var name = user ?? (launcher.Capabilities.Namespaces ? users.DefaultUser : null);
        if (name is null) return null;
        var entry = PasswdEntry.Find(File.Exists("/etc/passwd") ? File.ReadAllText("/etc/passwd") : "", name)
            ?? throw new TaskLaunchException($"unknown user '{name}' on this agent (not in /etc/passwd)");
        return (entry.Uid, entry.Gid);
    }
}
