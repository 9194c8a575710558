using System.Globalization;
using System.Text;

namespace MiniMesos.Net.Cli;

/// <summary>
/// Reads the frames of GET /v1/tasks/ID/output ("NAME LENGTH\n" + LENGTH bytes; NAME stdout, stderr or task) as they
/// arrive: stdout and stderr bytes are copied to their streams (flushed, so a terminal or a pipe sees them at once), the
/// closing task frame is returned. Anything else in the stream is the master's mistake and fails with a clear message.
/// </summary>
internal sealed class TaskOutputFrames(Stream body)
{
    private const int MaxHeaderBytes = 64;
    private const int MaxTaskFrameBytes = 1 << 20;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>Bytes of stdout and stderr copied so far (where a resumed request starts).</summary>
    public long StdoutBytes { get; private set; }
    public long StderrBytes { get; private set; }

    /// <summary>Copies output until the task frame, whose payload (the task's JSON) is returned; null when the stream ended first.</summary>
    public async Task<byte[]?> CopyAsync(Stream stdout, Stream stderr, CancellationToken ct)
    {
        while (await ReadHeaderAsync(ct).ConfigureAwait(false) is var (name, length))
        {
            switch (name)
            {
                case "stdout":
                    await CopyPayloadAsync(length, stdout, n => StdoutBytes += n, ct).ConfigureAwait(false);
                    break;
                case "stderr":
                    await CopyPayloadAsync(length, stderr, n => StderrBytes += n, ct).ConfigureAwait(false);
                    break;
                case "task" when length <= MaxTaskFrameBytes:
                    return await ReadPayloadAsync(length, ct).ConfigureAwait(false);
                default:
                    throw new InvalidDataException($"unexpected frame '{name}' of {length} bytes in a task's output");
            }
        }
        return null;
    }

    /// <summary>The payload of the next frame, which must be <paramref name="name"/> (POST /v1/tasks?follow=true opens with "submitted").</summary>
    public async Task<byte[]> ReadFrameAsync(string name, CancellationToken ct)
    {
        if (await ReadHeaderAsync(ct).ConfigureAwait(false) is not var (got, length))
            throw new IOException($"the master's answer ended before its '{name}' frame");
        if (got != name || length > MaxTaskFrameBytes) throw new InvalidDataException($"expected a '{name}' frame, got '{got}' of {length} bytes");
        return await ReadPayloadAsync(length, ct).ConfigureAwait(false);
    }

    /// <summary>One frame's payload as bytes (a task's JSON: at most <see cref="MaxTaskFrameBytes"/>, checked by the caller).</summary>
    private async Task<byte[]> ReadPayloadAsync(long length, CancellationToken ct)
    {
        var payload = new MemoryStream((int)length);
        await CopyPayloadAsync(length, payload, null, ct).ConfigureAwait(false);
        return payload.ToArray();
    }

    /// <summary>The next frame's name and length; null at the end of the stream (also in the middle of a header: a dropped connection).</summary>
    private async Task<(string Name, long Length)?> ReadHeaderAsync(CancellationToken ct)
    {
        for (var scanned = 0; ; )
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (newline >= 0)
            {
                var header = Encoding.ASCII.GetString(_buffer, _start, newline - _start);
                _start = newline + 1;
                var space = header.IndexOf(' ');
                if (space <= 0 || !long.TryParse(header.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                    throw new InvalidDataException($"malformed frame header '{header}' in a task's output");
                return (header[..space], length);
            }
            scanned = _end - _start;
            if (scanned >= MaxHeaderBytes) throw new InvalidDataException("a frame header in a task's output is too long");
            if (!await FillAsync(ct).ConfigureAwait(false)) return null;
        }
    }

    /// <summary>Copies one frame's payload; <paramref name="copied"/> counts each piece once written (a dropped connection resumes after it).</summary>
    private async Task CopyPayloadAsync(long length, Stream to, Action<int>? copied, CancellationToken ct)
    {
        while (length > 0)
        {
            if (_start == _end && !await FillAsync(ct).ConfigureAwait(false))
                throw new IOException("the master's connection ended in the middle of a frame");
            var n = (int)Math.Min(length, _end - _start);
            await to.WriteAsync(_buffer.AsMemory(_start, n), ct).ConfigureAwait(false);
            copied?.Invoke(n);
            _start += n;
            length -= n;
        }
        await to.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads more bytes after those not consumed yet; false at the end of the stream.</summary>
    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var n = await body.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }
}
