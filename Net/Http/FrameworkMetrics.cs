using System.Globalization;
using System.Text;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>
/// The frameworks' part of /metrics: external frameworks subscribed and connected, offers outstanding per external
/// framework, and cpus/memory held on agents by each framework's live tasks (the built-in apps and one-shot tasks included).
/// </summary>
internal static class FrameworkMetrics
{
    public static void Render(StringBuilder text, MasterService master)
    {
        var frameworks = master.FrameworkViews().Frameworks;
        var external = frameworks.Where(f => f.Kind == "external").ToList();
        Gauge(text, "minimesos_frameworks_subscribed", "External frameworks registered in the cluster state, connected or not.");
        text.Append(CultureInfo.InvariantCulture, $"minimesos_frameworks_subscribed {external.Count}\n");
        Gauge(text, "minimesos_frameworks_connected", "External frameworks connected to this master.");
        text.Append(CultureInfo.InvariantCulture, $"minimesos_frameworks_connected {external.Count(f => f.Connected)}\n");

        Gauge(text, "minimesos_offers_outstanding", "Resource offers sent to an external framework and not yet accepted, declined or rescinded.");
        foreach (var (id, count) in master.OutstandingOffersByFramework().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"minimesos_offers_outstanding{{framework=\"{Escape(id)}\"}} {count}\n");

        var allocated = master.AllocatedByFramework();
        var held = frameworks.Select(f => (Id: Escape(f.Id), Used: allocated.GetValueOrDefault(f.Id, new Resources(0, 0)))).ToList();
        Gauge(text, "minimesos_allocated_cpus", "CPUs held on agents by a framework's live tasks.");
        foreach (var (id, used) in held) text.Append(CultureInfo.InvariantCulture, $"minimesos_allocated_cpus{{framework=\"{id}\"}} {used.Cpus}\n");
        Gauge(text, "minimesos_allocated_mem_bytes", "Memory held on agents by a framework's live tasks.");
        foreach (var (id, used) in held) text.Append(CultureInfo.InvariantCulture, $"minimesos_allocated_mem_bytes{{framework=\"{id}\"}} {used.MemMb * 1024 * 1024}\n");
    }

    private static void Gauge(StringBuilder text, string name, string help) => text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n");

    /// <summary>A Prometheus label value: backslash, double quote and newline escaped.</summary>
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
