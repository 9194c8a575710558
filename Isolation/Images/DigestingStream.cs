using System.Security.Cryptography;
using MiniMesos.Core.Streams;

namespace MiniMesos.Isolation.Images;

/// <summary>A read-only pass-through that hashes (sha256) and counts what is read, refusing to read past <see cref="MaxBytes"/>.</summary>
internal sealed class DigestingStream(Stream inner, long maxBytes, string what) : ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long MaxBytes { get; } = maxBytes;
    public long BytesRead { get; private set; }

    /// <summary>Reads the rest of the stream (a tar's trailing padding counts towards its digest) and returns the digest's hex.</summary>
    public string DrainAndHash()
    {
        var buffer = new byte[81920];
        while (Read(buffer, 0, buffer.Length) > 0) { }
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        BytesRead += n;
        if (BytesRead > MaxBytes) throw new LayerUnpackException($"{what}: more than {MaxBytes} bytes");
        _hash.AppendData(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        BytesRead += n;
        if (BytesRead > MaxBytes) throw new LayerUnpackException($"{what}: more than {MaxBytes} bytes");
        _hash.AppendData(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { _hash.Dispose(); inner.Dispose(); }
        base.Dispose(disposing);
    }
}
