namespace MiniMesos.Core.Http;

/// <summary>How much of a request head the API's server reads before refusing it (Kestrel's defaults).</summary>
internal sealed record HttpLimits
{
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;
    public int MaxHeaderBytes { get; init; } = 32 * 1024;
    public int MaxHeaders { get; init; } = 100;
}
