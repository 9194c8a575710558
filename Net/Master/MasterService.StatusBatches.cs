using MiniMesos.Net.Master.Status;

namespace MiniMesos.Net.Master;

internal sealed partial class MasterService
{
    /// <summary>Most status updates per log entry (<see cref="StatusBatcher"/>).</summary>
    internal const int MaxStatusUpdatesPerEntry = StatusBatcher.MaxUpdatesPerEntry;
}
