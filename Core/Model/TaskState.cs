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
}
