using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>Figures for /metrics: offers (leader memory) and what each framework's placed tasks hold.</summary>
internal sealed partial class MasterService
{
    /// <summary>Offers outstanding per external framework in the state (0 for one without offers or before any allocation).</summary>
    public IReadOnlyDictionary<string, int> OutstandingOffersByFramework() => _offers.OutstandingByFramework(ReadView);

    /// <summary>Resources held on agents per framework: live tasks placed on an agent (a waiting task holds nothing).</summary>
    public IReadOnlyDictionary<string, Resources> AllocatedByFramework()
    {
        var state = ReadView;
        var allocated = new Dictionary<string, Resources>(StringComparer.Ordinal);
        foreach (var task in state.Tasks.Values)
        {
            if (task.AgentId is null || task.State.IsTerminal()) continue;
            var owner = OwnerOf(state, task);
            allocated[owner] = allocated.GetValueOrDefault(owner, new Resources(0, 0)) + task.Spec.Resources;
        }
        return allocated;
    }

    /// <summary>Ended tasks dropped from this master's state by the retention bound since it started.</summary>
    public long DroppedEndedTasks => Read(s => s.DroppedEndedTasks);

    /// <summary>The framework a task belongs to: an external one, or the built-in apps or one-shot tasks framework.</summary>
    private static string OwnerOf(ClusterState state, TaskRecord task) =>
        state.TaskFrameworks.GetValueOrDefault(task.Id) ?? (task.Spec.AppId is not null ? AppsFrameworkId : TasksFrameworkId);
}
