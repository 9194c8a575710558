using System.CommandLine;
using MiniMesos.Core.State;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>The master's --agent-unreachable-timeout and --agent-gone-timeout (seconds).</summary>
internal static class AgentTimeoutOptions
{
    public static (Option<double> Unreachable, Option<double> Gone) Create() => (
        new Option<double>("--agent-unreachable-timeout")
        {
            Description = "Seconds an agent may be silent before it is unreachable: its tasks become TASK_UNREACHABLE and apps replace them.",
            DefaultValueFactory = _ => AgentTimeouts.Default.Unreachable.TotalSeconds,
        },
        new Option<double>("--agent-gone-timeout")
        {
            Description = "Seconds an agent may stay unreachable before it is removed: its tasks become TASK_GONE.",
            DefaultValueFactory = _ => AgentTimeouts.Default.Gone.TotalSeconds,
        });

    public static AgentTimeouts Parse(ParseResult parse, Option<double> unreachable, Option<double> gone)
    {
        var u = parse.GetValue(unreachable);
        var g = parse.GetValue(gone);
        if (!(u is >= 1 and <= 86_400)) throw new ConfigException($"--agent-unreachable-timeout: {u} is not between 1 and 86400 seconds");
        if (!(g is >= 1 and <= 31_536_000)) throw new ConfigException($"--agent-gone-timeout: {g} is not between 1 and 31536000 seconds");
        return new AgentTimeouts(TimeSpan.FromSeconds(u), TimeSpan.FromSeconds(g));
    }
}
