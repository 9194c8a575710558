using MiniMesos.Core.Frameworks.Apps;

namespace MiniMesos.Net.Master;

/// <summary>An app was not committed: it asked for a service port it cannot have (taken: 409; outside the range or given twice: 422).</summary>
internal sealed class ServicePortException(ServicePortConflict conflict) : Exception($"{conflict.Field}: {conflict.Reason}")
{
    public ServicePortConflict Conflict { get; } = conflict;
}
