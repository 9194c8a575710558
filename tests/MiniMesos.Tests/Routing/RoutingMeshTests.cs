using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Routing;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Routing;
using Xunit;

namespace MiniMesos.Tests.Routing;

/// <summary>The agent's routing mesh with real loopback sockets: forwarding, retry past a dead instance, unbound ports, virtual hosts.</summary>
public sealed class RoutingMeshTests
{
    private static int FreePort()
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>A backend that answers each connection with its name and closes.</summary>
    private static Socket Backend(string name, CancellationToken ct)
    {
        var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        _ = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                using var client = await listener.AcceptAsync(ct);
                await client.SendAsync(Encoding.ASCII.GetBytes(name), SocketFlags.None, ct);
                client.Shutdown(SocketShutdown.Both);
            }
        }, ct);
        return listener;
    }

    private static async Task<string> Read(int port, string? send = null)
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(IPAddress.Loopback, port);
        if (send is not null) await s.SendAsync(Encoding.ASCII.GetBytes(send), SocketFlags.None);
        var buffer = new byte[4096];
        var got = 0;
        for (var n = 1; n > 0 && got < buffer.Length; got += n) n = await s.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None);
        return Encoding.ASCII.GetString(buffer, 0, got);
    }

    private static int Port(Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;

    [Fact]
    public async Task ForwardsToLiveInstancesAndTriesAnotherWhenOneIsDead()
    {
        using var stop = new CancellationTokenSource();
        using var a = Backend("a", stop.Token);
        using var b = Backend("b", stop.Token);
        var dead = FreePort();
        var service = FreePort();
        using var mesh = new RoutingMesh(new MeshOptions(HttpPort: 0, BindAddress: IPAddress.Loopback), PortRanges.Empty, NullLogger.Instance);
        mesh.Apply(new ServiceTableUpdate(1, 0, [new ServiceRoute(service, "/web", null,
            [new ServiceEndpoint("web.0", "127.0.0.1", dead), new ServiceEndpoint("web.1", "127.0.0.1", Port(a)), new ServiceEndpoint("web.2", "127.0.0.1", Port(b))])], []));
        Assert.Equal([service], mesh.Listening);
        var answers = new List<string>();
        for (var i = 0; i < 9; i++) answers.Add(await Read(service));
        Assert.All(answers, x => Assert.Contains(x, new[] { "a", "b" })); // never a failed connection
        Assert.Contains("a", answers);
        Assert.Contains("b", answers);

        // A change removing the port closes its listener.
        mesh.Apply(new ServiceTableUpdate(2, 1, [], [service]));
        Assert.Empty(mesh.Listening);
        await Assert.ThrowsAnyAsync<SocketException>(() => Read(service));
        stop.Cancel();
    }

    [Fact]
    public void APortItCannotBindOrThatBelongsToTasksIsReportedNotFatal()
    {
        using var taken = new Socket(SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen(1);
        var free = FreePort();
        var changes = 0;
        using var mesh = new RoutingMesh(new MeshOptions(HttpPort: 0, BindAddress: IPAddress.Loopback),
            PortRanges.Of(new PortRange(free, free)), NullLogger.Instance);
        mesh.StatusChanged += () => changes++;
        mesh.Apply(new ServiceTableUpdate(1, 0, [new ServiceRoute(Port(taken), "/a", null, []), new ServiceRoute(free, "/b", null, [])], []));
        Assert.Empty(mesh.Listening);
        Assert.Equal("address already in use", mesh.Unbound[Port(taken)]);
        Assert.Contains("task port range", mesh.Unbound[free]);
        Assert.Equal(1, changes);
        // A change that builds on a version it does not hold is ignored.
        mesh.Apply(new ServiceTableUpdate(5, 4, [], [free]));
        Assert.True(mesh.Unbound.ContainsKey(free));
    }

    [Fact]
    public async Task VirtualHostsRouteByHostHeader()
    {
        using var stop = new CancellationTokenSource();
        using var web = Backend("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nweb", stop.Token);
        var http = FreePort();
        var service = FreePort();
        using var mesh = new RoutingMesh(new MeshOptions(HttpPort: http, BindAddress: IPAddress.Loopback), PortRanges.Empty, NullLogger.Instance);
        mesh.Start();
        mesh.Apply(new ServiceTableUpdate(1, 0, [new ServiceRoute(service, "/web", "web.home.arpa", [new ServiceEndpoint("web.1", "127.0.0.1", Port(web))]),
            new ServiceRoute(FreePort(), "/down", "down.home.arpa", [])], []));
        Assert.EndsWith("web", await Read(http, "GET / HTTP/1.1\r\nHost: WEB.home.arpa:80\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 404", await Read(http, "GET / HTTP/1.1\r\nHost: other.home.arpa\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 503", await Read(http, "GET / HTTP/1.1\r\nHost: down.home.arpa\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400", await Read(http, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"));
        stop.Cancel();
    }
}
