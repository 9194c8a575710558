using System.Text;

namespace MiniMesos.Core.Dns;

/// <summary>
/// The names of the app DNS zone <c>&lt;cluster&gt;.minimesos.</c>. An app id's path segments are reversed, as Marathon
/// names its tasks and Mesos-DNS serves them: <c>/prod/web</c> is <c>web.prod.&lt;zone&gt;</c> (A/AAAA) and
/// <c>_web.prod._tcp.&lt;zone&gt;</c> (SRV). A dot inside a segment stays a label separator (<c>/web.v2</c> is
/// <c>web.v2.&lt;zone&gt;</c>), so two ids may share a name; the name then holds both apps' instances.
/// </summary>
internal static class AppDnsNames
{
    public const string Domain = "minimesos";

    public static DnsName Zone(string cluster) => new([.. Labels(cluster), Domain]);

    /// <summary>The app's A/AAAA name, or null when the id makes no valid DNS name (a segment over 63 bytes).</summary>
    public static DnsName? App(string appId, DnsName zone) => Try(() => new DnsName([.. AppLabels(appId), .. zone.Labels]));

    /// <summary>The app's SRV name: its first label with an underscore, the rest, then <c>_tcp</c>.</summary>
    public static DnsName? Srv(string appId, DnsName zone) => Try(() =>
    {
        var labels = AppLabels(appId);
        return new DnsName(["_" + labels[0], .. labels.Skip(1), "_tcp", .. zone.Labels]);
    });

    /// <summary>The SRV target naming one agent: <c>&lt;agent id as a label&gt;.agents.&lt;zone&gt;</c>.</summary>
    public static DnsName Agent(string agentId, DnsName zone) => new([Label(agentId), "agents", .. zone.Labels]);

    public static DnsName Leader(DnsName zone) => zone.Prepend("leader");

    public static DnsName Masters(DnsName zone) => zone.Prepend("masters");

    private static List<string> AppLabels(string appId)
    {
        var segments = appId.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse();
        return [.. segments.SelectMany(s => s.Split('.', StringSplitOptions.RemoveEmptyEntries)).Select(s => s.ToLowerInvariant())];
    }

    private static IEnumerable<string> Labels(string text) =>
        text.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(l => l.ToLowerInvariant());

    /// <summary>Letters, digits and '-' only, at most 63 bytes: agent ids are free text.</summary>
    private static string Label(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (sb.Length >= DnsName.MaxLabelBytes) break;
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var label = sb.ToString().Trim('-');
        return label.Length == 0 ? "agent" : label;
    }

    private static DnsName? Try(Func<DnsName> make)
    {
        try
        {
            return make();
        }
        catch (DnsFormatException)
        {
            return null;
        }
    }
}
