using System.Text;
using System.Text.RegularExpressions;
using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>Renaming after a conflict (RFC 6762 §9, RFC 6763 §4.1) and host labels derived from instance names.</summary>
internal static partial class MdnsNaming
{
    /// <summary>"name" becomes "name (2)", "name (2)" becomes "name (3)".</summary>
    public static string NextInstanceName(string name)
    {
        var m = NumberedInstance().Match(name);
        return m.Success
            ? Fit(m.Groups[1].Value, $" ({int.Parse(m.Groups[2].Value) + 1})")
            : Fit(name, " (2)");
    }

    /// <summary>"host" becomes "host-2", "host-2" becomes "host-3".</summary>
    public static string NextHostLabel(string label)
    {
        var m = NumberedHost().Match(label);
        return m.Success ? Fit(m.Groups[1].Value, $"-{int.Parse(m.Groups[2].Value) + 1}") : Fit(label, "-2");
    }

    /// <summary>Shortens the base so base + suffix stays a legal 63-byte label, however many renames happen.</summary>
    private static string Fit(string baseName, string suffix)
    {
        var budget = DnsName.MaxLabelBytes - Encoding.UTF8.GetByteCount(suffix);
        while (Encoding.UTF8.GetByteCount(baseName) > budget)
        {
            baseName = baseName[..^1];
            if (baseName.Length > 0 && char.IsHighSurrogate(baseName[^1])) baseName = baseName[..^1];
        }
        return baseName + suffix;
    }

    /// <summary>A DNS-friendly host label: letters, digits and '-', at most 50 bytes so renames still fit.</summary>
    public static string HostLabelFor(string instanceName)
    {
        var sb = new StringBuilder();
        foreach (var c in instanceName.ToLowerInvariant())
        {
            if (sb.Length >= 50) break;
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var label = sb.ToString().Trim('-');
        return label.Length == 0 ? "minimesos" : label;
    }

    /// <summary>
    /// Whether a node id has the shape of one drawn at random when the node was first started: a master's (a decimal number
    /// of at least 2^32; 53 random bits) or an agent's (ending in '-' and 8 lowercase hex digits; 32 random bits). An id
    /// written by hand (e.g. "pi4") is not, and its advertisement probes in full (<see cref="ServiceInstance.RandomName"/>).
    /// </summary>
    public static bool IsRandomNodeId(string nodeId) =>
        ulong.TryParse(nodeId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id >= 1UL << 32
            : RandomAgentSuffix().IsMatch(nodeId);

    [GeneratedRegex(@"-[0-9a-f]{8}$")]
    private static partial Regex RandomAgentSuffix();

    [GeneratedRegex(@"^(.*) \((\d{1,6})\)$")]
    private static partial Regex NumberedInstance();

    [GeneratedRegex(@"^(.*)-(\d{1,6})$")]
    private static partial Regex NumberedHost();
}
