namespace MiniMesos.Net.MessagePack;

/// <summary>
/// The one exception the codec throws for bad input or limits exceeded, so callers (connections, fuzzers)
/// can catch exactly this and drop the peer; the message says what was expected/found and where.
/// </summary>
internal sealed class MessagePackException : Exception
{
    public MessagePackException(string message, int offset = -1)
        : base(offset >= 0 ? $"MessagePack: {message} at byte offset {offset}" : $"MessagePack: {message}")
    {
        Offset = offset;
    }

    public MessagePackException(string message, Exception inner)
        : base($"MessagePack: {message}", inner)
    {
        Offset = -1;
    }

    /// <summary>Byte offset in the input where the problem was found; -1 when not tied to input.</summary>
    public int Offset { get; }
}
