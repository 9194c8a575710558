using MiniMesos.Core.Text;

namespace MiniMesos.Core.Dns;

/// <summary>
/// The app label <c>MINIMESOS_DNSSD</c>: the DNS-SD service type an app's instances are announced as on the LAN
/// (<c>_http._tcp</c>, <c>_ipp._tcp</c>, ...). The service name follows RFC 6335 §5.1 (1-15 letters, digits and
/// hyphens, at least one letter, no hyphen at either end or twice in a row), the protocol is _tcp or _udp (RFC 6763 §7).
/// </summary>
internal static class DnsSdServiceType
{
    public const string Label = "MINIMESOS_DNSSD";

    /// <summary>How the label reaches the agent: the instance's environment (the agent checks it again).</summary>
    public const string EnvVariable = "MINIMESOS_DNSSD";

    /// <summary>Why <paramref name="value"/> is not a service type; null when it is one.</summary>
    public static string? Invalid(string value)
    {
        var parts = value.Split('.');
        if (parts.Length != 2) return $"'{value}' is not a DNS-SD service type such as _http._tcp (a service name and _tcp or _udp)";
        if (parts[1] is not ("_tcp" or "_udp")) return $"'{value}': the protocol must be _tcp or _udp, got '{parts[1]}'";
        var name = parts[0];
        if (!name.StartsWith('_') || name.Length is < 2 or > 16) return $"'{value}': the service name must be '_' and 1 to 15 characters";
        var body = name[1..];
        if (!CharChecks.All(body, c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-'))
            return $"'{value}': the service name may hold only letters, digits and '-'";
        if (!CharChecks.Any(body, char.IsAsciiLetter)) return $"'{value}': the service name needs at least one letter";
        if (body.StartsWith('-') || body.EndsWith('-') || body.Contains("--", StringComparison.Ordinal))
            return $"'{value}': the service name must not start or end with '-' or hold '--'";
        return null;
    }

    /// <summary>The service type under .local, e.g. <c>_http._tcp.local.</c>.</summary>
    public static DnsName Local(string value) => new([.. value.ToLowerInvariant().Split('.'), "local"]);
}
