using MiniMesos.Core.Model;

namespace MiniMesos.Net.Master;

/// <summary>Figures for /metrics: offers (leader memory) and what each framework's placed tasks hold.</summary>
internal sealed partial class MasterService
{
    /// <summary>Offers outstanding per external framework in the state (0 for one without offers or before any allocation).</summary>
    public IReadOnlyDictionary<string, int> OutstandingOffersByFramework()
    {
        lock (_gate)
        {
            var counts = _state.Frameworks.Keys.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
            foreach (var offer in _feed?.Allocator.OutstandingOffers ?? [])
            {
                if (counts.ContainsKey(offer.FrameworkId)) counts[offer.FrameworkId]++;
            }
            return counts;
        }
    }

    /// <summary>Resources held on agents per framework: live tasks placed on an agent (a waiting task holds nothing).</summary>
    public IReadOnlyDictionary<string, Resources> AllocatedByFramework()
    {
        lock (_gate)
        {
            return _state.Tasks.Values.Where(t => t.AgentId is not null && !t.State.IsTerminal())
                .GroupBy(OwnerOf, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Aggregate(new Resources(0, 0), (sum, t) => sum + t.Spec.Resources), StringComparer.Ordinal);
        }
    }

    /// <summary>Ended tasks dropped from this master's state by the retention bound since it started.</summary>
    public long DroppedEndedTasks
    {
        get
        {
            lock (_gate) return _state.DroppedEndedTasks;
        }
    }

    /// <summary>The framework a task belongs to: an external one, or the built-in apps or one-shot tasks framework.</summary>
    private string OwnerOf(TaskRecord task) =>
        _state.TaskFrameworks.GetValueOrDefault(task.Id) ?? (task.Spec.AppId is not null ? AppsFrameworkId : TasksFrameworkId);
}
