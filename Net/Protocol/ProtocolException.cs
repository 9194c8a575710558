namespace MiniMesos.Net.Protocol;

/// <summary>
/// A peer sent a message that breaks the protocol (missing field, wrong type): the connection is closed, except on
/// a framework connection, which answers with an error naming <see cref="MessageType"/> and <see cref="Field"/>.
/// </summary>
internal sealed class ProtocolException(string message, string? messageType = null, string? fieldName = null) : Exception(message)
{
    public string? MessageType => messageType;

    public string? Field => fieldName;
}
