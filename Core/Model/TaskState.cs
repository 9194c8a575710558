namespace MiniMesos.Core.Model;

/// <summary>Task lifecycle, with Mesos's names on the wire and in the API (TASK_RUNNING ...).</summary>
internal enum TaskState
{
    Staging,
    Starting,
    Running,
    Finished,
    Failed,
    Killed,
    Lost,

    // Appended so the numbers already on the wire and in snapshots keep their meaning.

    /// <summary>Its agent is out of contact: it may still run. Not terminal; it resumes if the agent comes back.</summary>
    Unreachable,

    /// <summary>Its agent stayed away past the gone timeout and was removed. Terminal.</summary>
    Gone,
}
