using System.Net;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;

namespace MiniMesos.Net.Discovery;

/// <summary>
/// Advertises one <see cref="ServiceInstance"/> of <c>_minimesos._tcp.local.</c>: probes, announces, answers,
/// renames on conflict and says goodbye on stop. Empty <see cref="ServiceInstance.Addresses"/> means the
/// addresses of the interfaces in use.
/// </summary>
internal sealed class MdnsAdvertiser : IAsyncDisposable
{
    private readonly MdnsOptions _options;
    private readonly TimeProvider _time;
    private readonly Random? _random;
    private ServiceInstance _instance;
    private MdnsResponder? _responder;
    private MdnsDriver? _driver;
    private IReadOnlyList<IPAddress> _interfaceAddresses = [];

    public MdnsAdvertiser(ServiceInstance instance, MdnsOptions? options = null, TimeProvider? time = null, Random? random = null)
    {
        _instance = instance;
        _options = options ?? new MdnsOptions();
        _time = time ?? TimeProvider.System;
        _random = random;
    }

    /// <summary>The instance name in use (differs from the requested one after a conflict).</summary>
    public string InstanceName => _responder?.Records.InstanceLabel ?? _instance.InstanceName;

    public MdnsResponderPhase Phase => _responder?.Phase ?? MdnsResponderPhase.Idle;

    /// <summary>Name conflicts lost so far (each renamed the advertisement).</summary>
    public int Conflicts => _responder?.Conflicts ?? 0;

    /// <summary>Opens the socket (in the caller's network namespace) and starts probing.</summary>
    public void Start()
    {
        if (_driver is not null) throw new InvalidOperationException("already started");
        var interfaces = MdnsInterfaces.Resolve(_options);
        if (interfaces.Count == 0) throw new InvalidOperationException("no multicast-capable IPv4 interface for mDNS");
        _interfaceAddresses = MdnsInterfaces.AdvertisedAddresses(_options);
        _responder = new MdnsResponder(WithAddresses(_instance), _random);
        _driver = new MdnsDriver(new MdnsSocket(interfaces), new Logic(_responder), _time);
        _driver.Start();
    }

    /// <summary>
    /// Re-announces after an address, port or TXT change (RFC 6762 §8.4). <paramref name="interfaces"/>, when
    /// given, replaces the interfaces the socket is joined on (one address each) and the default addresses.
    /// </summary>
    public Task UpdateAsync(ServiceInstance instance, IReadOnlyList<IPAddress>? interfaces = null) =>
        UpdateAsync(instance, interfaces, interfaces);

    /// <summary>
    /// Looks at the machine's interfaces again (call it when the OS reports an address change, e.g.
    /// NetworkChange.NetworkAddressChanged): joins new ones, leaves vanished ones and re-announces the addresses.
    /// Enumerates on the calling thread, in the caller's network namespace.
    /// </summary>
    public Task RefreshInterfacesAsync() =>
        UpdateAsync(_instance, MdnsInterfaces.Resolve(_options), MdnsInterfaces.AdvertisedAddresses(_options));

    private Task UpdateAsync(ServiceInstance instance, IReadOnlyList<IPAddress>? interfaces, IReadOnlyList<IPAddress>? addresses)
    {
        var driver = _driver ?? throw new InvalidOperationException("not started");
        return driver.PostAsync(now =>
        {
            var defaults = addresses is { Count: > 0 } ? addresses : _interfaceAddresses;
            var sends = _responder!.Update(instance.Addresses.Count > 0 ? instance : instance with { Addresses = defaults }, now);
            // Only once the new records were accepted: a rejected update leaves everything as it was.
            _instance = instance;
            _interfaceAddresses = defaults;
            if (interfaces is { Count: > 0 }) driver.Socket.Join(interfaces);
            return sends;
        });
    }

    /// <summary>Sends the goodbye (all records with TTL 0) and closes the socket.</summary>
    public async Task StopAsync()
    {
        if (_driver is null) return;
        await _driver.StopAsync(_ => _responder!.Stop());
        await _driver.DisposeAsync();
        _driver = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private ServiceInstance WithAddresses(ServiceInstance instance) =>
        instance.Addresses.Count > 0 ? instance : instance with { Addresses = _interfaceAddresses };

    private sealed class Logic(MdnsResponder responder) : IMdnsLogic
    {
        public IReadOnlyList<MdnsSend> Start(DateTimeOffset now) => responder.Start(now);

        public IReadOnlyList<MdnsSend> Receive(DnsMessage message, IPEndPoint source, DateTimeOffset now) => responder.Receive(message, source, now);

        public IReadOnlyList<MdnsSend> Tick(DateTimeOffset now) => responder.Tick(now);

        public DateTimeOffset? NextWake(DateTimeOffset now) => responder.NextWake;
    }
}
