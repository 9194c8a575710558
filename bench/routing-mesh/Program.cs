using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Routing;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Routing;

// dotnet run -c Release -- [--seconds 1] [--round-trips 20000]
// The agent's routing mesh (RoutingMesh, the code the agent runs) in this process, forwarding loopback service ports to
// an echo server and a sink; every figure is measured through the mesh and directly to the backend in the same run.
var seconds = 1.0;
var roundTrips = 20_000;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--seconds") seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--round-trips") roundTrips = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
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
Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cpus");

// Throughput: 4 connections each streaming 64 KiB writes into the sink for --seconds, in 5 rounds of direct, mesh
// (splice) and mesh (the buffer copy fallback) one after another, so all three see the same load; medians reported.
// The CPU this process spent per GB moved (clients, sink and mesh together) is the figure load does not skew: the
// mesh's own cost is its excess over the direct path's.
var rounds = new List<(Rate Direct, Rate Spliced, Rate Copied)>();
for (var round = 0; round < 5; round++)
{
    var d = await Throughput(Port(sink));
    var m = await Throughput(SinkService);
    TcpPump.UseSplice = false;
    var c = await Throughput(SinkService);
    TcpPump.UseSplice = true;
    rounds.Add((d, m, c));
}
var (direct, meshed, copied) = (Median(rounds.Select(r => r.Direct.MBps)), Median(rounds.Select(r => r.Spliced.MBps)), Median(rounds.Select(r => r.Copied.MBps)));
Console.WriteLine($"throughput (4 connections, median of 5 rounds): direct {direct:0} MB/s, mesh (splice) {meshed:0} MB/s, " +
    $"mesh (buffer copy fallback) {copied:0} MB/s; mesh/direct per round: median {100 * Median(rounds.Select(r => r.Spliced.MBps / r.Direct.MBps)):0}% " +
    $"({string.Join(" ", rounds.Select(r => $"{100 * r.Spliced.MBps / r.Direct.MBps:0}%"))}); copy/direct median {100 * Median(rounds.Select(r => r.Copied.MBps / r.Direct.MBps)):0}%");
var (dCpu, mCpu, cCpu) = (Median(rounds.Select(r => r.Direct.CpuMsPerGB)), Median(rounds.Select(r => r.Spliced.CpuMsPerGB)), Median(rounds.Select(r => r.Copied.CpuMsPerGB)));
Console.WriteLine($"CPU per GB moved (whole process, median): direct {dCpu:0} ms, mesh (splice) {mCpu:0} ms (+{mCpu - dCpu:0} ms), " +
    $"mesh (buffer copy) {cCpu:0} ms (+{cCpu - dCpu:0} ms)");

// Latency: one connection, 64-byte request and echo, in alternating blocks so both see the same load.
var directRtt = new List<double>();
var meshRtt = new List<double>();
for (var block = 0; block < 4; block++)
{
    directRtt.AddRange(await RoundTrips(Port(echo), roundTrips / 4));
    meshRtt.AddRange(await RoundTrips(EchoService, roundTrips / 4));
}
var (d50, d99, m50, m99) = (Percentile(directRtt, 50), Percentile(directRtt, 99), Percentile(meshRtt, 50), Percentile(meshRtt, 99));
Console.WriteLine($"round trip (64 B, {roundTrips} each): direct p50 {d50:0.000} ms p99 {d99:0.000} ms; mesh p50 {m50:0.000} ms p99 {m99:0.000} ms; " +
    $"added p50 {m50 - d50:0.000} ms p99 {m99 - d99:0.000} ms");

// New connections: 8 workers connect, exchange one byte, close.
var directCps = await Connections(Port(echo));
var meshCps = await Connections(EchoService);
Console.WriteLine($"connections/s (8 workers, connect + 1 byte each way + close): direct {directCps:0}, mesh {meshCps:0}");
Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
stop.Cancel();
return 0;

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

async Task<Rate> Throughput(int port)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var sent = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
    {
        using var s = await Connect(port);
        var chunk = new byte[64 * 1024];
        long bytes = 0;
        while (clock.Elapsed.TotalSeconds < seconds) bytes += await s.SendAsync(chunk, SocketFlags.None);
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

async Task<double> Connections(int port)
{
    var clock = Stopwatch.StartNew();
    var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        var n = 0;
        var one = new byte[1];
        while (clock.Elapsed.TotalSeconds < seconds)
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
