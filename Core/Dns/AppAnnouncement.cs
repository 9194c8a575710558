using System.Globalization;

namespace MiniMesos.Core.Dns;

/// <summary>
/// One app instance an agent announces over mDNS/DNS-SD: its service type (the app's MINIMESOS_DNSSD label), the app id
/// and version (carried in TXT), its first host port (the SRV port), and whether it has health checks (then it is
/// announced only while healthy).
/// </summary>
internal sealed record AppAnnouncement(string TaskId, string AppId, string Version, string ServiceType, ushort Port, bool HasHealthChecks)
{
    /// <summary>
    /// From a task's environment as the master built it (MINIMESOS_DNSSD, MINIMESOS_APP_ID, MINIMESOS_APP_VERSION, PORT0);
    /// null when the task asks for no announcement or the values do not make one (checked again here: the agent trusts no spec).
    /// </summary>
    public static AppAnnouncement? FromEnv(string taskId, IReadOnlyDictionary<string, string> env, bool hasHealthChecks)
    {
        if (!env.TryGetValue(DnsSdServiceType.EnvVariable, out var type) || DnsSdServiceType.Invalid(type) is not null) return null;
        if (!env.TryGetValue("MINIMESOS_APP_ID", out var appId) || appId.Length is 0 or > 200) return null;
        if (!env.TryGetValue("PORT0", out var portText) || !ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
            return null;
        var version = env.GetValueOrDefault("MINIMESOS_APP_VERSION") ?? "";
        return new AppAnnouncement(taskId, appId, version.Length > 100 ? version[..100] : version, type, port, hasHealthChecks);
    }

    /// <summary>The DNS-SD instance label: <c>web (pi2)</c> for app /web on agent pi2, at most 63 bytes (the host name is kept whole).</summary>
    public string InstanceName(string hostname)
    {
        var app = AppId.Trim('/');
        var suffix = $" ({(hostname.Length > 40 ? hostname[..40] : hostname)})";
        var room = DnsName.MaxLabelBytes - System.Text.Encoding.UTF8.GetByteCount(suffix);
        if (app.Length > room) app = app[..room];
        return app + suffix;
    }
}
