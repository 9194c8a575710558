using System.CommandLine;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Routing;
using MiniMesos.Net.Routing;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>The master's --service-port-range and the agent's routing mesh options (docs/routing.md).</summary>
internal static class RoutingMeshOptions
{
    public static Option<string> ServicePortRange() => new("--service-port-range")
    {
        Description = "Where apps' service ports come from (Marathon's servicePorts), FIRST-LAST; every agent's routing mesh listens on them.",
        DefaultValueFactory = _ => ServicePortAllocator.DefaultRange.ToString(),
    };

    public static PortRange ParseServicePortRange(ParseResult parse, Option<string> option)
    {
        var text = parse.GetValue(option) ?? "";
        try
        {
            var ranges = PortRanges.Parse(text).Ranges;
            if (ranges.Length == 1 && ranges[0].Begin >= 1) return ranges[0];
        }
        catch (FormatException)
        {
        }
        throw new ConfigException($"--service-port-range: '{text}' is not one range FIRST-LAST of ports 1-65535");
    }

    public static (Option<bool> Enabled, Option<int> HttpPort, Option<string> Balance, Option<int> MaxConnections) Create() => (
        new Option<bool>("--routing-mesh")
        {
            Description = "Listen on every service port and forward each connection to a running, healthy instance anywhere in the cluster " +
                "(--routing-mesh=false turns it off).",
            DefaultValueFactory = _ => true,
            Arity = ArgumentArity.ZeroOrOne,
        },
        new Option<int>("--http-port")
        {
            Description = "The shared HTTP port of apps' virtual hosts (label MINIMESOS_VHOST=name); 0 turns it off. A port in use is reported, not fatal.",
            DefaultValueFactory = _ => 80,
        },
        new Option<string>("--mesh-balance")
        {
            Description = "How the routing mesh spreads connections: round-robin or least-connections.",
            DefaultValueFactory = _ => "round-robin",
        },
        new Option<int>("--mesh-max-connections")
        {
            Description = "Connections each service port forwards at once; more are closed at accept.",
            DefaultValueFactory = _ => 4096,
        });

    public static MeshOptions Parse(ParseResult parse, Option<bool> enabled, Option<int> httpPort, Option<string> balance, Option<int> max)
    {
        var port = parse.GetValue(httpPort);
        if (port is < 0 or > 65535) throw new ConfigException($"--http-port: {port} is not a port (0 turns virtual hosts off)");
        var mode = parse.GetValue(balance) switch
        {
            "round-robin" => BalanceMode.RoundRobin,
            "least-connections" or "least-conn" => BalanceMode.LeastConnections,
            var other => throw new ConfigException($"--mesh-balance: '{other}' is neither round-robin nor least-connections"),
        };
        var connections = parse.GetValue(max);
        if (connections is < 1 or > 1_000_000) throw new ConfigException($"--mesh-max-connections: {connections} is not between 1 and 1000000");
        return new MeshOptions(parse.GetValue(enabled), port, mode, connections);
    }
}
