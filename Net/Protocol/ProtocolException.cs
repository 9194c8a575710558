namespace MiniMesos.Net.Protocol;

/// <summary>A peer sent a message that breaks the protocol (missing field, wrong type): the connection is closed.</summary>
internal sealed class ProtocolException(string message) : Exception(message);
