using System.CommandLine;
using System.Text.Json;
using MiniMesos.Core.Doctor;
using MiniMesos.Isolation;
using MiniMesos.Net.Hosts;

namespace MiniMesos.Net.Cli;

/// <summary>
/// `minimesos doctor [--role master|agent] [--json]`: checks what this node needs to run a master or an agent and
/// prints each item with its status and fix. Exit 1 when something blocks a role checked, 0 otherwise, 2 on bad usage.
/// </summary>
internal static class DoctorCli
{
    public static Command Command()
    {
        var role = new Option<string?>("--role") { Description = "Check only what this role needs: master or agent (default: both)." };
        role.AcceptOnlyFromAmong("master", "agent");
        var json = new Option<bool>("--json") { Description = "Print the checks as JSON." };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "The master's data directory to check (also MINIMESOS_DATA_DIR).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_DATA_DIR") ?? Defaults.MasterDataDir,
        };
        var workDir = new Option<string>("--work-dir")
        {
            Description = "The agent's work directory to check (also MINIMESOS_WORK_DIR).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_WORK_DIR") ?? Defaults.AgentWorkDir,
        };
        var port = new Option<int>("--port") { Description = "The master's HTTP API port to check.", DefaultValueFactory = _ => Defaults.ApiPort };
        var clusterPort = new Option<int>("--cluster-port") { Description = "The master's cluster port to check.", DefaultValueFactory = _ => Defaults.ClusterPort };
        var command = new Command("doctor", "Check what this node needs to run a master or an agent (cgroups, root, ports, mDNS, clock, disk, " +
            "directories, libssl) and print each item with its fix. Exit 1 when something blocks a role.")
        {
            role, json, dataDir, workDir, port, clusterPort,
        };
        command.SetAction(parse =>
        {
            DoctorRole? only = parse.GetValue(role) switch { "master" => DoctorRole.Master, "agent" => DoctorRole.Agent, _ => null };
            if ((PortProblem(parse.GetValue(port)) ?? PortProblem(parse.GetValue(clusterPort))) is { } bad)
                throw new CliException($"--port/--cluster-port: {bad}", ExitCodes.UsageError);
            var facts = Gather(only, parse.GetValue(dataDir)!, parse.GetValue(workDir)!, parse.GetValue(port), parse.GetValue(clusterPort));
            var checks = DoctorRules.Evaluate(facts, only);
            var code = DoctorRules.ExitCode(checks);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(Report(checks, only, code), DoctorJsonContext.Default.DoctorReport));
            else Print(checks, only);
            return code;
        });
        return command;
    }

    private static string? PortProblem(int port) => port is < 1 or > 65535 ? $"{port} is not a port (1-65535)" : null;

    private static NodeFacts Gather(DoctorRole? only, string dataDir, string workDir, int port, int clusterPort)
    {
        var facts = NodeIsolationFacts.Gather();
        var (mdnsInterface, mdnsProblem) = NodeNetFacts.Multicast();
        var ports = new List<PortFact>();
        var dirs = new List<DirFact>();
        if (only != DoctorRole.Agent)
        {
            ports.Add(NodeNetFacts.Port(port, "API", DoctorRole.Master));
            ports.Add(NodeNetFacts.Port(clusterPort, "cluster", DoctorRole.Master));
            dirs.Add(NodeNetFacts.Dir(dataDir, DoctorRole.Master));
        }
        if (only != DoctorRole.Master) dirs.Add(NodeNetFacts.Dir(workDir, DoctorRole.Agent));
        return facts with { Ports = ports, Dirs = dirs, MulticastInterface = mdnsInterface, MulticastProblem = mdnsProblem };
    }

    private static DoctorReport Report(IReadOnlyList<DoctorCheck> checks, DoctorRole? only, int code) =>
        new(code == 0, Roles(only),
            checks.Select(c => new DoctorItem(c.Name, Word(c.Status), c.Roles.Select(Name).ToList(), c.Detail, c.Fix)).ToList());

    private static void Print(IReadOnlyList<DoctorCheck> checks, DoctorRole? only)
    {
        foreach (var c in checks)
        {
            Console.WriteLine($"{Word(c.Status).ToUpperInvariant(),-5} {c.Name,-18} {c.Detail}");
            if (c.Fix is not null && c.Status != DoctorStatus.Ok) Console.WriteLine($"{"",-25}fix: {c.Fix}");
        }
        var failed = checks.Where(c => c.Status == DoctorStatus.Fail).ToList();
        var warned = checks.Count(c => c.Status == DoctorStatus.Warn);
        var blocked = Roles(only).Where(r => failed.Any(c => c.Roles.Select(Name).Contains(r))).ToList();
        Console.WriteLine(blocked.Count == 0
            ? $"doctor: nothing blocks {string.Join(" or ", Roles(only))} here ({warned} warning(s))"
            : $"doctor: {failed.Count} problem(s) block {string.Join(" and ", blocked)} here ({warned} warning(s))");
    }

    private static IReadOnlyList<string> Roles(DoctorRole? only) => only is { } r ? [Name(r)] : ["master", "agent"];

    private static string Name(DoctorRole role) => role == DoctorRole.Master ? "master" : "agent";

    private static string Word(DoctorStatus status) => status switch
    {
        DoctorStatus.Ok => "ok",
        DoctorStatus.Warn => "warn",
        _ => "fail",
    };
}
