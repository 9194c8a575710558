using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Dns;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

/// <summary>
/// App instances that asked to be announced on the LAN (their app's MINIMESOS_DNSSD label), known from the launch and,
/// after an agent restart, from a root-only file in the task's meta dir. <see cref="AppAnnouncer"/> announces those that are
/// running and healthy (or have no health checks).
/// </summary>
internal sealed partial class AgentService
{
    private const string AnnouncementFile = "dnssd";
    private readonly ConcurrentDictionary<string, AppAnnouncement> _announcements = new(StringComparer.Ordinal);

    /// <summary>The running instances to announce, with whether each is healthy now (always true without health checks).</summary>
    public IReadOnlyList<(AppAnnouncement Announcement, bool Healthy)> Announcements()
    {
        if (_announcements.IsEmpty) return [];
        var health = _checker?.Latest().ToDictionary(h => h.TaskId, h => h.Status, StringComparer.Ordinal) ?? [];
        return [.. _announcements.Values
            .Where(a => RunningPid(a.TaskId) is not null)
            .Select(a => (a, !a.HasHealthChecks || health.GetValueOrDefault(a.TaskId) == HealthStatus.Healthy))];
    }

    private void RememberAnnouncement(LaunchTask launch, IReadOnlyDictionary<string, string> env)
    {
        if (AppAnnouncement.FromEnv(launch.TaskId, env, launch.HealthChecks is { Count: > 0 }) is not { } announcement) return;
        _announcements[launch.TaskId] = announcement;
        try
        {
            var path = Path.Combine(MetaDir(launch.TaskId), AnnouncementFile);
            File.WriteAllLines(path, [announcement.ServiceType, announcement.AppId, announcement.Version,
                announcement.Port.ToString(CultureInfo.InvariantCulture), announcement.HasHealthChecks ? "checks" : "none"]);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("task {Task}: cannot keep its mDNS announcement in its meta dir ({Error}); an agent restart stops announcing it",
                launch.TaskId, e.Message);
        }
    }

    private void ResumeAnnouncement(string taskId)
    {
        var path = Path.Combine(MetaDir(taskId), AnnouncementFile);
        if (!File.Exists(path)) return;
        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length < 5) return;
            var env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [DnsSdServiceType.EnvVariable] = lines[0],
                ["MINIMESOS_APP_ID"] = lines[1],
                ["MINIMESOS_APP_VERSION"] = lines[2],
                ["PORT0"] = lines[3],
            };
            if (AppAnnouncement.FromEnv(taskId, env, lines[4] == "checks") is { } announcement) _announcements[taskId] = announcement;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("task {Task}: its mDNS announcement cannot be read back ({Error}); it is not announced", taskId, e.Message);
        }
    }

    private void ForgetAnnouncement(string taskId) => _announcements.TryRemove(taskId, out _);
}
