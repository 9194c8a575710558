namespace MiniMesos.Isolation.Fetch;

/// <summary>A fetch that cannot be done; the message says why and ends the task's TASK_FAILED with the URI.</summary>
internal sealed class FetchException(string message) : Exception(message);
