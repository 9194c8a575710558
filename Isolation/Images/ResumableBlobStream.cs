using MiniMesos.Core.Streams;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// A registry blob read as one stream across dropped connections. When the body breaks off (an I/O error mid-read, or
/// its end before the descriptor's size), the rest is asked for again from the byte reached, with an HTTP Range
/// request; a registry that ignores Range answers with the whole blob and the bytes already read are skipped. At most
/// <see cref="MaxResumes"/> resumes per blob, each after a short pause. Nothing here is trusted: the caller hashes
/// the whole stream and checks its size, so a resumed part that does not fit fails the blob's digest.
/// </summary>
internal sealed class ResumableBlobStream(Stream first, Func<long, CancellationToken, Task<(Stream Body, long Start)>> reopen,
    long? size, string what, Action<string> onResume) : ReadOnlyStream
{
    public const int MaxResumes = 5;

    private Stream? _body = first;
    private long _position;
    private int _resumes;

    public int Resumes => _resumes;

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        var chunk = new byte[buffer.Length];
        var n = Read(chunk, 0, chunk.Length);
        chunk.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_body is null && !await ReopenAsync(cancellationToken).ConfigureAwait(false)) continue;
            int n;
            try
            {
                n = await _body!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                Broken(e.Message);
                continue;
            }
            if (n > 0 || buffer.Length == 0)
            {
                _position += n;
                return n;
            }
            if (size is { } expected && _position < expected) { Broken("the body ended early"); continue; }
            return 0;
        }
    }

    /// <summary>Drops the broken body; refuses once the resumes are used up.</summary>
    private void Broken(string reason)
    {
        _body?.Dispose();
        _body = null;
        if (++_resumes > MaxResumes)
            throw new LayerUnpackException($"{what}: the download broke off {_resumes} times, the last at byte {_position} ({reason})");
        onResume($"{what}: the download broke off at byte {_position} ({reason}); resuming ({_resumes}/{MaxResumes})");
    }

    /// <summary>Asks for the rest from <see cref="_position"/>; false when that request failed too (counted as a break).</summary>
    private async Task<bool> ReopenAsync(CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(200 * _resumes), ct).ConfigureAwait(false);
        Stream body;
        long start;
        try
        {
            (body, start) = await reopen(_position, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            Broken(e.Message);
            return false;
        }
        if (start > _position || start < 0)
        {
            body.Dispose();
            throw new LayerUnpackException($"{what}: asked for the rest from byte {_position}, the registry answered from byte {start}");
        }
        _body = body;
        // A registry without Range support starts over: skip what was already read.
        var skip = new byte[81920];
        for (var left = _position - start; left > 0;)
        {
            int n;
            try { n = await body.ReadAsync(skip.AsMemory(0, (int)Math.Min(left, skip.Length)), ct).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested) { Broken(e.Message); return false; }
            if (n == 0) { Broken("the body ended early"); return false; }
            left -= n;
        }
        return true;
    }

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _body?.Dispose();
        base.Dispose(disposing);
    }
}
