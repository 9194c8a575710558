namespace MiniMesos.Net.Storage;

/// <summary>
/// The data dir cannot be used as it is (corrupt, foreign, unknown format, I/O failure). The message says what is wrong
/// and what the operator can do; the store never resets data on its own.
/// </summary>
internal sealed class StorageException : Exception
{
    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
