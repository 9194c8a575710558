namespace MiniMesos.Core.Frameworks.Jobs;

internal enum JobRunState
{
    /// <summary>Decided; the task is being launched or runs.</summary>
    Active,
    /// <summary>Failed, a retry is due at NotBeforeMs.</summary>
    RetryPending,
    Succeeded,
    Failed,
}
