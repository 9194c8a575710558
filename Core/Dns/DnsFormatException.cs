namespace MiniMesos.Core.Dns;

/// <summary>A DNS message is malformed (or a name cannot be encoded); the one error the codec throws.</summary>
internal sealed class DnsFormatException(string message) : Exception(message);
