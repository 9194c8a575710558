using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Routing;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Routing;

// dotnet run -c Release -- [--seconds 1] [--rounds 5] [--round-trips 20000] [--load N] [--only direct|splice|copy [--connections]]
// The agent's routing mesh (RoutingMesh, the code the agent runs) in this process, forwarding loopback service ports to
// an echo server and a sink; every figure is measured through the mesh and directly to the backend in the same run,
// interleaved, first on the box as it is and then with N busy processes (default: one per core) competing for the cores.
var seconds = 1.0;
var rounds = 5;
var roundTrips = 20_000;
var load = Environment.ProcessorCount;
string? only = null;
var onlyConnections = args.Contains("--connections");
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--seconds") seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--rounds") rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--round-trips") roundTrips = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--load") load = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--only") only = args[i + 1];
}

using var stop = new CancellationTokenSource();
var echo = Listen();
var sink = Listen();
_ = Serve(echo, EchoAsync, stop.Token);
_ = Serve(sink, SinkAsync, stop.Token);
var (EchoService, SinkService) = (FreePort(), FreePort());
using var mesh = new RoutingMesh(new MeshOptions(HttpPort: 0, BindAddress: IPAddress.Loopback), PortRanges.Empty, NullLogger.Instance);
mesh.Apply(new ServiceTableUpdate(1, 0, [
    new ServiceRoute(EchoService, "/echo", null, [new ServiceEndpoint("echo.1", "127.0.0.1", Port(echo))]),
    new ServiceRoute(SinkService, "/sink", null, [new ServiceEndpoint("sink.1", "127.0.0.1", Port(sink))]),
], []));
if (mesh.Unbound.Count > 0)
{
    Console.Error.WriteLine($"cannot listen: {string.Join("; ", mesh.Unbound.Select(kv => $"{kv.Key}: {kv.Value}"))}");
    return 1;
}

// The paths measured, in this order in every round: direct to the backend first (the baseline), then through the mesh.
var paths = new List<(string Name, Action Use, bool Direct)>
{
    ("direct", () => { }, true),
    ("mesh (splice)", () => TcpPump.UseSplice = true, false),
    ("mesh (buffer copy)", () => TcpPump.UseSplice = false, false),
};

Console.WriteLine($"{Environment.ProcessorCount} cpus; load average before: {LoadAverage()}");
if (only is not null)
{
    // For a profiler (perf, strace -c) attached to this process: one path's throughput (or new connections) only, --rounds times.
    var path = paths.First(p => p.Name.Contains(only, StringComparison.Ordinal));
    path.Use();
    for (var r = 0; r < rounds; r++)
    {
        if (onlyConnections)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var perSecond = await Connections(path.Direct ? Port(echo) : EchoService, seconds);
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"{path.Name}: {perSecond:0} connections/s, CPU per connection {used.TotalMicroseconds / (perSecond * seconds):0} us");
            continue;
        }
        var rate = await Throughput(path.Direct ? Port(sink) : SinkService, seconds);
        Console.WriteLine($"{path.Name}: {rate.MBps:0} MB/s, CPU per GB {rate.CpuMsPerGB:0} ms");
    }
    return 0;
}
// Warm-up: every path once, short and not counted (JIT, thread pool growth, pooled buffers).
foreach (var path in paths)
{
    path.Use();
    await Throughput(path.Direct ? Port(sink) : SinkService, Math.Min(seconds, 0.3));
    await RoundTrips(path.Direct ? Port(echo) : EchoService, 500);
}
await Measure("quiet (the box as it is)");
if (load > 0)
{
    var spinners = StartLoad(load, TimeSpan.FromSeconds(paths.Count * (rounds + 1) * seconds * 2 + 60));
    try
    {
        await Measure($"loaded ({load} busy processes besides)");
    }
    finally
    {
        foreach (var p in spinners)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.Dispose();
        }
    }
}
stop.Cancel();
return 0;

async Task Measure(string phase)
{
    Console.WriteLine($"== {phase}; load average {LoadAverage()}");
    // Throughput: 4 connections each streaming 64 KiB writes into the sink for --seconds; every round measures every path
    // one after another, so they see the same load; medians, and each round's ratio to the direct path of that round.
    // The CPU this process spent per GB moved (clients, sink and mesh together): the mesh's own cost is its excess over
    // the direct path's.
    var rates = paths.Select(_ => new List<Rate>()).ToList();
    for (var round = 0; round < rounds; round++)
        for (var p = 0; p < paths.Count; p++)
        {
            paths[p].Use();
            rates[p].Add(await Throughput(paths[p].Direct ? Port(sink) : SinkService, seconds));
        }
    var direct = rates[0];
    for (var p = 0; p < paths.Count; p++)
    {
        var ratios = rates[p].Zip(direct, (m, d) => m.MBps / d.MBps).ToList();
        var cpu = Median(rates[p].Select(r => r.CpuMsPerGB));
        Console.WriteLine($"throughput {paths[p].Name,-28} {Median(rates[p].Select(r => r.MBps)),6:0} MB/s" +
            (p == 0 ? "  (baseline)                    " : $"  {100 * Median(ratios),3:0}% of direct ({string.Join(" ", ratios.Select(r => $"{100 * r:0}"))})") +
            $"  CPU/GB {cpu:0} ms" + (p == 0 ? "" : $" (+{cpu - Median(direct.Select(r => r.CpuMsPerGB)):0})"));
    }

    // Latency: one connection, 64-byte request and echo, in alternating blocks so all paths see the same load.
    var times = paths.Select(_ => new List<double>()).ToList();
    for (var block = 0; block < 4; block++)
        for (var p = 0; p < paths.Count; p++)
        {
            paths[p].Use();
            times[p].AddRange(await RoundTrips(paths[p].Direct ? Port(echo) : EchoService, roundTrips / 4));
        }
    var (d50, d99) = (Percentile(times[0], 50), Percentile(times[0], 99));
    for (var p = 0; p < paths.Count; p++)
    {
        var (p50, p99) = (Percentile(times[p], 50), Percentile(times[p], 99));
        Console.WriteLine($"round trip {paths[p].Name,-28} p50 {p50:0.000} ms p99 {p99:0.000} ms" +
            (p == 0 ? "  (baseline)" : $"  added p50 {p50 - d50:+0.000;-0.000} ms p99 {p99 - d99:+0.000;-0.000} ms") + $"  ({roundTrips} x 64 B)");
    }

    // New connections: 8 workers connect, exchange one byte, close; alternating rounds, medians.
    var cps = paths.Select(_ => new List<double>()).ToList();
    for (var round = 0; round < 3; round++)
        for (var p = 0; p < paths.Count; p++)
        {
            paths[p].Use();
            cps[p].Add(await Connections(paths[p].Direct ? Port(echo) : EchoService, seconds / 2));
        }
    for (var p = 0; p < paths.Count; p++)
        Console.WriteLine($"connections/s {paths[p].Name,-25} {Median(cps[p]),6:0}" + (p == 0 ? "  (baseline)" : $"  {100 * Median(cps[p]) / Median(cps[0]):0}% of direct"));
    TcpPump.UseSplice = true;
    Console.WriteLine($"load average after: {LoadAverage()}");
}

static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

// Busy processes, one per core asked for, each ending by itself after `limit` even if this process dies first.
static List<Process> StartLoad(int count, TimeSpan limit) => Enumerable.Range(0, count).Select(_ => Process.Start(new ProcessStartInfo("timeout",
    [((int)limit.TotalSeconds).ToString(CultureInfo.InvariantCulture), "sh", "-c", "while :; do :; done"]))!).ToList();

Socket Listen()
{
    var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
    s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    s.Listen(512);
    return s;
}

int Port(Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;

// A port free now, for a service port (the mesh reports it if it is taken meanwhile).
int FreePort()
{
    using var s = Listen();
    return Port(s);
}

async Task Serve(Socket listener, Func<Socket, Task> handle, CancellationToken ct)
{
    while (!ct.IsCancellationRequested)
    {
        var client = await listener.AcceptAsync(ct);
        client.NoDelay = true;
        _ = Task.Run(async () =>
        {
            using (client)
            {
                try
                {
                    await handle(client);
                }
                catch (SocketException)
                {
                }
            }
        });
    }
}

async Task EchoAsync(Socket s)
{
    var buffer = new byte[16 * 1024];
    int n;
    while ((n = await s.ReceiveAsync(buffer, SocketFlags.None)) > 0) await s.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
}

async Task SinkAsync(Socket s)
{
    var buffer = new byte[64 * 1024];
    while (await s.ReceiveAsync(buffer, SocketFlags.None) > 0)
    {
    }
    await s.SendAsync(new byte[] { 1 }, SocketFlags.None); // everything arrived
}

async Task<Socket> Connect(int port)
{
    var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await s.ConnectAsync(IPAddress.Loopback, port);
    return s;
}

async Task<Rate> Throughput(int port, double duration)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var sent = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
    {
        using var s = await Connect(port);
        var chunk = new byte[64 * 1024];
        long bytes = 0;
        while (clock.Elapsed.TotalSeconds < duration) bytes += await s.SendAsync(chunk, SocketFlags.None);
        s.Shutdown(SocketShutdown.Send);
        await s.ReceiveAsync(new byte[1], SocketFlags.None);
        return bytes;
    }));
    var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    return new Rate(sent.Sum() / clock.Elapsed.TotalSeconds / 1e6, used.TotalMilliseconds / (sent.Sum() / 1e9));
}

async Task<List<double>> RoundTrips(int port, int count)
{
    using var s = await Connect(port);
    var request = new byte[64];
    var reply = new byte[64];
    var times = new List<double>(count);
    for (var i = -200; i < count; i++) // 200 warm-up round trips, not counted
    {
        var start = Stopwatch.GetTimestamp();
        await s.SendAsync(request, SocketFlags.None);
        var got = 0;
        while (got < reply.Length) got += await s.ReceiveAsync(reply.AsMemory(got), SocketFlags.None);
        if (i >= 0) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
    return times;
}

async Task<double> Connections(int port, double duration)
{
    var clock = Stopwatch.StartNew();
    var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        var n = 0;
        var one = new byte[1];
        while (clock.Elapsed.TotalSeconds < duration)
        {
            using var s = await Connect(port);
            await s.SendAsync(one, SocketFlags.None);
            await s.ReceiveAsync(one, SocketFlags.None);
            n++;
        }
        return n;
    }));
    return counts.Sum() / clock.Elapsed.TotalSeconds;
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)(p / 100 * sorted.Count))];
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

readonly record struct Rate(double MBps, double CpuMsPerGB);
