namespace MiniMesos.Net.Wire;

/// <summary>A transport failure: oversize or truncated frame, timeout, broken stream. The connection is unusable afterwards.</summary>
internal sealed class WireException : Exception
{
    public WireException(string message)
        : base(message)
    {
    }

    public WireException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
