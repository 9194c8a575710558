using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// PID 1 of a task's namespaces: the same binary started in a hidden mode. It waits until the agent has put
/// it in the task's cgroup, prepares mounts, hostname, limits, logs and user, spawns the command, reaps
/// orphans, forwards termination signals and records how the command ended.
/// Protocol with the agent: one byte on stdin = "you are in your cgroup, go"; one line on stdout =
/// "started PID" or "error MESSAGE"; after that stdout/stderr point at the sandbox files, and init keeps the agent's
/// pipe on a close-on-exec fd of its own for one more line, <see cref="EndedLine"/>, written once the command's end is
/// recorded on disk: the agent can report the end before init's own exit (which waits for the runtime to stop and the
/// kernel to tear down init's memory). A pre-started init (<see cref="WarmFlag"/>) reads its options from stdin too
/// (<see cref="WarmInitMessage"/>).
/// </summary>
internal static class TaskInit
{
    public const string Verb = "__task-init";
    public const string StartedPrefix = "started ";
    public const string ErrorPrefix = "error ";

    /// <summary>Init's last line to the agent: the command ended and its status file is on disk.</summary>
    public const string EndedLine = "ended";

    /// <summary>The only argument of a pre-started init (see <see cref="WarmInitPool"/>).</summary>
    public const string WarmFlag = "--warm";
    public const string StdoutFile = "stdout";
    public const string StderrFile = "stderr";

    /// <summary>Exit code when init could not start the command (shell convention for "cannot run").</summary>
    public const int CannotRun = 127;

    private static int s_child;
    private static int s_pendingSignal;

    public static int Run(string[] args)
    {
        // Pre-started (warm): no options on argv; they come over stdin with the environment, after the go byte.
        var warm = args.Length == 2 && args[1] == WarmFlag;
        TaskInitOptions? options = null;
        Dictionary<string, string> env;
        string? trace = null;
        List<PosixSignalRegistration> registrations;
        Exception? early = null;
        try
        {
            if (!warm) options = TaskInitOptions.Parse(args.Skip(1).ToList());

            // Before the go byte, while the agent makes the task's cgroup (or while a pre-started init waits): what
            // concerns only init's own namespaces and holds nothing of a task. A signal caught before "go" is for no
            // task and is dropped there, as the kernel drops one that PID 1 has no handler for.
            registrations = RegisterForwarding();
            var ownNamespaces = options is null || !options.Joined; // a pre-started init is never a joined one
            if (ownNamespaces) early = TryMakeMountsPrivate();

            // stdin carries the go byte (we are in our cgroup) then what the task needs until EOF.
            var input = ReadStdin();
            if (input.Length == 0)
            {
                return CannotRun; // the agent went away (or discarded us) before placing us in a cgroup: run nothing unaccounted
            }

            Volatile.Write(ref s_pendingSignal, 0);
            trace = LaunchTrace.On ? "init-go=" + LaunchTrace.NowMicros().ToString(CultureInfo.InvariantCulture) : null;
            if (options is null) (options, env) = WarmInitMessage.Decode(input.AsSpan(1));
            else env = EnvBlock.Decode(input.AsSpan(1));
            if (options.Joined && warm) throw new FormatException("a pre-started init cannot join a task's namespaces");
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            Report(ErrorPrefix + e.Message);
            return CannotRun;
        }

        if (early is not null)
        {
            Report(ErrorPrefix + early.Message); // reported after "go", where the agent reads init's answer
            return CannotRun;
        }

        TaskInitSetup.Prepared prepared;
        try
        {
            prepared = TaskInitSetup.PrepareAndSpawn(options, env, ref trace);
        }
        catch (Exception e) when (e is LibcException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Report(ErrorPrefix + e.Message);
            return CannotRun;
        }

        Volatile.Write(ref s_child, prepared.ChildPid);
        var pending = Interlocked.Exchange(ref s_pendingSignal, 0);
        if (pending != 0)
        {
            Signal.kill(prepared.ChildPid, pending);
        }

        Report(StartedPrefix + prepared.ChildPid.ToString(CultureInfo.InvariantCulture) + (trace is null ? "" : LaunchTrace.Marker + trace));
        // The agent's pipe stays on an fd of its own for the end (close-on-exec; the command is already spawned).
        var endFd = prepared.StatusFd >= 0 ? Fcntl.DupCloseOnExec(1) : -1;
        // Let go of the agent's pipes: from here init's own output belongs to the sandbox.
        Unistd.dup2(prepared.DevNullFd, 0);
        Unistd.dup2(prepared.StdoutFd, 1);
        Unistd.dup2(prepared.StderrFd, 2);

        var exit = ReapUntil(prepared.ChildPid);
        WriteStatus(prepared.StatusFd, exit);
        ReportEnded(endFd);
        GC.KeepAlive(registrations);
        // Returning ends PID 1, and the kernel kills whatever the command left behind in the namespace.
        return exit.ShellStatus;
    }

    private static List<PosixSignalRegistration> RegisterForwarding()
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (var sig in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            registrations.Add(PosixSignalRegistration.Create(sig, Forward));
        }

        return registrations;
    }

    /// <summary><see cref="TaskInitSetup.MakeMountsPrivate"/>, or the error to report once the agent listens.</summary>
    private static Exception? TryMakeMountsPrivate()
    {
        try
        {
            TaskInitSetup.MakeMountsPrivate();
            return null;
        }
        catch (LibcException e)
        {
            return e;
        }
    }

    private static void Forward(PosixSignalContext context)
    {
        context.Cancel = true; // init never dies of these itself; the command decides
        var signo = context.Signal switch
        {
            PosixSignal.SIGTERM => Signal.SIGTERM,
            PosixSignal.SIGINT => Signal.SIGINT,
            PosixSignal.SIGHUP => Signal.SIGHUP,
            PosixSignal.SIGQUIT => Signal.SIGQUIT,
            _ => 0,
        };
        var child = Volatile.Read(ref s_child);
        if (child > 0)
        {
            Signal.kill(child, signo);
        }
        else
        {
            Volatile.Write(ref s_pendingSignal, signo);
        }
    }

    private static unsafe byte[] ReadStdin()
    {
        var data = new MemoryStream();
        var buf = new byte[16384];
        while (true)
        {
            nint n;
            fixed (byte* p = buf)
            {
                n = Unistd.read(0, p, (nuint)buf.Length);
            }

            if (n > 0)
            {
                data.Write(buf, 0, (int)n);
            }
            else if (n == 0 || Marshal.GetLastPInvokeError() != Errno.EINTR)
            {
                return data.ToArray();
            }
        }
    }

    /// <summary>Waits for children; orphans re-parented to us are reaped too, until the command itself ends.</summary>
    private static unsafe TaskExit ReapUntil(int child)
    {
        while (true)
        {
            int status;
            var pid = Wait.waitpid(-1, &status, 0);
            if (pid == -1)
            {
                if (Marshal.GetLastPInvokeError() == Errno.EINTR)
                {
                    continue;
                }

                // ECHILD: someone else reaped the command; we cannot know how it ended.
                return new TaskExit(null, Signal.SIGKILL);
            }

            if (pid != child)
            {
                continue;
            }

            if (Wait.WIFEXITED(status))
            {
                return new TaskExit(Wait.WEXITSTATUS(status), null);
            }

            if (Wait.WIFSIGNALED(status))
            {
                return new TaskExit(null, Wait.WTERMSIG(status));
            }
        }
    }

    private static unsafe void WriteStatus(int fd, TaskExit exit)
    {
        if (fd < 0)
        {
            return; // a check inside a running task keeps no file: its end is init's exit status
        }

        var bytes = Encoding.ASCII.GetBytes(ExitStatusFile.Format(exit));
        fixed (byte* p = bytes)
        {
            Unistd.write(fd, p, (nuint)bytes.Length);
        }

        Unistd.fsync(fd);
    }

    /// <summary>After the status file is on disk: tells the agent, then lets go of its pipe.</summary>
    private static unsafe void ReportEnded(int fd)
    {
        if (fd < 0) return;
        var bytes = Encoding.ASCII.GetBytes(EndedLine + "\n");
        fixed (byte* p = bytes)
        {
            Unistd.write(fd, p, (nuint)bytes.Length); // a gone agent (EPIPE) learns the end from the file after a restart
        }

        Unistd.close(fd);
    }

    private static unsafe void Report(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line.ReplaceLineEndings(" ") + "\n");
        fixed (byte* p = bytes)
        {
            Unistd.write(1, p, (nuint)bytes.Length);
        }
    }
}
