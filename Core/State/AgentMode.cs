namespace MiniMesos.Core.State;

/// <summary>An agent's state as shown to users (lower-case in the API): what the master does with it.</summary>
internal enum AgentMode
{
    /// <summary>Takes new tasks.</summary>
    Active,

    /// <summary>Silent past the unreachable timeout: its tasks are TASK_UNREACHABLE, nothing new goes there.</summary>
    Unreachable,

    /// <summary>Being drained: no new tasks, its tasks are being killed.</summary>
    Draining,

    /// <summary>Drained and empty: no new tasks until it is reactivated.</summary>
    Drained,
}
