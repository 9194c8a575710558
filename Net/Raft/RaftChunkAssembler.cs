using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Raft;

/// <summary>
/// Joins the <see cref="RaftChunk"/>s received on one connection back into one payload. Strict: one transfer at a
/// time, chunks in order from 0, the same id, count and size on every chunk, no empty chunk, exactly the announced
/// bytes, and a size cap. Any violation throws <see cref="ProtocolException"/> (the receiver closes the connection);
/// a connection that drops mid-transfer takes its assembler, and so the partial transfer, with it.
/// </summary>
internal sealed class RaftChunkAssembler(int maxBytes = LargeMessageLimits.MaxBytes)
{
    private RaftChunk? _first;
    private byte[]? _buffer;
    private int _filled;
    private int _next;

    /// <summary>True between the first and the last chunk of a transfer.</summary>
    public bool InProgress => _buffer is not null;

    /// <summary>Adds one chunk; returns the whole payload once the last chunk is in, otherwise null.</summary>
    public byte[]? Add(RaftChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        try
        {
            return Accept(chunk);
        }
        catch (ProtocolException)
        {
            Reset();
            throw;
        }
    }

    private byte[]? Accept(RaftChunk chunk)
    {
        if (_first is not { } first)
        {
            if (chunk.Sequence != 0)
                throw Bad($"chunk {chunk.Sequence} of transfer {chunk.TransferId} arrived with no transfer in progress (expected chunk 0)");
            if (chunk.TotalBytes < 1 || chunk.TotalBytes > maxBytes)
                throw Bad($"transfer {chunk.TransferId} announces {chunk.TotalBytes} bytes: must be 1 to {maxBytes}");
            if (chunk.Count < 1 || chunk.Count > chunk.TotalBytes)
                throw Bad($"transfer {chunk.TransferId} announces {chunk.Count} chunks for {chunk.TotalBytes} bytes");
            first = chunk;
        }
        else
        {
            if (chunk.TransferId != first.TransferId)
                throw Bad($"transfer {chunk.TransferId} started while transfer {first.TransferId} is at chunk {_next} of {first.Count}");
            if (chunk.Sequence != _next)
                throw Bad($"chunk {chunk.Sequence} of transfer {first.TransferId} is out of order: expected chunk {_next}");
            if (chunk.Count != first.Count || chunk.TotalBytes != first.TotalBytes)
                throw Bad($"chunk {chunk.Sequence} of transfer {first.TransferId} announces {chunk.Count} chunks and {chunk.TotalBytes} bytes, "
                    + $"not {first.Count} and {first.TotalBytes} as chunk 0 did");
        }
        if (chunk.Data.Length == 0) throw Bad($"chunk {chunk.Sequence} of transfer {first.TransferId} is empty");
        if (_filled + (long)chunk.Data.Length > first.TotalBytes)
            throw Bad($"chunk {chunk.Sequence} of transfer {first.TransferId} goes past the announced {first.TotalBytes} bytes");
        var last = chunk.Sequence == first.Count - 1;
        if (!last && _filled + chunk.Data.Length == first.TotalBytes)
            throw Bad($"transfer {first.TransferId} has all its {first.TotalBytes} bytes at chunk {chunk.Sequence} of {first.Count}");
        if (last && _filled + chunk.Data.Length != first.TotalBytes)
            throw Bad($"transfer {first.TransferId} ended with {_filled + chunk.Data.Length} of the announced {first.TotalBytes} bytes");

        // The size was checked against the cap above, and the peer passed the handshake: take the whole buffer now.
        _buffer ??= new byte[first.TotalBytes];
        _first = first;
        chunk.Data.Span.CopyTo(_buffer.AsSpan(_filled));
        _filled += chunk.Data.Length;
        _next++;
        if (!last) return null;
        var whole = _buffer;
        Reset();
        return whole;
    }

    private void Reset()
    {
        _first = null;
        _buffer = null;
        _filled = 0;
        _next = 0;
    }

    private static ProtocolException Bad(string detail) => new($"malformed raft_chunk: {detail}");
}
