using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;

namespace MiniMesos.Net.Discovery;

/// <summary>
/// Browses <c>_minimesos._tcp.local.</c> and reports instances Found, Updated and Removed with their resolved
/// addresses, port and TXT, optionally only those of one cluster. Discovery is not trust: this reports what the
/// network says; connections authenticate later.
/// </summary>
internal sealed class MdnsBrowser : IAsyncDisposable
{
    private const int EventBuffer = 1024;

    private readonly MdnsOptions _options;
    private readonly TimeProvider _time;
    private readonly ServiceBrowserState _state;
    private readonly Channel<DiscoveryEvent> _events =
        Channel.CreateBounded<DiscoveryEvent>(new BoundedChannelOptions(EventBuffer) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Lock _visibleLock = new();
    private IReadOnlyList<DiscoveredService> _visible = [];
    private MdnsDriver? _driver;

    public MdnsBrowser(string? clusterFilter = null, MdnsOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new MdnsOptions();
        _time = time ?? TimeProvider.System;
        _state = new ServiceBrowserState(MdnsProtocol.ServiceType, clusterFilter);
    }

    /// <summary>Raised on the browser's loop for every change; handlers must be quick.</summary>
    public event Action<DiscoveryEvent>? Changed;

    /// <summary>A snapshot of the instances visible now.</summary>
    public IReadOnlyList<DiscoveredService> Visible
    {
        get
        {
            lock (_visibleLock) return _visible;
        }
    }

    /// <summary>Opens the socket (in the caller's network namespace) and sends the first query.</summary>
    public void Start()
    {
        if (_driver is not null) throw new InvalidOperationException("already started");
        var interfaces = MdnsInterfaces.Resolve(_options);
        if (interfaces.Count == 0) throw new InvalidOperationException("no multicast-capable IPv4 interface for mDNS");
        _driver = new MdnsDriver(new MdnsSocket(interfaces), new Logic(this), _time);
        _driver.Start();
    }

    /// <summary>Changes as they happen, until <paramref name="cancellationToken"/> fires or the browser stops.</summary>
    public async IAsyncEnumerable<DiscoveryEvent> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _events.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_events.Reader.TryRead(out var e)) yield return e;
        }
    }

    public async Task StopAsync()
    {
        if (_driver is null) return;
        await _driver.DisposeAsync();
        _driver = null;
        _events.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private IReadOnlyList<MdnsSend> Apply(BrowserStep step)
    {
        if (step.Events.Count > 0)
        {
            lock (_visibleLock) _visible = [.. _state.Visible];
            foreach (var e in step.Events)
            {
                _events.Writer.TryWrite(e);
                Changed?.Invoke(e);
            }
        }
        return [.. step.Queries.Select(q => new MdnsSend(q))];
    }

    private sealed class Logic(MdnsBrowser browser) : IMdnsLogic
    {
        public IReadOnlyList<MdnsSend> Start(DateTimeOffset now) => browser.Apply(browser._state.Start(now));

        public IReadOnlyList<MdnsSend> Receive(DnsMessage message, IPEndPoint source, DateTimeOffset now) =>
            browser.Apply(browser._state.Receive(message, now));

        public IReadOnlyList<MdnsSend> Tick(DateTimeOffset now) => browser.Apply(browser._state.Tick(now));

        public DateTimeOffset? NextWake(DateTimeOffset now) => browser._state.NextWake(now);
    }
}
