using MiniMesos.Core.Streams;

namespace MiniMesos.Core.Compression;

/// <summary>
/// A read-only, forward-only stream over a decoder that produces its output a piece at a time (a block, a chunk): what
/// the xz and zstd decoders share. <see cref="Advance"/> decodes one step and may hand out a piece through
/// <see cref="Pending"/>; reads copy from it until it is used up, then advance again.
/// </summary>
internal abstract class DecodingStream : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _pending;

    /// <summary>The decoded bytes not read yet (set by <see cref="Advance"/>).</summary>
    protected ReadOnlyMemory<byte> Pending { set => _pending = value; }

    /// <summary>Bytes decoded so far, those still pending included.</summary>
    protected abstract long Decoded { get; }

    /// <summary>One step of decoding (it may leave nothing pending); false at the end of the data.</summary>
    protected abstract bool Advance();

    public override int Read(Span<byte> buffer)
    {
        while (_pending.IsEmpty)
            if (!Advance()) return 0;
        var n = Math.Min(buffer.Length, _pending.Length);
        _pending.Span[..n].CopyTo(buffer);
        _pending = _pending[n..];
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Position { get => Decoded - _pending.Length; set => throw new NotSupportedException(); }
}
