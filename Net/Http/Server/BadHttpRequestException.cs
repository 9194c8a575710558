namespace MiniMesos.Net.Http.Server;

/// <summary>A request the server cannot finish reading (a body over its limit, a malformed chunk, a stalled upload): answered with the status, the connection closed.</summary>
internal sealed class BadHttpRequestException(int status, string message) : Exception(message)
{
    public int StatusCode { get; } = status;
}
