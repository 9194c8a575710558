using System.Security.Authentication;
using System.Text;

namespace MiniMesos.Net.Security.OpenSsl;

/// <summary>
/// TLS over a connected stream, done by the system's libssl directly: the CLI's client for the master's API. .NET's own
/// TLS client costs each short-lived CLI process several milliseconds before its first byte (its crypto layer's start,
/// a probe context, a chain build of its own: docs/protocol.md, "The CLI's TLS client"); this one makes one context with
/// OpenSSL's defaults and the system's OpenSSL configuration, and checks the server with <see cref="PeerCertificates"/>
/// after the handshake and before it returns: no request (and so no bearer token) is written before the server's
/// certificate has been accepted. OpenSSL reads and writes memory buffers only; the network I/O is ours, async and
/// cancellable. One SSL object is never entered by two threads: every call into it holds <see cref="_gate"/>, and
/// records leave in the order they were made (<see cref="_send"/>), so a read pending while a request is written (the
/// HTTP client's check of an idle connection) is safe.
/// </summary>
internal sealed class TlsClientStream : Stream
{
    private const int Chunk = 16 * 1024;
    private readonly Stream _network;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly byte[] _received = new byte[Chunk + 512];
    private nint _ssl;
    private nint _input, _output;   // memory BIOs, owned by _ssl

    private TlsClientStream(Stream network, nint ssl, nint input, nint output)
    {
        _network = network;
        _ssl = ssl;
        _input = input;
        _output = output;
    }

    /// <summary>
    /// Runs the handshake over <paramref name="network"/> (which the stream then owns) and accepts the server only when
    /// <paramref name="check"/> returns null for it; else throws <see cref="AuthenticationException"/> with its reason.
    /// </summary>
    /// <param name="serverName">Sent as SNI when a name, not an address.</param>
    public static async Task<TlsClientStream> ConnectAsync(Stream network, string serverName, Func<nint, string?> check, CancellationToken ct)
    {
        TlsClientStream stream;
        try
        {
            stream = Create(network, serverName);
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);   // OpenSSL missing or out of memory: the socket goes too
            throw;
        }
        try
        {
            while (true)
            {
                int result, error;
                string? failure = null;
                lock (stream._gate)
                {
                    var ssl = stream.Live();
                    LibCrypto.ERR_clear_error();
                    result = LibSsl.SSL_do_handshake(ssl);
                    error = result == 1 ? LibSsl.ErrorNone : LibSsl.SSL_get_error(ssl, result);
                    if (error is not (LibSsl.ErrorNone or LibSsl.ErrorWantRead)) failure = Describe(error);
                }
                await stream.SendPendingAsync(ct).ConfigureAwait(false);
                if (failure is not null) throw new AuthenticationException($"TLS handshake with the server failed: {failure}");
                if (error == LibSsl.ErrorNone) break;
                if (await stream.ReceiveAsync(ct).ConfigureAwait(false) == 0)
                    throw new IOException("the server closed the connection during the TLS handshake");
            }
            string? refusal;
            lock (stream._gate) refusal = check(stream.Live());
            if (refusal is not null) throw new AuthenticationException(refusal);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static unsafe TlsClientStream Create(Stream network, string serverName)
    {
        var ssl = LibSsl.SSL_new(TlsClientContext.Shared);
        var input = LibCrypto.BIO_new(LibCrypto.BIO_s_mem());
        var output = LibCrypto.BIO_new(LibCrypto.BIO_s_mem());
        if (ssl == 0 || input == 0 || output == 0)
        {
            if (input != 0) LibCrypto.BIO_free(input);
            if (output != 0) LibCrypto.BIO_free(output);
            if (ssl != 0) LibSsl.SSL_free(ssl);
            throw new InsufficientMemoryException("OpenSSL could not allocate a TLS connection");
        }
        LibSsl.SSL_set_bio(ssl, input, output);
        LibSsl.SSL_set_connect_state(ssl);
        if (!System.Net.IPAddress.TryParse(serverName, out _) && serverName.Length > 0)
        {
            var name = Encoding.ASCII.GetBytes(serverName + "\0");
            fixed (byte* p = name) LibSsl.SSL_ctrl(ssl, LibSsl.CtrlSetTlsExtHostName, 0, (nint)p);
        }
        return new TlsClientStream(network, ssl, input, output);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        while (true)
        {
            int result, error;
            bool pendingOutput;
            lock (_gate)
            {
                var ssl = Live();
                if (buffer.Length == 0)
                {
                    // A zero-byte read waits for data without taking any.
                    if (LibSsl.SSL_pending(ssl) > 0 || LibCrypto.BIO_ctrl_pending(_input) > 0) return 0;
                    result = -1;
                    error = LibSsl.ErrorWantRead;
                }
                else
                {
                    LibCrypto.ERR_clear_error();
                    result = SslRead(ssl, buffer.Span);
                    error = result > 0 ? LibSsl.ErrorNone : LibSsl.SSL_get_error(ssl, result);
                    if (error is not (LibSsl.ErrorNone or LibSsl.ErrorWantRead or LibSsl.ErrorZeroReturn))
                        throw new IOException($"TLS error reading from the server: {Describe(error)}");
                }
                pendingOutput = LibCrypto.BIO_ctrl_pending(_output) > 0;
            }
            // Reading can make records to send (a key update's answer).
            if (pendingOutput) await SendPendingAsync(ct).ConfigureAwait(false);
            if (result > 0) return result;
            if (error == LibSsl.ErrorZeroReturn) return 0;
            if (await ReceiveAsync(ct).ConfigureAwait(false) == 0) return 0;
            if (buffer.Length == 0) return 0;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (var offset = 0; offset < buffer.Length;)
            {
                var count = Math.Min(Chunk, buffer.Length - offset);
                byte[] records;
                lock (_gate)
                {
                    var ssl = Live();
                    LibCrypto.ERR_clear_error();
                    int written;
                    written = SslWrite(ssl, buffer.Span.Slice(offset, count));
                    if (written <= 0) throw new IOException($"TLS error writing to the server: {Describe(LibSsl.SSL_get_error(ssl, written))}");
                    offset += written;
                    records = TakeOutput();
                }
                await _network.WriteAsync(records, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Sends what OpenSSL has written to the output buffer, in order.</summary>
    private async Task SendPendingAsync(CancellationToken ct)
    {
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            byte[] records;
            lock (_gate) records = _ssl == 0 ? [] : TakeOutput();
            if (records.Length > 0) await _network.WriteAsync(records, ct).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Reads what the network has into OpenSSL's input buffer; 0 at the end of the stream.</summary>
    private async Task<int> ReceiveAsync(CancellationToken ct)
    {
        var count = await _network.ReadAsync(_received, ct).ConfigureAwait(false);
        if (count == 0) return 0;
        lock (_gate)
        {
            Live();
            BufferReceived(count);
        }
        return count;
    }

    private static unsafe int SslRead(nint ssl, Span<byte> buffer)
    {
        fixed (byte* p = buffer) return LibSsl.SSL_read(ssl, p, buffer.Length);
    }

    private static unsafe int SslWrite(nint ssl, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer) return LibSsl.SSL_write(ssl, p, buffer.Length);
    }

    private unsafe void BufferReceived(int count)
    {
        fixed (byte* p = _received)
        {
            if (LibCrypto.BIO_write(_input, p, count) != count) throw new IOException("OpenSSL could not buffer what the server sent");
        }
    }

    private unsafe byte[] TakeOutput()
    {
        var pending = (int)LibCrypto.BIO_ctrl_pending(_output);
        if (pending == 0) return [];
        var records = new byte[pending];
        fixed (byte* p = records)
        {
            if (LibCrypto.BIO_read(_output, p, pending) != pending) throw new IOException("OpenSSL's output buffer gave less than it holds");
        }
        return records;
    }

    private nint Live() => _ssl != 0 ? _ssl : throw new ObjectDisposedException(nameof(TlsClientStream));

    /// <summary>OpenSSL's reason for a failed call, from this thread's error queue.</summary>
    private static unsafe string Describe(int error)
    {
        var code = LibCrypto.ERR_get_error();
        LibCrypto.ERR_clear_error();
        if (code == 0)
            return error == LibSsl.ErrorSyscall ? "the connection ended unexpectedly" : $"SSL error {error}";
        var text = stackalloc byte[256];
        LibCrypto.ERR_error_string_n(code, text, 256);
        var reason = new string((sbyte*)text);
        // "error:0A00010B:SSL routines::wrong version number" -> its last part, which is what people can act on.
        var last = reason.LastIndexOf(':');
        return last >= 0 && last < reason.Length - 1 ? reason[(last + 1)..] : reason;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _network.Dispose();
            lock (_gate)
            {
                if (_ssl != 0) LibSsl.SSL_free(_ssl);   // frees both BIOs
                _ssl = _input = _output = 0;
            }
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken ct) => _network.FlushAsync(ct);
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
