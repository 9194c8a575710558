using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Master;

/// <summary>GET /v1/frameworks: the external frameworks, then the built-in apps and one-shot tasks frameworks.</summary>
internal sealed partial class MasterService
{
    public const string AppsFrameworkId = AllocatorFeed.Apps;
    public const string TasksFrameworkId = AllocatorFeed.Tasks;

    public FrameworkList FrameworkViews()
    {
        var state = ReadView;
        var live = state.Tasks.Values.Where(t => !t.State.IsTerminal()).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        var owned = live.ToLookup(t => OwnerOf(state, t), StringComparer.Ordinal);
        var views = state.Frameworks.Values.OrderBy(f => f.Id, StringComparer.Ordinal)
            .Select(f => View(f.Id, f.Name, "external", f.Role, _offers.IsConnected(f.Id), f.FailoverTimeoutSeconds, owned[f.Id]))
            .ToList();
        views.Add(View(AppsFrameworkId, "apps", "built-in", "*", true, null, owned[AppsFrameworkId]));
        views.Add(View(TasksFrameworkId, "one-shot tasks", "built-in", "*", true, null, owned[TasksFrameworkId]));
        return new FrameworkList(views);
    }

    private static FrameworkView View(string id, string name, string kind, string role, bool connected, double? failover, IEnumerable<TaskRecord> tasks)
    {
        var list = tasks.ToList();
        var used = list.Aggregate(new Resources(0, 0), (sum, t) => sum + t.Spec.Resources);
        return new FrameworkView(id, name, kind, role, connected, failover, list.Select(t => t.Id).ToList(), used.Cpus, used.MemMb, used.DiskMb);
    }
}
