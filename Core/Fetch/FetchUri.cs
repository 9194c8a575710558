namespace MiniMesos.Core.Fetch;

/// <summary>
/// One artifact the agent downloads into a task's sandbox before the task starts (Mesos' fetcher, Marathon's
/// <c>fetch</c> entries): <see cref="Uri"/> is http(s), file:// or an absolute path on the agent; <see cref="Extract"/>
/// unpacks a recognised archive (<see cref="FetchPlan.ArchiveOf"/>) instead of keeping it; <see cref="Executable"/>
/// makes the file 0755; <see cref="Cache"/> keeps a copy in the agent's cache keyed by the URI; <see cref="DestPath"/>
/// names the file (a relative path in the sandbox) instead of the URI's last segment.
/// </summary>
internal sealed record FetchUri(string Uri, bool Extract = true, bool Executable = false, bool Cache = false, string? DestPath = null);
