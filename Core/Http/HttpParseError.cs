namespace MiniMesos.Core.Http;

/// <summary>Why a request cannot be served: the status to answer (400, 413, 414, 431, 501, 505) and a short reason.</summary>
internal sealed record HttpParseError(int Status, string Reason);
