namespace MiniMesos.Isolation;

/// <summary>A task could not be started; the message says why in words a user can act on.</summary>
internal sealed class TaskLaunchException(string message, Exception? inner = null) : Exception(message, inner);
