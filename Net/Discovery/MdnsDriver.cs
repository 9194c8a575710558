using System.Net;
using System.Threading.Channels;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;

namespace MiniMesos.Net.Discovery;

/// <summary>
/// The thin I/O loop around pure mDNS logic: one task owns the logic and feeds it received packets, timer
/// wake-ups and posted commands in order; another only reads the socket. Time comes from a TimeProvider.
/// </summary>
internal sealed class MdnsDriver : IAsyncDisposable
{
    private static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly MdnsSocket _socket;
    private readonly IMdnsLogic _logic;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _origin;
    private readonly long _originTimestamp;
    private readonly Channel<Func<DateTimeOffset, IReadOnlyList<MdnsSend>>> _inputs =
        Channel.CreateBounded<Func<DateTimeOffset, IReadOnlyList<MdnsSend>>>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _faults;
    private Task _receiver = Task.CompletedTask;

    public MdnsDriver(MdnsSocket socket, IMdnsLogic logic, TimeProvider time)
    {
        _socket = socket;
        _logic = logic;
        _time = time;
        _origin = time.GetUtcNow();
        _originTimestamp = time.GetTimestamp();
    }

    public MdnsSocket Socket => _socket;

    /// <summary>Packets that made the logic throw (a bug, but one packet from the LAN must not end discovery).</summary>
    public int Faults => _faults;

    public Exception? LastFault { get; private set; }

    public void Start()
    {
        Send(_logic.Start(Now()));
        _loop = Task.Run(LoopAsync);
        _receiver = Task.Run(ReceiveAsync);
    }

    /// <summary>Runs <paramref name="command"/> on the loop, in order with packets; completes when it ran.</summary>
    public Task PostAsync(Func<DateTimeOffset, IReadOnlyList<MdnsSend>> command)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = _inputs.Writer.TryWrite(now =>
        {
            try
            {
                var sends = command(now);
                done.TrySetResult();
                return sends;
            }
            catch (Exception ex)
            {
                // The caller's mistake (e.g. a TXT value over 255 bytes) goes back to the caller, not the loop.
                done.TrySetException(ex);
                return [];
            }
        });
        if (!posted) done.TrySetResult();
        return done.Task;
    }

    /// <summary>Stops both loops; <paramref name="finalCommand"/> (e.g. the goodbye) runs last and its packets are sent.</summary>
    public async Task StopAsync(Func<DateTimeOffset, IReadOnlyList<MdnsSend>>? finalCommand = null)
    {
        try
        {
            if (finalCommand is not null && !_stop.IsCancellationRequested)
            {
                if (_loop.IsCompleted) Send(finalCommand(Now()));
                else await PostAsync(finalCommand).WaitAsync(StopTimeout).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            // A stuck loop must not block shutdown.
        }
        await _stop.CancelAsync();
        _inputs.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_loop, _receiver).WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // expected on stop
        }
        catch (TimeoutException)
        {
            // reported by the loops never finishing; the socket is closed next anyway
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            DnsMessage message;
            IPEndPoint source;
            try
            {
                (message, source) = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Transient (e.g. ICMP-induced errors); keep listening, but never spin.
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, _stop.Token).ConfigureAwait(false);
                continue;
            }
            _inputs.Writer.TryWrite(now => ReceiveSafely(message, source, now));
        }
    }

    private IReadOnlyList<MdnsSend> ReceiveSafely(DnsMessage message, IPEndPoint source, DateTimeOffset now)
    {
        try
        {
            return _logic.Receive(message, source, now);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _faults);
            LastFault = ex;
            return [];
        }
    }

    private async Task LoopAsync()
    {
        var reader = _inputs.Reader;
        Task<bool>? readable = null;
        while (!_stop.IsCancellationRequested)
        {
            var now = Now();
            Send(_logic.Tick(now));
            while (reader.TryRead(out var input)) Send(input(Now()));
            var wake = _logic.NextWake(Now());
            readable ??= reader.WaitToReadAsync(_stop.Token).AsTask();
            if (wake is { } at)
            {
                // A floor on the wait keeps a logic bug from turning into a busy loop.
                var delay = at - Now();
                if (delay < MinWait) delay = MinWait;
                using var delayCancel = new CancellationTokenSource();
                var timer = Task.Delay(delay, _time, delayCancel.Token);
                await Task.WhenAny(readable, timer).ConfigureAwait(false);
                await delayCancel.CancelAsync();
            }
            else
            {
                await Task.WhenAny(readable).ConfigureAwait(false);
            }
            if (readable.IsCompleted)
            {
                if (readable.IsCanceled || readable.IsFaulted || !readable.Result) return;
                readable = null;
            }
        }
    }

    private void Send(IReadOnlyList<MdnsSend> sends)
    {
        foreach (var s in sends) _socket.Send(s);
    }

    /// <summary>
    /// The clock the mDNS logic sees (record lifetimes, probe and announce timing): the wall time at start advanced by the
    /// monotonic clock, so a wall clock that jumps at an NTP sync neither expires every record nor keeps stale ones.
    /// </summary>
    private DateTimeOffset Now() => _origin + _time.GetElapsedTime(_originTimestamp);
}
