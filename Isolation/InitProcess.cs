using System.Diagnostics;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>Starts a task's init (cold, or pre-started for <see cref="WarmInitPool"/>) in new or joined namespaces.</summary>
internal static class InitProcess
{
    /// <summary>PID, mount, UTS and IPC: the namespaces every task gets (plus network for a task without one).</summary>
    public const int TaskNamespaces = Sched.CLONE_NEWPID | Sched.CLONE_NEWNS | Sched.CLONE_NEWUTS | Sched.CLONE_NEWIPC;

    /// <summary>The runtime's gen0 size setting (read as hex), given to init alone: see <see cref="StartInfo"/>.</summary>
    public const string InitGen0SizeVariable = "DOTNET_GCgen0size";
    public const string InitGen0SizeHex = "200000";

    /// <summary>Init with its pipes and nothing of the agent's environment (the task's comes over stdin).</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> initCommand, string workingDirectory, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(initCommand[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in initCommand.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add(TaskInit.Verb);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        psi.Environment["PATH"] = TaskInitSetup.DefaultPath;
        // Init's gen0 budget given outright (hex: 2 MiB, what the runtime computes on any box with a 2.5 MB or larger
        // cache, capped by the binary's Gen0MaxBudget), so each init's runtime start-up skips probing the CPU caches
        // (nine sysfs files) and /proc/meminfo to compute it (docs/size.md). Init's own: the task's environment is its own.
        psi.Environment[InitGen0SizeVariable] = InitGen0SizeHex;
        if (LaunchTrace.On) psi.Environment[LaunchTrace.Variable] = "1";
        return psi;
    }

    /// <summary>Kills and reaps an init that runs nothing yet (a discarded warm one, or a launch that failed half-way).</summary>
    public static void Discard(Process init)
    {
        try { init.Kill(); } catch (InvalidOperationException) { }
        init.WaitForExit();
        init.Dispose();
    }
}
